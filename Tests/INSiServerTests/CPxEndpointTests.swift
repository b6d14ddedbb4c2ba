import Foundation
import HTTPServer
import INSiPKI
@testable import INSiServer
import INSiSOAP
import TestSupport
import Testing

/// The CPx endpoint over TLS: a call authenticated by a card's signed SAML assertion, checked
/// like the real service checks it; the mTLS endpoint beside it takes an empty wsse:Security.
@Suite("CPx card assertions over TLS", .testPKI)
struct CPxEndpointTests {
    /// A simulator with an mTLS listener and a CPx one (no client certificate, strict), checking
    /// card assertions against the test PKI's card and e-CPS authorities.
    static func simulator() throws -> TestSimulator {
        let listeners: [SimulatorConfiguration.TLSListener] = [
            .init(name: "mtls", port: 0, tls: try TestPKIFolder.serverTLS(.required)),
            .init(name: "cpx", port: 0, tls: try TestPKIFolder.serverTLS(.none)),
        ]
        let cards = SimulatorConfiguration.CardAssertions(cardCAFile: try TestPKIFolder.path(TestPKI.cardCAFile),
                                                          eCPSCAFile: try TestPKIFolder.path(TestPKI.eCPSCAFile))
        return try TestSimulator { configuration in
            configuration.tlsListeners = listeners
            configuration.cardAssertions = cards
        }
    }

    /// The signed assertion of `card` (a card of the test PKI), made at `instant`.
    static func assertion(_ card: String, at instant: Date = Date()) throws -> [UInt8] {
        let archive = try Data(contentsOf: URL(fileURLWithPath: try TestPKIFolder.path(card + ".p12")))
        let (key, certificate) = try PKCS12Archive.read(Array(archive), password: TestPKI.password)
        let made = try CardAssertionSigner.assertion(card: try certificate.pem(), holder: nil, billingID: "123456789", sector: "SA05", at: instant)
        return try CardAssertionSigner.sign(made, key: try key.pem(), certificate: try certificate.pem())
    }

    /// A traits call on `listener` carrying `assertion` (an empty wsse:Security when nil).
    static func call(_ server: TestSimulator, _ listener: String, assertion: [UInt8]?, identity: String? = nil) async throws -> String {
        let request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
        let body = INSiRequestWriter.write(request, cardAssertion: assertion)
        let response = try await TLSEndpointTests.post(try TLSEndpointTests.port(server, listener), identity: identity, body: body,
                                                       contentType: INSiRequestWriter.contentType(for: .traitsSearch))
        return TLSEndpointTests.outcome(response)
    }

    @Test("a doctor's and a nurse's assertions are accepted on the CPx endpoint")
    func validCards() async throws {
        try await withTestSimulator(Self.simulator()) { server async throws in
            #expect(try await Self.call(server, "cpx", assertion: try Self.assertion("card-doctor")) == "00")
            #expect(try await Self.call(server, "cpx", assertion: try Self.assertion("card-nurse")) == "00")
        }
    }

    @Test("changed after signing, an e-CPS, too old, or none at all: each refused with its fault")
    func refusals() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let signed = String(decoding: try Self.assertion("card-doctor"), as: UTF8.self)
            let tampered = Array(signed.replacingOccurrences(of: ">123456789<", with: ">987654321<").utf8)
            #expect(try await Self.call(server, "cpx", assertion: tampered) == CardAssertionError.Refusal.badSignature.rawValue)
            #expect(try await Self.call(server, "cpx", assertion: try Self.assertion("ecps")) == CardAssertionError.Refusal.eCPS.rawValue)
            let old = try Self.assertion("card-doctor", at: Date().addingTimeInterval(-7200))
            #expect(try await Self.call(server, "cpx", assertion: old) == CardAssertionError.Refusal.notRecent.rawValue)
            #expect(try await Self.call(server, "cpx", assertion: nil) == INSiFault.SecurityRequirement.samlAssertionPresent.rawValue)
        }
    }

    @Test("the mTLS endpoint takes an empty wsse:Security, as the real service does; a forged card is refused there too")
    func mTLSListener() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            #expect(try await Self.call(server, "mtls", assertion: nil, identity: "insi-auto") == "00")
            let signed = String(decoding: try Self.assertion("card-doctor"), as: UTF8.self)
            let tampered = Array(signed.replacingOccurrences(of: ">SA05<", with: ">SA07<").utf8)
            #expect(try await Self.call(server, "mtls", assertion: tampered, identity: "insi-auto") == CardAssertionError.Refusal.badSignature.rawValue)
        }
    }

    @Test("a refused card assertion and a certificate of the wrong CN are findings of the judge too")
    func findings() async throws {
        try await withTestSimulator(Self.simulator()) { server in
            let signed = String(decoding: try Self.assertion("card-doctor"), as: UTF8.self)
            let tampered = Array(signed.replacingOccurrences(of: ">123456789<", with: ">987654321<").utf8)
            _ = try await Self.call(server, "cpx", assertion: tampered)
            _ = try await Self.call(server, "cpx", assertion: nil)
            _ = try await Self.call(server, "mtls", assertion: nil, identity: "wrong-cn")
            _ = try await Self.call(server, "cpx", assertion: try Self.assertion("card-nurse"))
            _ = try await Self.call(server, "mtls", assertion: nil, identity: "insi-auto")
            let response = try await server.admin("GET", "/admin/journal?limit=5")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let calls = try #require(json["calls"] as? [[String: Any]])
            let judged = calls.map { call in
                ((call["findings"] as? [[String: Any]]) ?? []).filter { ($0["rule"] as? String)?.hasPrefix("security.") == true }
            }
            // Oldest first: the tampered card, no assertion, the wrong CN, a valid card, a valid certificate.
            #expect(judged.map { $0.compactMap { $0["rule"] as? String } }
                    == [["security.card-assertion"], ["security.card-assertion"], ["security.client-certificate"], [], []])
            #expect((judged[0].first?["detail"] as? String)?.contains("signature") == true, "\(judged[0])")
            #expect((judged[2].first?["detail"] as? String)?.contains("INSI-TEST") == true, "\(judged[2])")
        }
    }
}
