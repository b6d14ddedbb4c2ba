import Foundation
import INSiCore
import INSiServer
import INSiSOAP
import Logging

/// A real simulator on an ephemeral port, for one test.
public struct TestSimulator: Sendable {
    public let simulator: Simulator
    public let port: Int

    public init(nameMatching: NameMatching = .strict, authorizedIDAMs: Set<String> = [], maxBodyBytes: Int = 1 << 20, logger: Logger? = nil,
         logSink: LogSink? = nil, wallClock: (any WallClock)? = nil, configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.resourcesPath = TestPaths.resources.path
        configuration.nameMatching = nameMatching
        configuration.authorizedIDAMs = authorizedIDAMs
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.eventLoopCount = 2
        configure(&configuration)
        var quiet = Logger(label: "insi-sim-test")
        quiet.logLevel = .warning
        simulator = try Simulator(configuration: configuration, logger: logger ?? quiet, logSink: logSink, wallClock: wallClock)
        port = try simulator.start()
    }

    public func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// An admin request with a JSON body, sent off the cooperative pool (the socket blocks).
    public func admin(_ method: String, _ target: String, json: String? = nil, token: String? = nil) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool { try TestSimulator.admin(port: port, method, target, json: json, token: token) }
    }

    public static func admin(port: Int, _ method: String, _ target: String, json: String?, token: String?) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        let body = Array((json ?? "").utf8)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        if json != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + body)
        return try client.response()
    }

    /// Posts a SOAP request with the Content-Type of its operation, off the cooperative pool:
    /// a test blocked on a socket must not starve the tasks of the server and clients under test.
    public func call(_ request: INSiRequest) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool {
            try RawHTTPClient(port: port).post("/lps", body: INSiRequestWriter.write(request),
                                               headers: [("Content-Type", INSiRequestWriter.contentType(for: request.operation))])
        }
    }

    /// A GET, off the cooperative pool.
    public func get(_ target: String) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool { try RawHTTPClient(port: port).get(target) }
    }

    /// A POST with a raw body, off the cooperative pool.
    public func post(_ target: String, body: [UInt8], headers: [(String, String)] = []) async throws -> RawHTTPClient.Response {
        let port = port
        let pairs = headers.map { [$0.0, $0.1] }
        return try await offPool { try RawHTTPClient(port: port).post(target, body: body, headers: pairs.map { ($0[0], $0[1]) }) }
    }

    public func stop() async { await simulator.shutdown() }
}


/// Runs `body` with a started simulator, then awaits its stop whether `body` returned or threw:
/// the next test never races a server still stopping, and no test leaves one running.
public func withTestSimulator<T>(_ server: @autoclosure () throws -> TestSimulator = try TestSimulator(),
                                 _ body: (TestSimulator) async throws -> T) async throws -> T {
    let server = try server()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}
