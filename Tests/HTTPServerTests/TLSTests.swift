import COpenSSL
import Dispatch
import Foundation
import Glibc
import HTTPServer
import INSiPKI
import Synchronization
import TestSupport
import Testing

/// TLS listeners over real sockets on loopback, with the certificates of `insi-sim certs generate`.
@Suite("TLS", .testPKI)
struct TLSTests {
    /// A server with a plain listener "http" and a TLS listener "https" asking for client
    /// certificates as `clientCertificate` says.
    static func configuration(clientCertificate: TLSConfiguration.ClientCertificate = .required,
                              requestTimeout: Duration = .seconds(10)) throws -> HTTPServerConfiguration {
        let tls = try TestPKIFolder.serverTLS(clientCertificate)
        var configuration = HTTPServerConfiguration(listeners: [
            ListenerConfiguration(name: "http", port: 0), ListenerConfiguration(name: "https", port: 0, tls: tls),
        ], eventLoopCount: 2)
        configuration.timeouts.request = requestTimeout
        return configuration
    }

    /// The echo handler, plus what the connection's TLS established.
    static let handler: HTTPHandler = { request, reply in
        var headers = HTTPHeaders([("Content-Type", "text/plain")])
        headers.add("X-Listener", request.connection.listener)
        if let tls = request.connection.tls {
            headers.add("X-TLS-Protocol", tls.protocolVersion)
            headers.add("X-TLS-Cipher", tls.cipher)
            headers.add("X-TLS-ALPN", tls.alpn ?? "-")
            headers.add("X-TLS-SNI", tls.serverName ?? "-")
            headers.add("X-TLS-Resumed", "\(tls.sessionResumed)")
            if let peer = tls.peerCertificate {
                headers.add("X-Peer-Subject", peer.subject)
                headers.add("X-Peer-Issuer", peer.issuer)
                headers.add("X-Peer-CN", peer.commonName ?? "-")
                headers.add("X-Peer-Serial", peer.serial)
                headers.add("X-Peer-Expires-In-Future", "\(peer.notAfter > Date() && peer.notBefore < Date())")
            }
        }
        headers.add("X-Connection-ID", "\(request.connection.id)")
        reply.send(HTTPResponse(status: 200, headers: headers, body: request.body))
    }

    static func withTLSServer(_ configuration: HTTPServerConfiguration, clock: (any ServerClock)? = nil,
                              _ body: (HTTPServer, _ plain: Int, _ tls: Int) async throws -> Void) async throws {
        let server = HTTPServer(configuration: configuration, logger: TestServer.logger, clock: clock, handler: handler)
        try server.start()
        let plain = try #require(server.port(of: "http"))
        let tls = try #require(server.port(of: "https"))
        do {
            try await body(server, plain, tls)
        } catch {
            await server.shutdown(grace: .seconds(1))
            throw error
        }
        await server.shutdown(grace: .seconds(1))
    }

    static func client(_ port: Int, _ identity: String? = "insi-auto", pki: String = "main", maxVersion: Int32 = 0,
                       resuming session: TLSTestSession? = nil) throws -> TLSTestClient {
        try TLSTestClient(port: port, caFile: try TestPKIFolder.path("ca.pem"),
                          identity: try identity.map { try TestPKIFolder.identity($0, pki: pki) },
                          resuming: session, maxVersion: maxVersion)
    }

    @Test("TLS 1.3 and 1.2 with ALPN http/1.1, keep-alive, and the client certificate handed to the handler")
    func handshakeAndKeepAlive() async throws {
        try await Self.withTLSServer(try Self.configuration()) { _, _, tlsPort in
            for (version, expected) in [(Int32(0), "TLSv1.3"), (TLS1_2_VERSION, "TLSv1.2")] {
                let client = try Self.client(tlsPort, maxVersion: version)
                #expect(client.protocolVersion == expected)
                #expect(client.alpn == "http/1.1")
                let first = try client.exchange(post("/first", "hello"))
                let second = try client.exchange(get("/second"))
                #expect(first.status == 200 && first.text == "hello")
                #expect(second.status == 200)
                #expect(first.header("X-Connection-ID") == second.header("X-Connection-ID"), "keep-alive: one connection")
                #expect(first.header("X-Listener") == "https")
                #expect(first.header("X-TLS-Protocol") == expected)
                #expect(first.header("X-TLS-ALPN") == "http/1.1")
                #expect(first.header("X-TLS-SNI") == "localhost")
                #expect(first.header("X-TLS-Cipher")?.hasPrefix("TLS_") == true)
                #expect(first.header("X-Peer-CN") == "INSI-AUTO")
                #expect(first.header("X-Peer-Subject") == "CN=INSI-AUTO,O=insi-sim test organisation,C=FR")
                #expect(first.header("X-Peer-Issuer") == "CN=TEST AC INSI-SIM ORGANISATIONS,OU=insi-sim test PKI\\, not for production,O=insi-sim,C=FR")
                #expect(first.header("X-Peer-Expires-In-Future") == "true")
                let serial = try #require(first.header("X-Peer-Serial"))
                #expect(serial.count >= 16 && serial.allSatisfy(\.isHexDigit))
            }
        }
    }

    @Test("the peer certificate's serial and dates are those of the certificate file")
    func peerCertificateParticulars() throws {
        let pem = try Array(Data(contentsOf: URL(fileURLWithPath: try TestPKIFolder.path("insi-manu.pem"))))
        let certificate = try X509Certificate(pem: pem)
        #expect(certificate.commonName == "INSI-MANU")
        // The same reading the server does, compared with OpenSSL's own text form.
        let bio = BIO_new_mem_buf(pem, Int32(pem.count))
        defer { BIO_free(bio) }
        let x509 = try #require(PEM_read_bio_X509(bio, nil, nil, nil))
        defer { X509_free(x509) }
        let serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509), nil)
        defer { BN_free(serial) }
        let hex = String(cString: BN_bn2hex(serial))
        #expect(hex.count >= 16)
    }

    @Test("plain and TLS listeners side by side, each with its own URL")
    func listenersSideBySide() async throws {
        try await Self.withTLSServer(try Self.configuration(clientCertificate: .none)) { server, plainPort, tlsPort in
            #expect(server.boundListeners.map(\.baseURL) == ["http://127.0.0.1:\(plainPort)", "https://127.0.0.1:\(tlsPort)"])
            #expect(server.port == plainPort)
            let plain = try RawHTTPClient(port: plainPort)
            try plain.send(get("/plain"))
            let plainResponse = try #require(plain.readResponse())
            #expect(plainResponse.status == 200 && plainResponse.header("X-Listener") == "http")
            #expect(plainResponse.header("X-TLS-Protocol") == nil)
            let secure = try Self.client(tlsPort, nil)
            let response = try secure.exchange(get("/secure"))
            #expect(response.status == 200 && response.header("X-Listener") == "https")
            #expect(response.header("X-Peer-CN") == nil, "no client certificate asked for")
        }
    }

    @Test("required client certificate: none, an unknown CA and an expired one are refused in the handshake; the server goes on")
    func refusedClientCertificates() async throws {
        try await Self.withTLSServer(try Self.configuration()) { server, _, tlsPort in
            for (identity, pki, why) in [(String?.none, "main", "no certificate"), ("insi-auto", "other", "unknown CA"),
                                         ("expired", "main", "expired")] {
                // TLS 1.3 clients learn of the refusal at their first read (the server checks
                // the certificate after the client's last handshake message).
                let outcome: String
                do {
                    let client = try Self.client(tlsPort, identity, pki: pki)
                    let response = try client.exchange(get("/refused"))
                    outcome = "answered \(response.status)"
                } catch let error as TestFailure {
                    outcome = error.description
                }
                #expect(!outcome.hasPrefix("answered"), "\(why): \(outcome)")
                switch why {
                case "no certificate": #expect(outcome.contains("certificate required"), "\(outcome)")
                case "unknown CA": #expect(outcome.contains("unknown ca"), "\(outcome)")
                default: #expect(outcome.contains("expired"), "\(outcome)")
                }
            }
            let good = try Self.client(tlsPort, "insi-manu")
            #expect(try good.exchange(get("/after")).header("X-Peer-CN") == "INSI-MANU")
            #expect(server.openConnections >= 1)
            #expect(server.refusedHandshakes == 3)
        }
    }

    @Test("optional client certificate: a connection without one is served, with no peer certificate")
    func optionalClientCertificate() async throws {
        try await Self.withTLSServer(try Self.configuration(clientCertificate: .optional)) { _, _, tlsPort in
            let anonymous = try Self.client(tlsPort, nil)
            let response = try anonymous.exchange(get("/anonymous"))
            #expect(response.status == 200 && response.header("X-Peer-CN") == nil)
            let named = try Self.client(tlsPort, "wrong-cn")
            #expect(try named.exchange(get("/named")).header("X-Peer-CN") == "INSI-TEST")
        }
    }

    @Test("sessions are resumed (TLS 1.3 tickets, TLS 1.2), with the client certificate of the first handshake")
    func sessionResumption() async throws {
        try await Self.withTLSServer(try Self.configuration()) { _, _, tlsPort in
            for version in [Int32(0), TLS1_2_VERSION] {
                let first = try Self.client(tlsPort, maxVersion: version)
                #expect(try first.exchange(get("/first")).header("X-TLS-Resumed") == "false")
                let session = try #require(first.session)
                let second = try Self.client(tlsPort, maxVersion: version, resuming: session)
                let response = try second.exchange(get("/second"))
                #expect(second.wasResumed, "version \(version)")
                #expect(response.header("X-TLS-Resumed") == "true")
                #expect(response.header("X-Peer-CN") == "INSI-AUTO")
            }
        }
    }

    @Test("plain HTTP to the TLS port gets a plain 400 that says to use https; TLS to the plain port fails its handshake")
    func wrongProtocolOnEachPort() async throws {
        try await Self.withTLSServer(try Self.configuration()) { server, plainPort, tlsPort in
            let plain = try RawHTTPClient(port: tlsPort)
            try plain.send(get("/lps"))
            let response = try #require(plain.readResponse())
            #expect(response.status == 400)
            #expect(response.text.contains("https://"), "\(response.text)")
            #expect(plain.waitForClose())

            #expect(throws: TestFailure.self) { try Self.client(plainPort) }
            // Both listeners still serve.
            #expect(try Self.client(tlsPort).exchange(get("/ok")).status == 200)
            let again = try RawHTTPClient(port: plainPort)
            try again.send(get("/ok"))
            #expect(again.readResponse()?.status == 200)
            #expect(server.errorAnswers >= 2)
        }
    }

    @Test("a handshake that stalls is closed by the request timeout; a silent connection is left to the idle timeout")
    func stalledHandshake() async throws {
        let clock = ManualClock()
        try await Self.withTLSServer(try Self.configuration(requestTimeout: .seconds(10)), clock: clock) { server, _, tlsPort in
            let stalled = try RawHTTPClient(port: tlsPort)
            // The first bytes of a ClientHello record, and then nothing.
            try stalled.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
            let silent = try RawHTTPClient(port: tlsPort)
            // Both accepted and read before the clock moves.
            #expect(try Self.client(tlsPort).exchange(get("/sync")).status == 200)
            clock.advance(by: .seconds(11))
            #expect(stalled.readUntilClosed() == [], "closed without a byte")
            // The silent one is idle, not in a request: still open until the idle timeout.
            #expect(silent.readUntilClosed(timeout: .milliseconds(300)) == nil)
            clock.advance(by: .seconds(60))
            #expect(silent.readUntilClosed() == [])
            #expect(server.openConnections <= 1)
        }
    }

    @Test("200 TLS clients at once, two requests each")
    func manyConcurrentClients() async throws {
        try await Self.withTLSServer(try Self.configuration()) { server, _, tlsPort in
            let count = 200
            let clients = Mutex<[Int: TLSTestClientBox]>([:])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: count) { index in
                do {
                    let client = try Self.client(tlsPort, index % 2 == 0 ? "insi-auto" : "insi-manu")
                    clients.withLock { $0[index] = TLSTestClientBox(client) }
                } catch {
                    failures.withLock { $0.append("\(index): \(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
            #expect(server.openConnections == count)
            let boxes = clients.withLock { $0 }
            DispatchQueue.concurrentPerform(iterations: count) { index in
                guard let client = boxes[index]?.client else { return }
                do {
                    for round in 0..<2 {
                        let response = try client.exchange(post("/c\(index)", "client \(index) round \(round)"))
                        guard response.status == 200, response.text == "client \(index) round \(round)",
                              response.header("X-Peer-CN") == (index % 2 == 0 ? "INSI-AUTO" : "INSI-MANU") else {
                            failures.withLock { $0.append("\(index): \(response.status) \(response.text)") }
                            return
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(index): \(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(5))")
        }
    }

    @Test("large bodies both ways and pipelined requests go through TLS intact")
    func largeAndPipelined() async throws {
        var configuration = try Self.configuration()
        configuration.limits.maxBodyBytes = 4 << 20
        try await Self.withTLSServer(configuration) { _, _, tlsPort in
            let client = try Self.client(tlsPort)
            // 3 MiB and a little more: the alphabet over and over (made whole, not byte by byte,
            // which takes a second in a debug build).
            let body = String(repeating: "abcdefghijklmnopqrstuvwxyz", count: (3 << 20) / 26 + 1)
            let response = try client.exchange(post("/big", body))
            #expect(response.status == 200 && response.body.count == body.utf8.count && response.text == body)
            try client.send(get("/p1") + get("/p2") + post("/p3", "three"))
            let answers = try (0..<3).map { _ in try client.readResponse() }
            #expect(answers.map(\.status) == [200, 200, 200])
            #expect(answers[2].text == "three")
        }
    }

    @Test("the server closes with close_notify after a Connection: close answer")
    func closeNotify() async throws {
        try await Self.withTLSServer(try Self.configuration()) { _, _, tlsPort in
            let client = try Self.client(tlsPort)
            let response = try client.exchange(get("/last", "Connection: close\r\n"))
            #expect(response.status == 200 && response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test("a graceful stop answers the request in flight, closes idle TLS connections with close_notify and silent ones at once")
    func gracefulStop() async throws {
        let arrived = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        // The request in flight is answered once the stop has begun: the gate says when.
        let server = HTTPServer(configuration: try Self.configuration(), logger: TestServer.logger) { request, reply in
            guard request.path == "/gated" else { return TestServer.echo(request, reply) }
            arrived.signal()
            DispatchQueue.global().async {
                _ = gate.wait(timeout: .now() + 60)
                reply.send(HTTPResponse.text(200, "finished"))
            }
        }
        try server.start()
        let tlsPort = try #require(server.port(of: "https"))
        let idle = try Self.client(tlsPort)
        #expect(try idle.exchange(get("/first")).status == 200)
        let busy = try Self.client(tlsPort)
        try busy.send(get("/gated"))
        let silent = try RawHTTPClient(port: tlsPort)
        // All three are on the server before it stops.
        #expect(try Self.client(tlsPort).exchange(get("/sync")).status == 200)
        #expect(arrived.wait(timeout: .now() + 60) == .success)
        // Begun synchronously: a Task could wait for a free thread of the cooperative pool.
        server.beginShutdown(grace: .seconds(60))
        gate.signal()
        let answer = try busy.readResponse()
        #expect(answer.status == 200 && answer.header("Connection") == "close")
        #expect(idle.waitForClose())
        #expect(silent.readUntilClosed() == [])
        await server.waitUntilStopped()
    }

    @Test("a listener whose certificate or key cannot be used stops the start with a message naming the file")
    func unusableFiles() throws {
        let missing = TLSConfiguration(certificateChainFile: "/nonexistent/server.pem", privateKeyFile: try TestPKIFolder.path("server-key.pem"))
        let mismatched = TLSConfiguration(certificateChainFile: try TestPKIFolder.path("server.pem"),
                                          privateKeyFile: try TestPKIFolder.path("insi-auto-key.pem"))
        let noCA = TLSConfiguration(certificateChainFile: try TestPKIFolder.path("server.pem"),
                                    privateKeyFile: try TestPKIFolder.path("server-key.pem"), clientCertificate: .required)
        for (tls, expected) in [(missing, "/nonexistent/server.pem"), (mismatched, "does not belong"), (noCA, "no client CA file")] {
            let server = HTTPServer(configuration: HTTPServerConfiguration(listeners: [ListenerConfiguration(name: "https", port: 0, tls: tls)]),
                                    logger: TestServer.logger, handler: Self.handler)
            #expect {
                try server.start()
            } throws: { error in
                guard case .tls(let listener, let reason) = error as? HTTPServerStartError else { return false }
                return listener == "https" && reason.contains(expected)
            }
        }
    }
}

/// Hands a blocking test client from one thread to another (one thread uses it at a time).
final class TLSTestClientBox: @unchecked Sendable {
    let client: TLSTestClient
    init(_ client: TLSTestClient) { self.client = client }
}
