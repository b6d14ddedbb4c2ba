import Foundation
import INSiClient
import INSiCore
import Testing
import TestSupport

/// The client over real TLS on loopback: OpenSSL on both sides (libcurl's in the client,
/// python's in the peer), certificates made by the `openssl` command for the run.
@Suite("TLS: the client side", .enabled(if: TLSPeer.toolsPresent, "needs python3 (the TLS peer) and openssl (the test PKI)"))
struct TLSClientTests {
    static let traits = SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26")

    enum Served: Sendable {
        /// Issued by `ca.pem` for localhost and 127.0.0.1.
        case server
        /// Issued by `ca.pem` for insi.elsewhere.test only.
        case elsewhere
    }

    /// The simulator behind a TLS peer that serves `served` and asks for client certificates
    /// issued by `ca.pem` as `policy` says.
    static func withPeer<T>(served: Served = .server, policy: TLSPeer.ClientCertificatePolicy = .required, maxTLS: String = "1.3",
                            _ body: (TestPKI, TLSPeer) async throws -> T) async throws -> T {
        let pki = try await TestPKI.shared()
        return try await TestServer.with { backend in
            let peer = try await TLSPeer.start(pki: pki, backend: backend, certificate: served == .server ? pki.server : pki.elsewhere,
                                               clientCertificate: policy, maxTLS: maxTLS)
            defer { peer.stop() }
            return try await body(pki, peer)
        }
    }

    static func failure(_ client: INSiClient) async -> INSiClientError? {
        do {
            _ = try await client.searchByTraits(traits)
            return nil
        } catch {
            return error
        }
    }

    static func trusted(_ pki: TestPKI, _ certificate: ClientCertificate?) -> ClientTLSConfiguration {
        ClientTLSConfiguration(certificate: certificate, serverTrust: .certificateAuthorities(pki.ca))
    }

    enum Form: String, CaseIterable, Sendable {
        case pkcs12, pem
    }

    @Test("A client certificate, PKCS#12 or PEM, with the test CA: the call goes through and the server saw CN INSI-AUTO",
          arguments: Form.allCases)
    func accepted(form: Form) async throws {
        let (answer, log) = try await Self.withPeer { pki, peer in
            let certificate: ClientCertificate = form == .pkcs12
                ? .pkcs12(pki.insiAuto.pkcs12, password: TestPKI.password)
                : .pem(certificate: pki.insiAuto.certificate, key: pki.insiAuto.key)
            let client = TestServer.client(peer.endpoint, tls: Self.trusted(pki, certificate))
            return (try await client.searchByTraits(Self.traits), peer.log)
        }
        #expect(answer.code == "00")
        #expect(answer.outcome.identity?.active.matricule == "297022A020778")
        #expect(log == ["accepted CN=INSI-AUTO"])
    }

    @Test("Calls reuse the TLS connection: three calls, one handshake")
    func keepAlive() async throws {
        let (codes, log) = try await Self.withPeer { pki, peer in
            let client = TestServer.client(peer.endpoint, tls: Self.trusted(pki, .pkcs12(pki.insiAuto.pkcs12, password: TestPKI.password)))
            var codes: [String] = []
            for _ in 0..<3 { codes.append(try await client.searchByTraits(Self.traits).code) }
            return (codes, peer.log)
        }
        #expect(codes == ["00", "00", "00"])
        #expect(log == ["accepted CN=INSI-AUTO"])
    }

    @Test("No client certificate where one is required: the server's refusal, typed, over TLS 1.3 and TLS 1.2",
          arguments: [("1.3", "certificate required"), ("1.2", "handshake failure")])
    func missingCertificate(maxTLS: String, alert: String) async throws {
        // The alert is the server's: the peer writes its own log line only after sending it.
        let (error, endpoint) = try await Self.withPeer(maxTLS: maxTLS) { pki, peer in
            (await Self.failure(TestServer.client(peer.endpoint, tls: Self.trusted(pki, nil))), peer.endpoint)
        }
        #expect(error == .tls(url: endpoint.absoluteString, .clientCertificateRequired(host: "127.0.0.1", alert: alert)))
        #expect(error?.description.contains("requires a client certificate") == true)
    }

    @Test("A client certificate from a CA the server does not trust: the server's alert, typed")
    func refusedCertificate() async throws {
        let (error, endpoint) = try await Self.withPeer { pki, peer in
            let stranger = ClientCertificate.pem(certificate: pki.stranger.certificate, key: pki.stranger.key)
            return (await Self.failure(TestServer.client(peer.endpoint, tls: Self.trusted(pki, stranger))), peer.endpoint)
        }
        #expect(error == .tls(url: endpoint.absoluteString, .clientCertificateRefused(host: "127.0.0.1", alert: "unknown ca")))
    }

    @Test("A server certificate from an unknown CA is refused, by the system's store and by another CA file, and accepted with its CA")
    func unknownServerCA() async throws {
        let (system, other, own) = try await Self.withPeer(policy: .none) { pki, peer in
            let system = await Self.failure(TestServer.client(peer.endpoint))
            let other = await Self.failure(TestServer.client(peer.endpoint, tls: ClientTLSConfiguration(serverTrust: .certificateAuthorities(pki.otherCA))))
            let own = try await TestServer.client(peer.endpoint, tls: Self.trusted(pki, nil)).searchByTraits(Self.traits)
            return (system, other, own)
        }
        guard case .tls(_, .serverNotTrusted(let host, _, let caFile))? = system else {
            Issue.record("expected serverNotTrusted, got \(String(describing: system))")
            return
        }
        #expect(host == "127.0.0.1" && caFile == nil)
        #expect(system?.description.contains("the system's trust store") == true)
        guard case .tls(_, .serverNotTrusted(_, _, let otherFile))? = other else {
            Issue.record("expected serverNotTrusted, got \(String(describing: other))")
            return
        }
        #expect(otherFile?.hasSuffix("other-ca.pem") == true)
        #expect(own.code == "00")
    }

    @Test("A trusted server certificate for another name is refused: the name check is strict")
    func nameMismatch() async throws {
        let error = try await Self.withPeer(served: .elsewhere, policy: .none) { pki, peer in
            await Self.failure(TestServer.client(peer.endpoint, tls: Self.trusted(pki, nil)))
        }
        guard case .tls(_, .nameMismatch(let host, let detail))? = error else {
            Issue.record("expected nameMismatch, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(detail.contains("127.0.0.1"))
        #expect(error?.description.contains("--host 127.0.0.1") == true)
    }

    @Test("A wrong PKCS#12 password is the typed error naming the file")
    func wrongPassword() async throws {
        let (error, pki, endpoint) = try await Self.withPeer { pki, peer in
            let certificate = ClientCertificate.pkcs12(pki.insiAuto.pkcs12, password: "not-the-password")
            return (await Self.failure(TestServer.client(peer.endpoint, tls: Self.trusted(pki, certificate))), pki, peer.endpoint)
        }
        #expect(error == .tls(url: endpoint.absoluteString, .wrongPassword(path: pki.insiAuto.pkcs12.path)))
    }

    @Test("https:// to a plain HTTP port: the handshake failure says the port does not speak TLS")
    func plainPort() async throws {
        let error = try await TestServer.with { endpoint in
            var components = try #require(URLComponents(url: endpoint, resolvingAgainstBaseURL: false))
            components.scheme = "https"
            return await Self.failure(TestServer.client(try #require(components.url)))
        }
        guard case .tls(_, .handshakeFailed(let host, _))? = error else {
            Issue.record("expected handshakeFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(error?.description.contains("is it an http:// port?") == true)
    }

    @Test("A TLS peer that accepts the connection and never answers the ClientHello: the deadline on the client's clock ends the call and closes the connection",
          .timeLimit(.minutes(1)))
    func stalledHandshake() async throws {
        let pki = try await TestPKI.shared()
        let listener = try RawListener(.swallow)
        defer { listener.stop() }
        let clock = ManualClock()
        let client = TestServer.client(listener.httpsEndpoint, timeout: .seconds(30), clock: clock,
                                       tls: Self.trusted(pki, .pkcs12(pki.insiAuto.pkcs12, password: TestPKI.password)))
        let call = Task { await Self.failure(client) }
        var events = listener.events.makeAsyncIterator()
        // A TLS handshake record (0x16) opens the connection: the client is in its handshake.
        guard case .bytes(let hello)? = await events.next() else {
            Issue.record("the client sent nothing")
            return
        }
        #expect(hello.first == 0x16)
        await clock.waitForSleepers()
        clock.advance(by: .seconds(29))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(await call.value == .timeout(after: .seconds(30)))
        // The transfer is dropped, not left to run: its connection closes.
        var closed = false
        while let event = await events.next() {
            if event == .closed { closed = true; break }
        }
        #expect(closed)
    }

    @Test("Files that cannot be used are named, with their role, before any connection")
    func unusableFiles() async throws {
        let pki = try await TestPKI.shared()
        let missing = pki.file("missing.p12")
        func checked(_ configuration: ClientTLSConfiguration) -> TLSError? {
            do {
                try configuration.check()
                return nil
            } catch {
                return error
            }
        }
        #expect(checked(ClientTLSConfiguration(certificate: .pkcs12(missing, password: "x")))
            == .fileUnreadable(path: missing.path, role: .clientCertificate, reason: "No such file or directory"))
        guard case .fileInvalid(_, .clientCertificate, let reason)? = checked(ClientTLSConfiguration(certificate: .pkcs12(pki.insiAuto.certificate, password: "x"))) else {
            Issue.record("a PEM file given as PKCS#12 must be refused")
            return
        }
        #expect(reason.contains("PEM"))
        guard case .fileInvalid(_, .privateKey, _)? = checked(ClientTLSConfiguration(certificate: .pem(certificate: pki.insiAuto.certificate, key: pki.ca))) else {
            Issue.record("a key file without a key must be refused")
            return
        }
        guard case .fileInvalid(_, .certificateAuthorities, _)? = checked(ClientTLSConfiguration(serverTrust: .certificateAuthorities(pki.insiAuto.pkcs12))) else {
            Issue.record("a CA file that is not PEM must be refused")
            return
        }
        #expect(checked(Self.trusted(pki, .pkcs12(pki.insiAuto.pkcs12, password: TestPKI.password))) == nil)
        // A PEM file holding the certificate alone is no certificate-and-key file.
        #expect(throws: TLSError.self) {
            try ClientTLSConfiguration(certificate: try ClientCertificate.detect(certificate: pki.insiAuto.certificate, key: nil, password: nil)).check()
        }
        #expect(try ClientCertificate.detect(certificate: pki.insiAuto.pkcs12, key: nil, password: "p") == .pkcs12(pki.insiAuto.pkcs12, password: "p"))

        // A call: the error, and no connection at all.
        let listener = try RawListener(.swallow)
        defer { listener.stop() }
        let error = await Self.failure(TestServer.client(listener.httpsEndpoint, tls: ClientTLSConfiguration(certificate: .pkcs12(missing, password: "x"))))
        #expect(error == .tls(url: listener.httpsEndpoint.absoluteString,
                              .fileUnreadable(path: missing.path, role: .clientCertificate, reason: "No such file or directory")))
        listener.stop()
        var events: [RawListener.Event] = []
        for await event in listener.events { events.append(event) }
        #expect(events.isEmpty)
    }
}
