import Dispatch
import Foundation
@testable import HTTPServer
import Logging
import Synchronization
import Testing
import TestSupport

/// A server that runs for weeks: error answers that leave nothing behind, a stop that loses no
/// request, connections that cannot be held open with empty lines.
@Suite("Reliability")
struct HTTPServerReliabilityTests {
    /// The server's own error answers once re-wrapped their responder at every use: after
    /// ~30,000 of them the nesting overflowed the stack (SIGSEGV). 100,000 in one process.
    @Test func oneHundredThousandErrorAnswersLeaveNothingBehind() {
        struct Responder: HTTPResponder {
            func respond(to request: HTTPRequest, reply: HTTPReply) {}
            func response(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
                .text(999, "shaped: \(error.status)")
            }
        }
        let core = ServerCore(configuration: TestServer.configuration(), logger: TestServer.logger,
                              responder: Responder(), clock: nil)
        var bytes = 0
        for index in 0..<100_000 {
            let response = core.errorResponse(for: index % 2 == 0 ? .malformedRequest("x") : .requestTimeout, head: nil)
            bytes += response.body.count
        }
        #expect(core.errorAnswers.load(ordering: .relaxed) == 100_000)
        #expect(bytes == 100_000 * "shaped: 400".utf8.count)
    }

    /// The same over TCP: each gets its 400 and a close, the server counts them and goes on.
    @Test func errorAnswersOverTCPAreCountedAndTheServerGoesOn() async throws {
        try await withServer { server, port in
            for _ in 0..<500 {
                let client = try RawHTTPClient(port: port)
                try client.send("HELLO\r\n\r\n")
                #expect(client.readResponse()?.status == 400)
                #expect(client.waitForClose())
            }
            #expect(server.errorAnswers == 500)
            let client = try RawHTTPClient(port: port)
            try client.send(get("/after"))
            #expect(client.readResponse()?.status == 200)
        }
    }

    /// A stop answers every request whose bytes reached the server before it: one sent on an
    /// idle keep-alive connection while the loop was busy (so its bytes wait in the kernel, the
    /// edge-triggered event not yet seen), and one on a connection still in the listen backlog.
    @Test func aStopAnswersRequestsAlreadySent() async throws {
        let busy = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: TestServer.configuration { $0.eventLoopCount = 1 },
                                logger: TestServer.logger) { request, reply in
            if request.path == "/busy" {
                // Holds the only loop, on purpose, so that what follows queues up behind it.
                busy.signal()
                _ = release.wait(timeout: .now() + 60)
            }
            TestServer.echo(request, reply)
        }
        let port = try server.start()
        let idle = try RawHTTPClient(port: port)
        try idle.send(get("/warm-up"))
        #expect(idle.readResponse()?.status == 200)

        let blocker = try RawHTTPClient(port: port)
        try blocker.send(get("/busy"))
        #expect(busy.wait(timeout: .now() + 60) == .success)
        try idle.send(get("/sent-before-the-stop"))
        let queued = try RawHTTPClient(port: port)
        try queued.send(get("/from-the-backlog"))
        server.beginShutdown(grace: .seconds(60))
        release.signal()

        #expect(blocker.readResponse()?.status == 200)
        let late = try #require(idle.readResponse(), "the request sent on the idle connection was dropped")
        #expect(late.header("X-Path") == "/sent-before-the-stop")
        #expect(late.header("Connection") == "close")
        let backlog = try #require(queued.readResponse(), "the connection in the backlog was dropped")
        #expect(backlog.header("X-Path") == "/from-the-backlog")
        await server.waitUntilStopped()
    }

    /// Pipelined requests already received when the stop comes are all answered, the last one
    /// with `Connection: close`.
    @Test func aStopAnswersPipelinedRequestsAlreadyReceived() async throws {
        let busy = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: TestServer.configuration { $0.eventLoopCount = 1 },
                                logger: TestServer.logger) { request, reply in
            if request.path == "/busy" {
                busy.signal()
                _ = release.wait(timeout: .now() + 60)
            }
            TestServer.echo(request, reply)
        }
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        try client.send(get("/busy"))
        #expect(busy.wait(timeout: .now() + 60) == .success)
        try client.send(get("/two") + get("/three"))
        server.beginShutdown(grace: .seconds(60))
        release.signal()
        let paths = (0..<3).map { _ in client.readResponse() }
        #expect(paths.map { $0?.header("X-Path") } == ["/busy", "/two", "/three"])
        #expect(paths.map { $0?.header("Connection") } == ["keep-alive", "keep-alive", "close"])
        #expect(client.waitForClose())
        await server.waitUntilStopped()
    }

    /// Empty lines before a request line are tolerated (two by default) but are not a request:
    /// they neither reset the idle timeout nor hold the connection open.
    @Test func emptyLinesCannotHoldAConnectionOpen() async throws {
        let clock = ManualClock()
        let server = HTTPServer(configuration: TestServer.configuration(), logger: TestServer.logger,
                                clock: clock, handler: TestServer.echo)
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        try client.send(get("/first"))
        #expect(client.readResponse()?.status == 200)
        try client.send("\r\n")
        clock.advance(by: .seconds(59))
        try client.send("\r\n")
        clock.advance(by: .seconds(2))
        // 61 s since the last answer: closed without a word, whatever the empty lines.
        #expect(client.readUntilClosed() == [])

        do {
            let chatty = try RawHTTPClient(port: port)
            try chatty.send("\r\n\r\n\r\n")
            #expect(chatty.readResponse()?.status == 400)
            #expect(chatty.waitForClose())
        }
        // The clock is frozen, so the lingering close of that answer ends when the client closes.
        await server.shutdown()
    }

    /// Two empty lines before a request are ignored, as RFC 9112 §2.2 asks.
    @Test func aFewEmptyLinesBeforeARequestAreIgnored() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("\r\n\r\n" + get("/after-empty-lines"))
            #expect(client.readResponse()?.header("X-Path") == "/after-empty-lines")
        }
    }

    /// The empty lines allowed are counted per request: a keep-alive client sending them before
    /// each of its requests is answered every time.
    @Test func emptyLinesAreCountedPerRequest() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            for index in 1...3 {
                try client.send("\r\n\r\n" + get("/request-\(index)"))
                #expect(client.readResponse()?.header("X-Path") == "/request-\(index)")
            }
        }
    }

    /// RFC 9112 §3.2.2: a server must accept the absolute form of a request-target.
    @Test func absoluteFormTargetsAreAccepted() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET http://example.org:8080/echo?x=1 HTTP/1.1\r\nHost: other\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("X-Path") == "/echo")
            #expect(response.header("X-Query") == "x=1")
            #expect(response.header("X-Authority") == "example.org:8080", "the target's authority wins over Host")
        }
    }
}
