import Foundation
import INSiClient
import INSiCore
import INSiServer
import Testing
import TestSupport

/// The real simulator, in process, on an ephemeral port, with the default base.
enum TestServer {
    /// Runs `body` with the endpoint of a started simulator; always shuts it down.
    static func with<T>(nameMatching: NameMatching = .strict, adminToken: String? = nil, authorizedIDAMs: Set<String> = [],
                        _ body: (URL) async throws -> T) async throws -> T {
        let server = try TestSimulator(nameMatching: nameMatching, authorizedIDAMs: authorizedIDAMs) { configuration in
            configuration.adminToken = adminToken
            configuration.eventLoopCount = 1
        }
        return try await withTestSimulator(server) { server in
            try await body(try #require(URL(string: "http://127.0.0.1:\(server.port)/lps")))
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
