import Dispatch
import Foundation
import HTTPServer
import Logging
import Testing
import TestSupport

/// Starting servers for tests: each test gets its own server on an ephemeral port.
enum TestServer {
    static func configuration(_ customize: (inout HTTPServerConfiguration) -> Void = { _ in }) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
        customize(&configuration)
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "http-server-tests")
        logger.logLevel = .warning
        return logger
    }

    /// Answers 200 with the request body, and the request's particulars in X- headers.
    /// Paths with a special meaning:
    /// - `/defer?ms=N`: answers from another thread N ms later,
    /// - `/raw`: `.raw` bytes (a response truncated short of its Content-Length), then close,
    /// - `/close`: `.close`,
    /// - `/twice`: replies twice (the second must be ignored).
    static let echo: HTTPHandler = { request, reply in
        var headers = HTTPHeaders([("Content-Type", "text/plain")])
        headers.add("X-Method", request.method)
        headers.add("X-Path", request.path)
        headers.add("X-Query", request.query ?? "-")
        headers.add("X-Version", "\(request.head.versionMinor)")
        headers.add("X-Echo", request.headers["x-test"] ?? "-")
        headers.add("X-Connection-ID", "\(request.connection.id)")
        headers.add("X-Remote", request.connection.remoteAddress)
        headers.add("X-Authority", request.head.authority ?? "-")
        let response = HTTPResponse(status: 200, headers: headers, body: request.body)
        switch request.path {
        case "/defer":
            let milliseconds = Int(request.query?.split(separator: "=").last ?? "") ?? 100
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                reply.send(response)
            }
        case "/raw":
            reply(.raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntruncated".utf8), thenClose: true))
        case "/close":
            reply(.close)
        case "/twice":
            reply.send(response)
            reply.send(HTTPResponse.text(500, "second reply"))
        default:
            reply.send(response)
        }
    }
}

/// Runs `body` against a fresh server, then shuts it down.
func withServer(
    _ configuration: HTTPServerConfiguration = TestServer.configuration(),
    handler: @escaping HTTPHandler = TestServer.echo,
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    let server = HTTPServer(configuration: configuration, logger: TestServer.logger, handler: handler)
    let port = try server.start()
    do {
        try await body(server, port)
    } catch {
        await server.shutdown(grace: .seconds(1))
        throw error
    }
    await server.shutdown(grace: .seconds(1))
}

/// A GET request with the usual headers.
func get(_ target: String, _ extraHeaders: String = "") -> String {
    "GET \(target) HTTP/1.1\r\nHost: localhost\r\n\(extraHeaders)\r\n"
}

/// A new connection whose first request, GET `target`, was answered 200: by then its loop has
/// registered it, so the server's counts include it.
func answeredConnection(port: Int, _ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RawHTTPClient {
    let client = try RawHTTPClient(port: port)
    try client.send(get(target))
    #expect(client.readResponse()?.status == 200, sourceLocation: sourceLocation)
    return client
}

/// A POST request with a Content-Length body.
func post(_ target: String, _ body: String, _ extraHeaders: String = "") -> String {
    "POST \(target) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)"
}

extension RawHTTPClient {
    /// Moves `clock` by `step` until `read` gives something (at most 100 moves). The server may
    /// see the client's bytes after any of the moves: each move past a timeout from then on
    /// fires it at the loop's next sweep, which `read` waits for briefly.
    func moving<T>(_ clock: ManualClock, by step: Duration, until read: (RawHTTPClient) -> T?) -> T? {
        for _ in 0..<100 {
            clock.advance(by: step)
            if let value = read(self) { return value }
        }
        return nil
    }
}
