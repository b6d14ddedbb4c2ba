import Foundation
import INSiCore
import Testing
@testable import INSiSOAP

@Suite("Writing and reading answers")
struct ResponseTests {
    static let identity: Identity = {
        let m = Matricule("1090763220834")!
        return Identity(
            ins: INS(matricule: m, key: "89", oid: .nir),
            history: [INS(matricule: Matricule("2090763220834")!, key: "39", oid: .nir, dateStart: LunarDate("2019-03-01"), dateEnd: LunarDate("2019-02-28"))],
            traits: IdentityTraits(birthName: "O'<&>", firstNames: ["PIERRE-ALAIN", "MURIEL"], sex: .male, birthDate: LunarDate("2009-07-14")!, birthPlace: COG("63220")))
    }()

    @Test("a 00 answer reads back with its identity, history in schema order and escaped text")
    func found() throws {
        let bytes = INSiResponseWriter.result(.found, identity: Self.identity)
        let text = String(decoding: bytes, as: UTF8.self)
        // Only what XML requires is escaped: the apostrophe stays raw, as the real service writes it.
        #expect(text.contains("<NomNaissance>O'&lt;&amp;&gt;</NomNaissance><ListePrenom>PIERRE-ALAIN MURIEL</ListePrenom>"))
        #expect(!text.contains("<Prenom>"))
        #expect(text.contains("<INSHISTO><IdIndividu><NumIdentifiant>2090763220834</NumIdentifiant><Cle>39</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID><DateDeb>2019-03-01</DateDeb><DateFin>2019-02-28</DateFin></INSHISTO>"))
        guard case .result(let result) = try INSiResponseReader.read(bytes).get() else { Issue.record("not a result"); return }
        #expect(result.code == "00" && result.label == "OK")
        let individual = try #require(result.individual)
        #expect(individual.active == WireINS(matricule: "1090763220834", key: "89", oid: "1.2.250.1.213.1.4.8"))
        #expect(individual.history == [WireINS(matricule: "2090763220834", key: "39", oid: "1.2.250.1.213.1.4.8", dateStart: "2019-03-01", dateEnd: "2019-02-28")])
        #expect(individual.traits.birthName == "O'<&>")
        #expect(individual.traits.firstName == nil)
        #expect(individual.traits.firstNames == ["PIERRE-ALAIN", "MURIEL"])
        #expect(individual.traits.birthPlace == "63220")
    }

    @Test("an answer longer than the writer's first room is written whole: long escaped names, several past INS")
    func longAnswer() throws {
        var identity = Self.identity
        // 3,500 bytes escaped: more than twice the room when it comes (the room grows to what it needs).
        let name = String(repeating: "A<&>", count: 250)
        identity.traits.birthName = name
        identity.traits.firstNames = (1...20).map { "PRENOM\($0)-&" }
        identity.history = Array(repeating: identity.history[0], count: 8)
        let bytes = INSiResponseWriter.result(.found, identity: identity)
        #expect(bytes.count > 5_000)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope"))
        #expect(text.hasSuffix("</RESULTAT></env:Body></soap:Envelope>"))
        guard case .result(let result) = try INSiResponseReader.read(bytes).get() else { Issue.record("not a result"); return }
        let individual = try #require(result.individual)
        #expect(individual.traits.birthName == name)
        #expect(individual.traits.firstNames == identity.traits.firstNames)
        #expect(individual.history.count == 8)
        #expect(individual.traits.birthPlace == "63220")
    }

    @Test("01 and 02 answers carry the recorded labels and no INDIVIDU", arguments: [INSiResultCode.notFound, .several])
    func empty(code: INSiResultCode) throws {
        guard case .result(let result) = try INSiResponseReader.read(INSiResponseWriter.result(code, identity: Self.identity)).get() else {
            Issue.record("not a result"); return
        }
        #expect(result.code == code.rawValue)
        #expect(result.label == code.label)
        #expect(result.individual == nil)
    }

    @Test("faults read back whole")
    func faults() throws {
        let fault = INSiFault.unknownApprovalNumber(messageID: "uuid:x\"y")
        guard case .fault(let read) = try INSiResponseReader.read(INSiResponseWriter.fault(fault), httpStatus: 500).get() else {
            Issue.record("not a fault"); return
        }
        #expect(read == fault)
        let mismatch = INSiFault.versionMismatch(found: "urn:x")
        guard case .fault(let readMismatch) = try INSiResponseReader.read(INSiResponseWriter.fault(mismatch)).get() else { Issue.record("not a fault"); return }
        #expect(readMismatch.code == .versionMismatch && readMismatch.subcode == nil)
        #expect(INSiResponseWriter.contentType(of: mismatch) == INSiResponseWriter.contentType)
    }

    @Test("the fault texts keep raw apostrophes; only the attribute's quote is escaped")
    func faultEscaping() {
        let text = String(decoding: INSiResponseWriter.fault(.unknownApprovalNumber(messageID: "uuid:a\"b'c")), as: UTF8.self)
        #expect(text.contains(">L'accès par ce progiciel au service n'est pas autorisé."))
        #expect(text.contains(">Numéro d'autorisation du logiciel inconnu.</siram:Erreur>"))
        #expect(text.contains(#"messageID="uuid:a&quot;b'c""#))
        #expect(!text.contains("&apos;"))
    }

    /// SOAP 1.2 Part 1, §5.4.7 and Appendix A: a SOAP 1.1 request gets a SOAP 1.1 VersionMismatch
    /// fault whose Upgrade header block names the SOAP 1.2 envelope.
    @Test("VersionMismatch: the Upgrade header names the SOAP 1.2 envelope; in SOAP 1.1 for a SOAP 1.1 request")
    func versionMismatch() throws {
        let soap11 = INSiFault.versionMismatch(found: INSiNamespace.soap11)
        #expect(soap11.envelope == .soap11)
        #expect(INSiResponseWriter.contentType(of: soap11) == "text/xml; charset=utf-8")
        let tree = try SafeXMLReader.read(INSiResponseWriter.fault(soap11)).get()
        #expect(tree.name == "Envelope" && tree.namespace == INSiNamespace.soap11)
        let upgrade = try #require(tree.child("Header", INSiNamespace.soap11)?.child("Upgrade", INSiNamespace.soap12))
        let supported = try #require(upgrade.child("SupportedEnvelope", INSiNamespace.soap12))
        let qname = try #require(supported.attributes["qname"])
        #expect(qname.hasSuffix(":Envelope"))
        let fault = try #require(tree.child("Body", INSiNamespace.soap11)?.child("Fault", INSiNamespace.soap11))
        // SOAP 1.1's fault children are unqualified.
        #expect(fault.child("faultcode", "")?.value.hasSuffix(":VersionMismatch") == true)
        #expect(fault.child("faultstring", "")?.value == soap11.reason)
        // A SOAP 1.2 answer to another envelope carries the same Upgrade block in its Header.
        let other = try SafeXMLReader.read(INSiResponseWriter.fault(.versionMismatch(found: "urn:x"))).get()
        #expect(other.child("Header", INSiNamespace.soap12)?.child("Upgrade", INSiNamespace.soap12)?.child("SupportedEnvelope", INSiNamespace.soap12) != nil)
    }

    /// Found by fuzz-soap-request: a CR the request held (`&#13;`) came back in the fault's text as
    /// a literal CR, which every XML parser reads as LF.
    @Test("faults read back whole when their texts hold CR, LF and TAB", arguments: XMLReadEngine.allCases)
    func faultsWithLineBreaks(engine: XMLReadEngine) throws {
        let fault = INSiFault(code: .sender, subcode: "siram_900", reason: "a\r\nb\rc", detailCode: "x\ty",
                              messageID: "uuid:\r\n\t1 ", detailText: "line\r\nnext\ttab\rend")
        let bytes = INSiResponseWriter.fault(fault)
        guard case .fault(let read) = try INSiResponseReader.read(bytes, httpStatus: 500, engine: engine).get() else {
            Issue.record("not a fault"); return
        }
        #expect(read == fault)
    }

    @Test("every invalid field has its own detail code")
    func fieldCodes() {
        let codes = SearchInputError.Field.allCases.map(INSiFault.detailCode(for:))
        #expect(Set(codes).count == codes.count)
        let fault = INSiFault.invalidInput(.missing(.sex), messageID: nil)
        #expect(fault.reason.contains("Sexe"))
    }

    @Test("unreadable answers are typed errors")
    func unreadable() {
        #expect(throws: INSiResponseReader.ReadError.self) { try INSiResponseReader.read(Array("<html>proxy error</html>".utf8)).get() }
        #expect(throws: INSiResponseReader.ReadError.self) { try INSiResponseReader.read(Array("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body><RESU".utf8)).get() }
    }
}
