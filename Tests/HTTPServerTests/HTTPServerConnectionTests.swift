import Dispatch
import Foundation
import HTTPServer
import Synchronization
import Testing
import TestSupport

/// Many connections, the connection cap, start-up errors and graceful shutdown.
@Suite("Connections and life cycle")
struct HTTPServerConnectionTests {
    @Test func holdsAThousandIdleKeepAliveConnections() async throws {
        #expect(ResourceLimits.raiseOpenFileLimit() >= 2100)
        try await withServer(TestServer.configuration { $0.limits.maxConnections = 1100 }) { server, port in
            var clients: [RawHTTPClient] = []
            for _ in 0..<1000 {
                clients.append(try RawHTTPClient(port: port))
            }
            // Every connection makes one request, so all are accepted and in keep-alive.
            for client in clients {
                try client.send(get("/idle"))
            }
            var answered = 0
            for (index, client) in clients.enumerated() {
                if client.readResponse()?.status == 200 {
                    answered += 1
                } else {
                    Issue.record("client \(index) not answered (eof: \(client.sawEOF)); accepted \(server.acceptedConnections), open \(server.openConnections)")
                }
            }
            #expect(answered == 1000)
            #expect(server.openConnections == 1000)

            let newcomer = try RawHTTPClient(port: port)
            try newcomer.send(get("/newcomer"))
            #expect(newcomer.readResponse()?.header("X-Path") == "/newcomer")
            // The idle ones are still there and still work.
            try clients[0].send(get("/again"))
            #expect(clients[0].readResponse()?.header("X-Path") == "/again")
            try clients[999].send(get("/again"))
            #expect(clients[999].readResponse()?.header("X-Path") == "/again")
            #expect(server.acceptedConnections == 1001)
        }
    }

    @Test func connectionCapAnswers503AndKeepsServing() async throws {
        try await withServer(TestServer.configuration { $0.limits.maxConnections = 5 }) { server, port in
            var clients: [RawHTTPClient] = []
            for index in 0..<5 {
                clients.append(try answeredConnection(port: port, "/\(index)"))
            }
            let sixth = try RawHTTPClient(port: port)
            try sixth.send(get("/sixth"))
            let refused = try #require(sixth.readResponse())
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(sixth.waitForClose())
            #expect(server.openConnections == 5)

            // Existing connections are unaffected, and a slot freed is usable again.
            try clients[4].send(get("/still"))
            #expect(clients[4].readResponse()?.header("X-Path") == "/still")
            clients.removeLast()
            // The server sees the close on its loop's thread: the slot is free once it has.
            try await settle("a slot freed (open: \(server.openConnections))") { server.openConnections < 5 }
            let client = try RawHTTPClient(port: port)
            try client.send(get("/replacement"))
            let replacement = try #require(client.readResponse())
            #expect(replacement.status == 200)
        }
    }

    @Test func concurrentClientsOnManyThreads() async throws {
        try await withServer { _, port in
            let failures = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                do {
                    let client = try RawHTTPClient(port: port)
                    for index in 0..<50 {
                        try client.send(post("/w\(worker)", "payload-\(index)"))
                        guard let response = client.readResponse(), response.text == "payload-\(index)" else {
                            failures.add(1, ordering: .relaxed)
                            return
                        }
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
            #expect(failures.load(ordering: .relaxed) == 0)
        }
    }

    @Test func startFailsClearlyWhenThePortIsTaken() async throws {
        try await withServer { _, port in
            let second = HTTPServer(configuration: TestServer.configuration { $0.port = port },
                                    logger: TestServer.logger, handler: TestServer.echo)
            #expect(throws: HTTPServerStartError.addressInUse(host: "127.0.0.1", port: port)) {
                try second.start()
            }
            #expect("\(HTTPServerStartError.addressInUse(host: "127.0.0.1", port: 8080))"
                == "port 8080 is already in use on 127.0.0.1")
            await second.shutdown()
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequestsThenRefuses() async throws {
        let arrived = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        // One loop, so that seeing the idle connection closed proves that loop is stopping.
        let server = HTTPServer(configuration: TestServer.configuration { $0.eventLoopCount = 1 },
                                logger: TestServer.logger) { request, reply in
            guard request.path == "/gated" else { return TestServer.echo(request, reply) }
            arrived.signal()
            DispatchQueue.global().async {
                _ = gate.wait(timeout: .now() + 60)
                reply.send(HTTPResponse.text(200, "finished"))
            }
        }
        let port = try server.start()
        let idle = try answeredConnection(port: port, "/idle")

        let inFlight = try RawHTTPClient(port: port)
        try inFlight.send(get("/gated"))
        #expect(arrived.wait(timeout: .now() + 60) == .success)

        // Started synchronously: a Task could wait for a free thread of the cooperative pool,
        // which the blocking reads of parallel tests may all be holding.
        server.beginShutdown(grace: .seconds(60))
        // The idle keep-alive connection is closed at once...
        #expect(idle.waitForClose())
        #expect(!RawHTTPClient.canConnect(port: port), "no new connection once stopping")
        // ...while the request in flight still gets its answer, marked as the last one.
        gate.signal()
        let response = try #require(inFlight.readResponse())
        #expect(response.status == 200)
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        #expect(inFlight.waitForClose())
        await server.waitUntilStopped()
        #expect(!RawHTTPClient.canConnect(port: port))
        await server.shutdown()
    }

    @Test func shutdownBeforeStartAndTwice() async throws {
        let server = HTTPServer(configuration: TestServer.configuration(), logger: TestServer.logger, handler: TestServer.echo)
        await server.shutdown()
        await server.waitUntilStopped()
        #expect(throws: HTTPServerStartError.alreadyStarted) { try server.start() }
    }
}

/// Waits until `condition` holds, for state that settles on another thread (a connection slot
/// freed when the server notices a close). Clock-free: it checks up to `checks` times, yielding
/// a few milliseconds between checks, so a loaded machine makes it slower, never wrong.
func settle(_ context: @autoclosure () -> String, checks: Int = 4000, _ condition: () -> Bool) async throws {
    for _ in 0..<checks {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw TestFailure("condition not met after \(checks) checks: \(context())")
}
