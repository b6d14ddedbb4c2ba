import Foundation
import INSiClient
import INSiCore
import INSiPKI
import INSiServer
import Testing
import TestSupport

/// The client against insi-sim's own mTLS listener (HTTPServer's OpenSSL side, the strict
/// security mode), with the certificates of `insi-sim certs generate` (INSiPKI): what an editor
/// meets when it points the library at a simulator started with `--tls-port`.
@Suite("TLS: the client against insi-sim's own listener", .testPKI)
struct OwnListenerTLSTests {
    static let traits = TLSClientTests.traits

    /// The error of a search for ADRTROIS DOMINIQUE, nil when it succeeded.
    static func failure(_ client: INSiClient) async -> INSiClientError? {
        await TLSClientTests.failure(client)
    }

    /// A strict simulator whose TLS listener requires a client certificate issued by the test
    /// PKI's CA; `body` gets the listener's `https://127.0.0.1:PORT/lps`.
    static func withListener<T>(_ body: (TestSimulator, URL) async throws -> T) async throws -> T {
        let tls = try TestPKIFolder.serverTLS(.required)
        let server = try TestSimulator { configuration in
            configuration.tlsListeners = [.init(name: "mtls", port: 0, tls: tls)]
            configuration.security = .strict
        }
        return try await withTestSimulator(server) { server in
            let port = try #require(server.simulator.server.port(of: "mtls"))
            return try await body(server, try #require(URL(string: "https://127.0.0.1:\(port)/lps")))
        }
    }

    /// Trusts the test PKI's CA and presents `certificate`.
    static func configuration(_ certificate: ClientCertificate?) throws -> ClientTLSConfiguration {
        ClientTLSConfiguration(certificate: certificate, serverTrust: .certificateAuthorities(try TestPKIFolder.url().appendingPathComponent("ca.pem")))
    }

    /// The client certificate `name` of the test PKI, as PEM files or as its PKCS#12 file.
    static func certificate(_ name: String, _ form: Form) throws -> ClientCertificate {
        let folder = try TestPKIFolder.url()
        switch form {
        case .pem:
            return .pem(certificate: folder.appendingPathComponent("\(name).pem"), key: folder.appendingPathComponent("\(name)-key.pem"))
        case .pkcs12:
            return .pkcs12(folder.appendingPathComponent("\(name).p12"), password: TestPKI.password)
        }
    }

    enum Form: String, CaseIterable, Sendable {
        case pem, pkcs12
    }

    @Test("INSI-AUTO and INSI-MANU, as PEM certificate and key or as PKCS#12 with its password: code 00 for ADRTROIS DOMINIQUE, the server saw the certificate",
          arguments: ["insi-auto", "insi-manu"], Form.allCases)
    func accepted(name: String, form: Form) async throws {
        let (answer, commonName) = try await Self.withListener { server, endpoint in
            let client = TestServer.client(endpoint, tls: try Self.configuration(try Self.certificate(name, form)))
            let answer = try await client.searchByTraits(Self.traits)
            return (answer, server.simulator.state.settledCalls().calls.last?.clientCertificate?.commonName)
        }
        #expect(answer.code == "00")
        #expect(answer.outcome.identity?.active.matricule == "297022A020778")
        #expect(commonName == name.uppercased())
    }

    @Test("A certificate whose CN is neither INSI-AUTO nor INSI-MANU, strict mode: the handshake passes, the call gets the fault desir_560, typed")
    func wrongCommonName() async throws {
        let error = try await Self.withListener { _, endpoint in
            await Self.failure(TestServer.client(endpoint, tls: try Self.configuration(try Self.certificate("wrong-cn", .pkcs12))))
        }
        guard case .fault(let fault)? = error else {
            Issue.record("expected a fault, got \(String(describing: error))")
            return
        }
        #expect(fault.detailCode == "desir_560")
        #expect(fault.subcode?.hasSuffix("siram_100") == true, "\(fault)")
    }

    @Test("An expired client certificate: the listener refuses it in the handshake, the typed TLS error says what to change")
    func expiredCertificate() async throws {
        let (error, endpoint) = try await Self.withListener { _, endpoint in
            (await Self.failure(TestServer.client(endpoint, tls: try Self.configuration(try Self.certificate("expired", .pem)))), endpoint)
        }
        #expect(error == .tls(url: endpoint.absoluteString, .clientCertificateRefused(host: "127.0.0.1", alert: "certificate expired")))
        #expect(error?.description.contains("expired") == true)
        #expect(error?.description.contains("use a certificate issued by a CA the server trusts") == true)
    }

    @Test("No client certificate where the listener requires one: the typed TLS error asks for one")
    func missingCertificate() async throws {
        let (error, endpoint) = try await Self.withListener { _, endpoint in
            (await Self.failure(TestServer.client(endpoint, tls: try Self.configuration(nil))), endpoint)
        }
        #expect(error == .tls(url: endpoint.absoluteString, .clientCertificateRequired(host: "127.0.0.1", alert: "certificate required")))
        #expect(error?.description.contains("requires a client certificate") == true)
    }

    @Test("A server certificate from a CA the client does not trust (another PKI's, or the system's store): the typed server-verification error")
    func untrustedServer() async throws {
        let otherCA = try TestPKIFolder.url("other").appendingPathComponent("ca.pem")
        let (other, system) = try await Self.withListener { _, endpoint in
            let certificate = try Self.certificate("insi-auto", .pkcs12)
            let other = await Self.failure(TestServer.client(endpoint, tls: ClientTLSConfiguration(certificate: certificate,
                                                                                                   serverTrust: .certificateAuthorities(otherCA))))
            let system = await Self.failure(TestServer.client(endpoint, tls: ClientTLSConfiguration(certificate: certificate, serverTrust: .system)))
            return (other, system)
        }
        guard case .tls(_, .serverNotTrusted(let host, _, let caFile))? = other else {
            Issue.record("expected serverNotTrusted, got \(String(describing: other))")
            return
        }
        #expect(host == "127.0.0.1" && caFile == otherCA.path)
        #expect(other?.description.contains("give the CA that issued it as CA file") == true)
        guard case .tls(_, .serverNotTrusted(_, _, nil))? = system else {
            Issue.record("expected serverNotTrusted with the system's store, got \(String(describing: system))")
            return
        }
        #expect(system?.description.contains("the system's trust store") == true)
    }
}
