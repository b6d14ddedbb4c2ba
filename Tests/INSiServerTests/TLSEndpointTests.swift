import Foundation
import HTTPServer
import INSiPKI
@testable import INSiServer
import INSiSOAP
import Logging
import TestSupport
import Testing

/// The simulator over mutual TLS: the certificate rule of the real service, the strict
/// security mode, the journal's certificate particulars, third-party clients.
@Suite("mTLS and strict security", .testPKI)
struct TLSEndpointTests {
    /// A simulator with the plain listener and three TLS ones: "mtls" (certificate required),
    /// "optional" (certificate optional) and "cpx" (no certificate: a SAML assertion).
    static func simulator(security: SecurityMode? = nil, logger: Logger? = nil) throws -> TestSimulator {
        let listeners: [SimulatorConfiguration.TLSListener] = [
            .init(name: "mtls", port: 0, tls: try TestPKIFolder.serverTLS(.required)),
            .init(name: "optional", port: 0, tls: try TestPKIFolder.serverTLS(.optional)),
            .init(name: "cpx", port: 0, tls: try TestPKIFolder.serverTLS(.none)),
        ]
        return try TestSimulator(logger: logger) { configuration in
            configuration.tlsListeners = listeners
            configuration.security = security
        }
    }

    static func port(_ server: TestSimulator, _ listener: String) throws -> Int {
        try #require(server.simulator.server.port(of: listener))
    }

    /// A POST over TLS with `identity`'s certificate (none when nil), off the cooperative pool.
    static func post(_ port: Int, identity: String?, body: [UInt8], contentType: String?, path: String = "/lps") async throws -> HTTPTestResponse {
        let identity = try identity.map { try TestPKIFolder.identity($0) }
        let ca = try TestPKIFolder.path("ca.pem")
        return try await offPool {
            let client = try TLSTestClient(port: port, caFile: ca, identity: identity)
            var head = "POST \(path) HTTP/1.1\r\nHost: localhost:\(port)\r\nContent-Length: \(body.count)\r\n"
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            try client.send(Array((head + "\r\n").utf8) + body)
            return try client.readResponse()
        }
    }

    /// A call as `INSiRequestWriter` writes it (every header), after `edit` on its XML text.
    static func call(_ port: Int, identity: String? = "insi-auto", _ request: INSiRequest = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"),
                     contentType: String? = INSiRequestWriter.contentType(for: .traitsSearch),
                     edit: (String) -> String = { $0 }) async throws -> HTTPTestResponse {
        let xml = edit(String(decoding: INSiRequestWriter.write(request), as: UTF8.self))
        return try await post(port, identity: identity, body: Array(xml.utf8), contentType: contentType)
    }

    /// CodeCR, or the fault's detail code.
    static func outcome(_ response: HTTPTestResponse) -> String {
        switch INSiResponseReader.read(response.body, httpStatus: response.status) {
        case .success(.result(let result)): return result.code
        case .success(.fault(let fault)): return fault.detailCode ?? "fault"
        case .failure(let error): return "unreadable: \(error)"
        }
    }

    static func detail(_ response: HTTPTestResponse) -> String {
        guard case .success(.fault(let fault)) = INSiResponseReader.read(response.body, httpStatus: response.status) else { return "" }
        return fault.detailText ?? ""
    }

    @Test("INSI-AUTO and INSI-MANU are served; the journal and the debug log keep the client certificate")
    func acceptedCertificates() async throws {
        let store = RecordingLogHandler.Store()
        var logger = RecordingLogHandler.logger(store)
        logger.logLevel = .debug
        try await withTestSimulator(Self.simulator(logger: logger)) { server in
            let port = try Self.port(server, "mtls")
            for identity in ["insi-auto", "insi-manu"] {
                let response = try await Self.call(port, identity: identity)
                #expect(response.status == 200 && Self.outcome(response) == "00", "\(identity): \(response.text)")
            }
            let (_, calls) = server.simulator.state.settledCalls()
            #expect(calls.map { $0.clientCertificate?.commonName } == ["INSI-AUTO", "INSI-MANU"])
            // The judge tells the two clients apart by their certificates, whatever their headers say.
            #expect(calls.map { $0.client?.id } == ["cert:CN=INSI-AUTO,O=insi-sim test organisation,C=FR",
                                                    "cert:CN=INSI-MANU,O=insi-sim test organisation,C=FR"])
            let certificate = try #require(calls.last?.clientCertificate)
            #expect(certificate.subject == "CN=INSI-MANU,O=insi-sim test organisation,C=FR")
            #expect(certificate.issuer.hasPrefix("CN=TEST AC INSI-SIM ORGANISATIONS,"))
            #expect(certificate.serial.count >= 16 && certificate.notAfter > Date())
            // The journal as the admin API serves it.
            let journal = try await server.get("/admin/journal")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(journal.body)) as? [String: Any])
            let served = try #require((json["calls"] as? [[String: Any]])?.last?["clientCertificate"] as? [String: String])
            #expect(served["subject"] == "CN=INSI-MANU,O=insi-sim test organisation,C=FR")
            #expect(served["serial"] == certificate.serial && served["issuer"] == certificate.issuer)
            #expect(served["notAfter"] == ISO8601DateFormatter().string(from: certificate.notAfter))
            let details = store.all.filter { $0.message == "call details" }
            #expect(details.last?.metadata["clientCertificate"]?.contains(certificate.serial) == true, "\(details.last?.metadata ?? [:])")
            #expect(details.last?.metadata["clientCertificate"]?.contains("notAfter") == true)
        }
    }

    @Test("a certificate whose CN is neither INSI-AUTO nor INSI-MANU gets siram_100/desir_560 in the recorded fault shape")
    func wrongCommonName() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let messageID = "uuid:\(UUID().uuidString.lowercased())"
            let response = try await Self.call(try Self.port(server, "mtls"), identity: "wrong-cn",
                                               Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26", messageID: messageID))
            #expect(response.status == 500)
            let recorded = String(decoding: try ConformanceTests.recordedBytes("recorded-fault-siram100-desir550-unknown-idam.xml"), as: UTF8.self)
            let expected = recorded.replacingOccurrences(of: ConformanceTests.recordedMessageID, with: messageID)
                .replacingOccurrences(of: "desir_550", with: "desir_560")
                .replacingOccurrences(of: "Numéro d'autorisation du logiciel inconnu.", with: "Vous ne disposez pas des droits suffisants pour accéder à ce service")
            #expect(response.text == expected)
            let record = try #require(server.simulator.state.settledCalls().calls.last)
            #expect(record.fault == "siram_100/desir_560" && record.reason.contains("'INSI-TEST'"), "\(record.reason)")
            #expect(record.clientCertificate?.commonName == "INSI-TEST")
        }
    }

    /// What a request lacks, and the fault the strict mode answers.
    enum HeaderGap: String, CaseIterable, Sendable {
        case noContexteLPS, noIDAM, noVersion, noInstance, noName, noMessageID, messageIDNotUUID, complete

        var expected: String {
            switch self {
            case .noContexteLPS, .noIDAM: "desir_550"
            case .noVersion, .noInstance, .noName: "insisim_951"
            case .noMessageID: "insisim_952"
            case .messageIDNotUUID: "insisim_953"
            case .complete: "00"
            }
        }

        func apply(to request: inout INSiRequest) {
            switch self {
            case .noContexteLPS: request.headers.lps = nil
            case .noIDAM: request.headers.lps?.idam = nil
            case .noVersion: request.headers.lps?.version = nil
            case .noInstance: request.headers.lps?.instance = nil
            case .noName: request.headers.lps?.name = nil
            case .noMessageID: request.headers.messageID = nil
            case .messageIDNotUUID: request.headers.messageID = "1234-abcd"
            case .complete: break
            }
        }
    }

    @Test("strict: each missing or wrong header gets its own fault; a complete request gets 00", arguments: HeaderGap.allCases)
    func strictHeaders(_ gap: HeaderGap) async throws {
        let (name, expected) = (gap.rawValue, gap.expected)
        try await withTestSimulator(Self.simulator()) { server in
            var request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            gap.apply(to: &request)
            let response = try await Self.call(try Self.port(server, "mtls"), request)
            #expect(Self.outcome(response) == expected, "\(name): \(response.text)")
            // The same request on the plain listener, open by default, is answered.
            if expected != "00" {
                let plain = try await server.call(request)
                #expect(plain.status == 200, "\(name) on plain HTTP: \(plain.text)")
            }
        }
    }

    @Test("strict: wsa:Action missing, the Content-Type without action, a MessageID used again")
    func strictActionAndReplay() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let port = try Self.port(server, "mtls")
            let noAction = try await Self.call(port) { xml in
                xml.replacingOccurrences(of: "<wsa:Action>\(INSiOperation.traitsSearch.action)</wsa:Action>", with: "")
            }
            #expect(Self.outcome(noAction) == "insisim_955", "\(noAction.text)")
            let bareContentType = try await Self.call(port, contentType: "application/soap+xml; charset=utf-8")
            #expect(Self.outcome(bareContentType) == "insisim_956")
            #expect(Self.detail(bareContentType).contains("no action parameter"))
            let request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            #expect(Self.outcome(try await Self.call(port, request)) == "00")
            let again = try await Self.call(port, request)
            #expect(Self.outcome(again) == "insisim_954")
            #expect(Self.detail(again).contains(request.headers.messageID ?? "?"))
            // A refused call does not use up its MessageID.
            let fresh = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            _ = try await Self.call(port, fresh, contentType: "application/soap+xml; charset=utf-8")
            #expect(Self.outcome(try await Self.call(port, fresh)) == "00")
        }
    }

    @Test("the MessageID window forgets the oldest past its capacity")
    func messageIDWindow() throws {
        let policy = SecurityPolicy(listeners: ["s": ListenerSecurity(mode: .strict, authentication: .none)], messageIDWindow: 3)
        let ids = (0..<4).map { _ in "uuid:\(UUID().uuidString)" }
        func outcome(_ id: String) -> String {
            var request = Requests.traits("A", ["B"], "F", "2000-01-01")
            request.headers.messageID = id
            var head = HTTPRequestHead(method: "POST", target: "/lps")
            head.headers.add("Content-Type", INSiRequestWriter.contentType(for: .traitsSearch))
            request.headers.action = INSiOperation.traitsSearch.action
            let http = HTTPRequest(head: head, connection: HTTPConnectionInfo(listener: "s"))
            return policy.check(request, http: http)?.fault.detailCode ?? "ok"
        }
        #expect(ids.prefix(3).map(outcome) == ["ok", "ok", "ok"])
        #expect(outcome(ids[0]) == "insisim_954")
        #expect(outcome(ids[3]) == "ok")  // the fourth pushes the first out
        #expect(outcome(ids[0]) == "ok")
        #expect(outcome(ids[2]) == "insisim_954")
    }

    @Test("optional client certificate, strict: none gets desir_560, INSI-AUTO is served")
    func optionalCertificateStrict() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let port = try Self.port(server, "optional")
            let anonymous = try await Self.call(port, identity: nil)
            #expect(Self.outcome(anonymous) == "desir_560")
            #expect(server.simulator.state.settledCalls().calls.last?.reason.contains("no client certificate") == true)
            #expect(Self.outcome(try await Self.call(port, identity: "insi-auto")) == "00")
        }
    }

    static let assertion = """
        <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_4f3a" IssueInstant="2026-11-23T10:00:00.123Z" Version="2.0">\
        <saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">2.5.4.42=OLIVIER+CN=00B6087510,T=Infirmier,C=FR</saml2:Issuer>\
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>\
        <saml2:Subject><saml2:NameID NameQualifier="CPS">00B6087510</saml2:NameID></saml2:Subject></saml2:Assertion>
        """

    @Test("the CPx listener, strict: a SAML assertion in wsse:Security, present and well formed")
    func samlAssertion() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let port = try Self.port(server, "cpx")
            let cases: [(String, String, String)] = [
                ("no wsse:Security", "insisim_957", ""),
                ("empty wsse:Security", "insisim_957", "<wsse:Security/>"),
                ("SAML 1.1 version, no signature", "insisim_958",
                 "<wsse:Security>" + Self.assertion.replacingOccurrences(of: "Version=\"2.0\"", with: "Version=\"1.1\"")
                    .replacingOccurrences(of: #"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>"#, with: "") + "</wsse:Security>"),
                ("a well-formed assertion", "00", "<wsse:Security>" + Self.assertion + "</wsse:Security>"),
            ]
            for (name, expected, security) in cases {
                let response = try await Self.call(port, identity: nil) { $0.replacingOccurrences(of: "<wsse:Security/>", with: security) }
                #expect(Self.outcome(response) == expected, "\(name): \(response.text)")
                if expected == "insisim_958" {
                    #expect(Self.detail(response) == "the SAML Assertion is not well formed: Version is '1.1', not '2.0'; ds:Signature is missing")
                }
            }
        }
    }

    @Test("open mode: plain HTTP answers a request with no SOAP header at all; forced strict refuses it; forced open keeps the CN rule")
    func openAndForcedModes() async throws {
        let bare = #"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><RECSANSVITALE xmlns="http://www.cnamts.fr/INSiRecSans"><NomNaissance>ADRTROIS</NomNaissance><Prenom>DOMINIQUE</Prenom><Sexe>F</Sexe><DateNaissance>1997-02-26</DateNaissance></RECSANSVITALE></soap:Body></soap:Envelope>"#
        let contentType = INSiRequestWriter.contentType(for: .traitsSearch)
        do {
            try await withTestSimulator(Self.simulator()) { server in
                let plain = try await server.post("/lps", body: Array(bare.utf8), headers: [("Content-Type", contentType)])
                #expect(plain.status == 200 && plain.text.contains("<CodeCR>00</CodeCR>"))
                let strict = try await Self.post(try Self.port(server, "mtls"), identity: "insi-auto", body: Array(bare.utf8), contentType: contentType)
                #expect(Self.outcome(strict) == "desir_550")
            }
        }
        do {
            try await withTestSimulator(Self.simulator(security: .strict)) { server in
                let plain = try await server.post("/lps", body: Array(bare.utf8), headers: [("Content-Type", contentType)])
                #expect(plain.status == 500 && plain.text.contains("desir_550"))
            }
        }
        do {
            try await withTestSimulator(Self.simulator(security: .open)) { server in
                let port = try Self.port(server, "mtls")
                let open = try await Self.post(port, identity: "insi-auto", body: Array(bare.utf8), contentType: contentType)
                #expect(Self.outcome(open) == "00")
                let wrong = try await Self.post(port, identity: "wrong-cn", body: Array(bare.utf8), contentType: contentType)
                #expect(Self.outcome(wrong) == "desir_560")
            }
        }
    }

    @Test("a refused handshake is counted in /metrics, and the call that follows is served")
    func refusedHandshakeMetric() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let port = try Self.port(server, "mtls")
            await #expect(throws: TestFailure.self) { try await Self.call(port, identity: "expired") }
            let metrics = try await server.get("/metrics")
            #expect(metrics.text.contains("insi_tls_handshakes_refused_total 1\n"), "\(metrics.text)")
            #expect(Self.outcome(try await Self.call(port)) == "00")
        }
    }

    @Test("the WSDL read over TLS gives the https address of the listener")
    func wsdlOverTLS() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let port = try Self.port(server, "mtls")
            let identity = try TestPKIFolder.identity("insi-auto")
            let ca = try TestPKIFolder.path("ca.pem")
            let wsdl = try await offPool {
                try TLSTestClient(port: port, caFile: ca, identity: identity).exchange("GET /lps?wsdl HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n")
            }
            #expect(wsdl.status == 200)
            #expect(wsdl.text.contains("location=\"https://localhost:\(port)/lps\""), "\(wsdl.text.prefix(2000))")
        }
    }

    @Test("curl with --cert: INSI-AUTO gets 00, wrong-cn gets desir_560, no certificate is refused",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "no /usr/bin/curl (scripts/setup.sh test installs it)"))
    func curlClient() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let url = "https://localhost:\(try Self.port(server, "mtls"))/lps"
            let folder = try TestPKIFolder.url()
            let body = FileManager.default.temporaryDirectory.appendingPathComponent("insi-sim-curl-\(UUID().uuidString).xml")
            try Data(INSiRequestWriter.write(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))).write(to: body)
            defer { try? FileManager.default.removeItem(at: body) }
            func curl(_ identity: String?) async throws -> ChildProcess.Run {
                var arguments = ["/usr/bin/curl", "-sS", "--cacert", folder.appendingPathComponent("ca.pem").path,
                                 "-H", "Content-Type: \(INSiRequestWriter.contentType(for: .traitsSearch))", "--data-binary", "@\(body.path)", url]
                if let identity {
                    arguments += ["--cert", folder.appendingPathComponent("\(identity).pem").path, "--key", folder.appendingPathComponent("\(identity)-key.pem").path]
                }
                return try await ChildProcess.run(arguments)
            }
            let accepted = try await curl("insi-auto")
            #expect(accepted.status == 0 && accepted.output.contains("<CodeCR>00</CodeCR>"), "\(accepted.output)")
            let wrong = try await curl("wrong-cn")
            #expect(wrong.output.contains("code=\"desir_560\""), "\(wrong.output)")
            let none = try await curl(nil)
            #expect(none.status != 0 && none.output.contains("certificate required"), "\(none.output)")
        }
    }
}
