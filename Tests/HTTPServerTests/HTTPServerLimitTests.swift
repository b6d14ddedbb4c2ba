import Dispatch
import Foundation
import HTTPServer
import Testing
import TestSupport

/// Limits, malformed input and timeouts: the server answers with the right status, closes,
/// and keeps serving other clients.
@Suite("Limits and errors")
struct HTTPServerLimitTests {
    static let small = TestServer.configuration {
        $0.limits.maxRequestLineBytes = 256
        $0.limits.maxHeaderBytes = 1024
        $0.limits.maxHeaderCount = 10
        $0.limits.maxBodyBytes = 1024
    }

    /// Sends `request` on a new connection and expects `status`, `Connection: close` and EOF.
    private func expectRejected(_ request: String, status: Int, port: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let client = try RawHTTPClient(port: port)
        try client.send(request)
        let response = try #require(client.readResponse(), sourceLocation: sourceLocation)
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.header("Connection") == "close", sourceLocation: sourceLocation)
        #expect(client.waitForClose(), "connection should be closed", sourceLocation: sourceLocation)
    }

    @Test func requestLineLimit() async throws {
        try await withServer(Self.small) { _, port in
            try expectRejected(get("/" + String(repeating: "x", count: 300)), status: 414, port: port)
            try expectRejected(String(repeating: "@", count: 300), status: 400, port: port)
        }
    }

    @Test func headerSizeAndCountLimits() async throws {
        try await withServer(Self.small) { _, port in
            try expectRejected(get("/", "X-Big: " + String(repeating: "b", count: 1100) + "\r\n"), status: 431, port: port)
            let many = (0..<11).map { "X-\($0): v\r\n" }.joined()
            try expectRejected(get("/", many), status: 431, port: port)
        }
    }

    @Test func bodyLimitByContentLengthAndByChunks() async throws {
        try await withServer(Self.small) { _, port in
            try expectRejected(post("/", String(repeating: "a", count: 1025)), status: 413, port: port)
            let chunk = String(repeating: "c", count: 600)
            let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n"
            try expectRejected(chunked, status: 413, port: port)
            // Exactly at the limit is fine.
            let client = try RawHTTPClient(port: port)
            try client.send(post("/", String(repeating: "a", count: 1024)))
            #expect(client.readResponse()?.body.count == 1024)
        }
    }

    @Test func malformedRequestsGet400WhileOthersKeepWorking() async throws {
        try await withServer { _, port in
            let bystander = try answeredConnection(port: port, "/before")

            try expectRejected("THIS IS NOT HTTP\r\n\r\n", status: 400, port: port)
            try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", status: 400, port: port)
            try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                               status: 400, port: port)
            try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", status: 400, port: port)
            try expectRejected("GET / HTTP/3.0\r\nHost: h\r\n\r\n", status: 505, port: port)
            try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: br, chunked\r\n\r\n", status: 501, port: port)

            try bystander.send(get("/after"))
            #expect(bystander.readResponse()?.header("X-Path") == "/after")
        }
    }

    /// A server whose timeouts follow `clock`, moved by the test.
    private func withClockedServer(_ body: (ManualClock, Int) async throws -> Void) async throws {
        let clock = ManualClock()
        let server = HTTPServer(configuration: TestServer.configuration(), logger: TestServer.logger, clock: clock, handler: TestServer.echo)
        let port = try server.start()
        try await body(clock, port)
        await server.shutdown(grace: .seconds(1))
    }

    @Test func headerReadTimeoutAnswers408ThenCloses() async throws {
        try await withClockedServer { clock, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /slow HTTP/1.1\r\nHost: h\r\nX-Half: ")
            // The 10 s of a request, however long the server takes to see its first bytes.
            let response = try #require(client.moving(clock, by: .seconds(11)) { $0.readResponse(timeout: .milliseconds(50)) })
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() async throws {
        try await withClockedServer { clock, port in
            let client = try answeredConnection(port: port, "/once")
            let rest = client.moving(clock, by: .seconds(61)) { $0.readUntilClosed(timeout: .milliseconds(50)) }
            #expect(rest == [], "closed without any answer")
        }
    }

    @Test func fiftyMegabytePostGets413FastWithoutBuffering() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let size = 50 * 1024 * 1024
            try client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: \(size)\r\n\r\n")
            let fd = client.fd
            let uploaded = Uploader()
            // Upload from another thread, like a client that does not wait for an answer.
            let thread = Thread {
                let block = [UInt8](repeating: 0x61, count: 256 * 1024)
                var sent = 0
                while sent < size {
                    let count = block.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if count <= 0 { break }
                    sent += count
                }
                uploaded.finish(sent)
            }
            thread.start()
            let response = try #require(client.readResponse())
            #expect(response.status == 413)
            #expect(client.waitForClose())
            // The upload thread ends once the server closes (EPIPE/ECONNRESET), long before 50 MiB.
            #expect(uploaded.wait(timeout: .seconds(60)) != nil)
        }
    }

    @Test func slowBodyAlsoTimesOut() async throws {
        try await withClockedServer { clock, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            #expect(client.moving(clock, by: .seconds(11)) { $0.readResponse(timeout: .milliseconds(50)) }?.status == 408)
        }
    }
}

/// Signals when the upload thread of a test is done.
final class Uploader: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func finish(_ sent: Int) {
        semaphore.signal()
    }

    func wait(timeout: Duration) -> Bool? {
        semaphore.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success ? true : nil
    }
}
