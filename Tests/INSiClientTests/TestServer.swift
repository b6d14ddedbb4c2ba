import Foundation
import INSiClient
import INSiCore
import INSiServer
import Logging
import Testing

/// The real simulator, in process, on an ephemeral port, with the default base.
enum TestServer {
    /// <repo>, three levels above <repo>/Tests/INSiClientTests/TestServer.swift.
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `body` with the endpoint of a started simulator; always shuts it down.
    static func with<T>(nameMatching: NameMatching = .strict, adminToken: String? = nil, authorizedIDAMs: Set<String> = [],
                        _ body: (URL) async throws -> T) async throws -> T {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.resourcesPath = repoRoot.appendingPathComponent("Resources").path
        configuration.nameMatching = nameMatching
        configuration.adminToken = adminToken
        configuration.authorizedIDAMs = authorizedIDAMs
        configuration.eventLoopCount = 1
        var logger = Logger(label: "insi-client-tests")
        logger.logLevel = .warning
        let simulator = try Simulator(configuration: configuration, logger: logger)
        let port = try simulator.start()
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)/lps"))
        do {
            let value = try await body(endpoint)
            await simulator.shutdown()
            return value
        } catch {
            await simulator.shutdown()
            throw error
        }
    }

    static func client(_ endpoint: URL, idam: String = "TESTIDAM0001", timeout: Duration = .seconds(10),
                       clock: some Clock<Duration> = ContinuousClock(), tls: ClientTLSConfiguration = ClientTLSConfiguration()) -> INSiClient {
        INSiClient(configuration: INSiClientConfiguration(
            endpoint: endpoint,
            software: SoftwareContext(idam: idam, version: "1.0.0", name: "urn:lps:insi-client-tests:1.0.0", instance: "tests"),
            emitter: "810000000001", timeout: timeout, tls: tls), clock: clock)
    }
}
