import Foundation
@testable import INSiSOAP
import Testing
import TestSupport

/// CPx card assertions: signed by xmlsec1 like a card signs them, checked like the real service
/// checks them, every way of being wrong refused with its own error.
@Suite("CPx card assertions", .enabled(if: TestCardPKI.available, "the openssl command is needed to make the test cards"))
struct CardAssertionTests {
    static let now = Date()

    let pki: TestCardPKI

    init() async throws {
        pki = try await TestCardPKI.made()
    }

    /// The assertion the card `name` makes now (or at `instant`), with the Issuer its
    /// certificate's subject.
    func assertion(_ name: String, instant: Date = Self.now, billingID: String = "810001234565") throws -> CardAssertion {
        let report = try #require(XMLSecurity.check(certificate: Self.der(pki.pem(name)), trusted: pki.pem("card-ca"), at: Self.now))
        return CardAssertion(id: "_" + UUID().uuidString.lowercased(), issueInstant: instant, issuer: report.subject.description,
                             holder: "899900" + name.uppercased(), billingID: billingID, sector: "SA05")
    }

    func signed(_ assertion: CardAssertion, by name: String) throws -> [UInt8] {
        try CardAssertionSigner.sign(assertion, key: pki.key(name), certificate: pki.pem(name))
    }

    static func envelope(_ assertion: [UInt8]) -> [UInt8] {
        let request = INSiRequest(
            headers: SOAPHeaders(messageID: "uuid:cpx", action: nil,
                                 lps: ContexteLPS(id: "i", time: "2026-11-30T08:00:00Z", emitter: "810001234565", idam: "IDAM", idamR: "4",
                                                  version: "1.0", instance: "inst", name: "cpx-tests"),
                                 hasSecurity: true),
            body: .traits(TraitsSearchRequest(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: "F", birthDate: "1997-02-26")))
        return INSiRequestWriter.write(request, cardAssertion: assertion)
    }

    static func der(_ pem: [UInt8]) -> [UInt8] {
        let text = String(decoding: pem, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(Data(base64Encoded: text) ?? Data())
    }

    func verifier(window: Duration = .seconds(3600)) -> CardAssertionVerifier {
        CardAssertionVerifier(configuration: .init(cardCA: pki.pem("card-ca"), eCPSCA: pki.pem("ecps-ca"), maxAge: window))
    }

    func verify(_ envelope: [UInt8], at time: Date = Self.now) -> Result<CardAssertionVerifier.Verified, CardAssertionError> {
        verifier().verify(envelope: envelope, now: time)
    }

    /// `text` with its first `of` replaced.
    static func replacing(_ bytes: [UInt8], _ of: String, with replacement: String) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let range = text.range(of: of) else { return bytes }
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }

    @Test("a card's signed assertion is accepted, with what it says and which card made it")
    func valid() throws {
        let made = try assertion("doctor")
        let result = try verify(Self.envelope(signed(made, by: "doctor"))).get()
        #expect(result.assertion.id == made.id)
        #expect(result.assertion.holder == made.holder)
        #expect(result.assertion.billingID == "810001234565")
        #expect(result.assertion.sector == "SA05")
        #expect(result.certificateSubject.contains("CN=00B6087510"))
        #expect(result.certificateIssuer.contains("TEST AC IGC-SANTE FORT PERSONNES"))
        #expect(made.issuer.hasPrefix("2.5.4.42=OLIVIER+CN=00B6087510+SN=DUPONT") || made.issuer.contains("2.5.4.42=OLIVIER"))
    }

    @Test("a trait, an attribute or the instant changed after signing: the signature no longer verifies")
    func tampered() throws {
        let signed = try signed(assertion("doctor", billingID: "810001234565"), by: "doctor")
        for (from, to) in [(">810001234565<", ">810009999999<"), (">SA05<", ">SA07<"), (">899900DOCTOR<", ">899900NURSE<")] {
            let envelope = Self.envelope(Self.replacing(signed, from, with: to))
            guard case .failure(.badSignature) = verify(envelope) else { Issue.record("\(from) → \(to) was accepted"); continue }
        }
        let instant = CardAssertion.instantText(Self.now)
        let later = CardAssertion.instantText(Self.now.addingTimeInterval(60))
        guard case .failure(.badSignature) = verify(Self.envelope(Self.replacing(signed, instant, with: later))) else {
            Issue.record("a changed IssueInstant was accepted"); return
        }
    }

    @Test("the signature removed, or a second one added: refused as unsigned")
    func signatureRemoved() throws {
        let signed = String(decoding: try signed(assertion("doctor"), by: "doctor"), as: UTF8.self)
        let start = try #require(signed.range(of: "<ds:Signature"))
        let end = try #require(signed.range(of: "</ds:Signature>"))
        let withoutSignature = signed.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        #expect(verify(Self.envelope(Array(withoutSignature.utf8))) == .failure(.unsigned))
    }

    @Test("another card's certificate in KeyInfo: the signature does not verify with its key")
    func otherCardsCertificate() throws {
        let signed = try signed(assertion("doctor"), by: "doctor")
        let doctor = Data(Self.der(pki.pem("doctor"))).base64EncodedString()
        let nurse = Data(Self.der(pki.pem("nurse"))).base64EncodedString()
        let text = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "\n", with: "")
        let swapped = text.replacingOccurrences(of: doctor, with: nurse)
        #expect(swapped != text, "the certificate was found in KeyInfo")
        guard case .failure(.badSignature) = verify(Self.envelope(Array(swapped.utf8))) else { Issue.record("accepted"); return }
    }

    @Test("signed by one card, Issuer naming another: refused")
    func issuerOfAnotherCard() throws {
        var made = try assertion("doctor")
        made.issuer = try assertion("nurse").issuer
        guard case .failure(.issuerMismatch) = verify(Self.envelope(try signed(made, by: "doctor"))) else { Issue.record("accepted"); return }
    }

    @Test("a card of another CA, an expired card, a card not for signing, an e-CPS: each refused as such")
    func certificates() throws {
        guard case .failure(.untrustedCertificate) = verify(Self.envelope(try signed(assertion("foreign"), by: "foreign"))) else {
            Issue.record("a card of another CA was accepted"); return
        }
        let inFourYears = Self.now.addingTimeInterval(4 * 365 * 86_400)
        let late = try signed(assertion("doctor", instant: inFourYears), by: "doctor")
        guard case .failure(.expiredCertificate) = verify(Self.envelope(late), at: inFourYears) else {
            Issue.record("an expired card was accepted"); return
        }
        #expect(verify(Self.envelope(try signed(assertion("no-signing"), by: "no-signing"))) == .failure(.certificateNotForSigning))
        #expect(verify(Self.envelope(try signed(assertion("ecps"), by: "ecps"))) == .failure(.eCPS))
    }

    @Test("an assertion older than the window, or from the future, is refused")
    func freshness() throws {
        let old = try signed(assertion("doctor", instant: Self.now.addingTimeInterval(-7200)), by: "doctor")
        guard case .failure(.tooOld(_, 3600)) = verify(Self.envelope(old)) else { Issue.record("an old assertion was accepted"); return }
        let future = try signed(assertion("doctor", instant: Self.now.addingTimeInterval(3600)), by: "doctor")
        guard case .failure(.issuedInTheFuture) = verify(Self.envelope(future)) else { Issue.record("a future assertion was accepted"); return }
    }

    @Test("no assertion, two assertions, a missing attribute, another algorithm: refused with the field named")
    func structure() throws {
        #expect(verify(Self.envelope([])) == .failure(.missing))
        let signed = try signed(assertion("doctor"), by: "doctor")
        guard case .failure(.malformed(field: "Assertion", _)) = verify(Self.envelope(signed + signed)) else {
            Issue.record("two assertions were accepted"); return
        }
        let withoutSector = Self.replacing(signed, "Name=\"secteurActivite\"", with: "Name=\"autre\"")
        guard case .failure(.malformed(field: "AttributeStatement/secteurActivite", _)) = verify(Self.envelope(withoutSector)) else {
            Issue.record("a missing attribute was accepted"); return
        }
        let sha1 = Self.replacing(signed, CardAssertion.Algorithm.sha256, with: "http://www.w3.org/2000/09/xmldsig#sha1")
        guard case .failure(.unsupportedAlgorithm) = verify(Self.envelope(sha1)) else { Issue.record("SHA-1 was accepted"); return }
        let otherReference = Self.replacing(signed, "URI=\"#", with: "URI=\"#x")
        guard case .failure(.wrongReference) = verify(Self.envelope(otherReference)) else { Issue.record("another reference was accepted"); return }
    }

    @Test("a third party, the xmlsec1 command, verifies the assertions we sign",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/xmlsec1"), "the xmlsec1 command (Debian xmlsec1) is needed"))
    func xmlsec1CommandVerifies() throws {
        let signed = try signed(assertion("doctor"), by: "doctor")
        let file = pki.directory.appendingPathComponent("assertion-\(UUID().uuidString).xml")
        try Data(signed).write(to: file)
        let run = try ChildProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/xmlsec1"), [
            "--verify", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--trusted-pem", pki.directory.appendingPathComponent("card-ca.pem").path, file.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("OK"), "\(run.output)")
    }

    @Test("subjects compare whatever their spelling; the card form names givenName by its OID")
    func distinguishedNames() throws {
        let card = try #require(DistinguishedName(text: "2.5.4.42=OLIVIER+CN=00B6087510+SN=DUPONT,T=Infirmier,C=FR"))
        let keywords = try #require(DistinguishedName(text: "GN=OLIVIER+SN=DUPONT+CN=00B6087510, T=Infirmier, C=FR"))
        #expect(card == keywords)
        #expect(card.description == "2.5.4.42=OLIVIER+CN=00B6087510+SN=DUPONT,T=Infirmier,C=FR")
        #expect(card != DistinguishedName(text: "GN=OLIVIER+CN=00B6087510+SN=DUPONT,C=FR,T=Infirmier"))
        #expect(DistinguishedName(text: "no equals sign") == nil)
        let escaped = try #require(DistinguishedName(text: "CN=DUPONT\\, JEAN,C=FR"))
        #expect(escaped.rdns.last?.first?.value == "DUPONT, JEAN")
    }

    @Test("the xmlsec compile-time settings are those pkg-config gives (SwiftPM drops its -D flags)")
    func xmlsecDefinesMatchPkgConfig() throws {
        let flags = try ChildProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/pkg-config"), ["--cflags", "xmlsec1-openssl"]).stdout
        let defines = Set(flags.split(separator: " ").filter { $0.hasPrefix("-D") }.map { String($0.dropFirst(2).prefix { $0 != "=" }) })
        let shim = try String(contentsOf: TestPaths.repository.appendingPathComponent("Sources/CXMLSec/shim.h"), encoding: .utf8)
        let ours = Set(shim.split(separator: "\n").filter { $0.hasPrefix("#define ") }.compactMap {
            $0.dropFirst("#define ".count).split(separator: " ").first.map(String.init)
        })
        #expect(ours == defines, "shim.h defines \(ours.sorted()), pkg-config gives \(defines.sorted())")
    }
}
