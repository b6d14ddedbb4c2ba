import Foundation
import Testing
import TestSupport
@testable import INSiSOAP

/// `Tests/Fixtures/conformance`: the recorded answers, CNDA files and sample requests (see its README).
let conformanceFixtures = TestPaths.conformance

@Suite("Reading INSi requests")
struct RequestReaderTests {
    static func envelope(header: String = "", body: String, soap: String = INSiNamespace.soap12) -> [UInt8] {
        Array("""
        <e:Envelope xmlns:e="\(soap)"><e:Header>\(header)</e:Header><e:Body>\(body)</e:Body></e:Envelope>
        """.utf8)
    }

    static let traitsBody = """
    <ns0:RECSANSVITALE xmlns:ns0="http://www.cnamts.fr/INSiRecSans"><ns0:NomNaissance>DE VINCI</ns0:NomNaissance>\
    <ns0:Prenom>LEONARDO</ns0:Prenom><ns0:Prenom>PIERO</ns0:Prenom><ns0:Sexe>M</ns0:Sexe>\
    <ns0:DateNaissance>2014-02-01</ns0:DateNaissance><ns0:LieuNaissance>75056</ns0:LieuNaissance></ns0:RECSANSVITALE>
    """

    @Test("a traits request written by another toolkit, prefix reused for another namespace")
    func traits() throws {
        let header = #"<ns0:Security xmlns:ns0="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>"#
            + #"<ns1:ContexteLPS xmlns:ns1="urn:siram:lps:ctxlps"><ns1:Emetteur>E1</ns1:Emetteur><ns1:LPS><ns1:IDAM R="4">ID1</ns1:IDAM><ns1:Version>2</ns1:Version><ns1:Nom>SOFT</ns1:Nom></ns1:LPS></ns1:ContexteLPS>"#
            + #"<ns2:MessageID xmlns:ns2="http://www.w3.org/2005/08/addressing">uuid:1</ns2:MessageID>"#
        let request = try INSiRequestReader.read(Self.envelope(header: header, body: Self.traitsBody), contentType: INSiRequestWriter.contentType(for: .traitsSearch)).get()
        #expect(request.operation == .traitsSearch)
        #expect(request.headers.messageID == "uuid:1")
        #expect(request.headers.lps?.idam == "ID1")
        #expect(request.headers.lps?.idamR == "4")
        #expect(request.headers.lps?.emitter == "E1")
        #expect(request.headers.hasSecurity)
        #expect(request.body == .traits(TraitsSearchRequest(birthName: "DE VINCI", firstNames: ["LEONARDO", "PIERO"], sex: "M", birthDate: "2014-02-01", birthPlace: "75056")))
    }

    @Test("the operation comes from the body when no action is given")
    func noAction() throws {
        let request = try INSiRequestReader.read(Self.envelope(body: Self.traitsBody), contentType: "application/soap+xml").get()
        #expect(request.operation == .traitsSearch)
    }

    @Test("actions that disagree with the body or are unknown are faults")
    func actions() {
        let vitaleAction = INSiRequestWriter.contentType(for: .vitaleSearch)
        guard case .failure(let inconsistent) = INSiRequestReader.read(Self.envelope(body: Self.traitsBody), contentType: vitaleAction) else {
            Issue.record("accepted an inconsistent action"); return
        }
        #expect(inconsistent.detailCode == "insisim_912")
        let wsa = #"<a:Action xmlns:a="http://www.w3.org/2005/08/addressing">urn:nope</a:Action><a:MessageID xmlns:a="http://www.w3.org/2005/08/addressing">uuid:9</a:MessageID>"#
        guard case .failure(let unknown) = INSiRequestReader.read(Self.envelope(header: wsa, body: Self.traitsBody), contentType: nil) else {
            Issue.record("accepted an unknown action"); return
        }
        #expect(unknown.detailCode == "insisim_911")
        #expect(unknown.messageID == "uuid:9")
        let wsaVitale = #"<a:Action xmlns:a="http://www.w3.org/2005/08/addressing">urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale</a:Action>"#
        guard case .failure(let mismatch) = INSiRequestReader.read(Self.envelope(header: wsaVitale, body: Self.traitsBody), contentType: nil) else {
            Issue.record("accepted wsa:Action naming the other operation"); return
        }
        #expect(mismatch.detailCode == "insisim_912")
    }

    @Test("wsa:Action is read as sent, trimmed: the contract's own, a near miss, another spelling")
    func actionValues() throws {
        func action(_ text: String) -> Result<INSiRequest, INSiFault> {
            let header = #"<a:Action xmlns:a="http://www.w3.org/2005/08/addressing">"# + text + "</a:Action>"
            return INSiRequestReader.read(Self.envelope(header: header, body: Self.traitsBody), contentType: nil)
        }
        let traits = INSiOperation.traitsSearch.action
        #expect(try action(traits).get().headers.action == traits)
        #expect(try action(" \n\(traits)\t").get().headers.action == traits)
        #expect(try action("urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraits&#73;dentite").get().headers.action == traits)
        for nearMiss in [String(traits.dropLast()), traits + "e", traits.uppercased(), "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentitE"] {
            guard case .failure(let fault) = action(nearMiss) else { Issue.record("accepted \(nearMiss)"); continue }
            #expect(fault.detailCode == "insisim_911", "\(nearMiss)")
            #expect(fault.detailText?.contains("'\(nearMiss)'") == true, "\(fault.detailText ?? "")")
        }
    }

    @Test("SOAP 1.1 envelope is a VersionMismatch fault")
    func soap11() {
        guard case .failure(let fault) = INSiRequestReader.read(Self.envelope(body: Self.traitsBody, soap: INSiNamespace.soap11), contentType: "text/xml") else {
            Issue.record("accepted SOAP 1.1"); return
        }
        #expect(fault.code == .versionMismatch)
    }

    @Test("not an envelope, no body, empty body, unknown body element")
    func shapes() {
        func detail(_ bytes: [UInt8]) -> String? {
            if case .failure(let fault) = INSiRequestReader.read(bytes, contentType: nil) { return fault.detailCode }
            return nil
        }
        #expect(detail(Array("<x/>".utf8)) == "insisim_905")
        #expect(detail(Array(#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"/>"#.utf8)) == "insisim_905")
        #expect(detail(Self.envelope(body: "")) == "insisim_905")
        #expect(detail(Self.envelope(body: #"<x:Other xmlns:x="urn:x"/>"#)) == "insisim_913")
        #expect(detail(Array("<e:Envelope".utf8)) == "insisim_901")
    }

    @Test("the written request reads back the same")
    func roundTrip() throws {
        let headers = SOAPHeaders(messageID: "uuid:abc", action: nil,
                                  lps: ContexteLPS(id: "i", time: "t", emitter: "E", idam: "ID&1", idamR: "4", version: "1.0", instance: "inst", name: "Nom <x>"),
                                  bam: ContexteBAM(id: "b", time: "t", emitter: "E", insuredNumber: "160012B020777", beneficiaryBirthDate: "1997-02-26", beneficiaryRank: "1"),
                                  hasSecurity: true)
        let vitale = INSiRequest(headers: headers, body: .vitale(VitaleSearchRequest(
            beneficiary: WireMatricule(number: "297022A020778", key: "78"), ouvrantDroit: WireMatricule(number: "160012B020777", key: "13"),
            birthName: "D'ALMEIDA", birthDate: "1997-02-26", rank: "1")))
        let read = try INSiRequestReader.read(INSiRequestWriter.write(vitale), contentType: INSiRequestWriter.contentType(for: .vitaleSearch)).get()
        var expectedHeaders = headers
        expectedHeaders.action = INSiOperation.vitaleSearch.action
        #expect(read.headers == expectedHeaders)
        #expect(read.body == vitale.body)
    }

    @Test("the conformance sample requests are read")
    func samples() throws {
        let traits = try INSiRequestReader.read(Array(Data(contentsOf: conformanceFixtures.appendingPathComponent("requests/traits-adrtrois-dominique.xml"))), contentType: nil).get()
        #expect(traits.headers.lps?.idam == "TESTIDAM0001")
        #expect(traits.headers.messageID == "uuid:0c9e2a4e-6f8d-4d7b-a1c3-5e7f9b1d3a11")
        #expect(traits.body == .traits(TraitsSearchRequest(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: "F", birthDate: "1997-02-26")))
        let vitale = try INSiRequestReader.read(Array(Data(contentsOf: conformanceFixtures.appendingPathComponent("requests/vitale-sample.xml"))), contentType: nil).get()
        #expect(vitale.headers.bam?.insuredNumber == "160012B020777")
        #expect(vitale.body == .vitale(VitaleSearchRequest(ouvrantDroit: WireMatricule(number: "160012B020777", key: "13"), birthDate: "1997-02-26", rank: "1")))
    }

    @Test("Content-Type parameters: case, quotes, escapes, spaces")
    func contentTypeParameters() {
        let header = #"Application/SOAP+XML ; Charset=UTF-8;ACTION = "urn:a\"b;c" ; q=1"#
        #expect(ContentType.mediaType(header) == "application/soap+xml")
        #expect(ContentType.parameter("action", in: header) == #"urn:a"b;c"#)
        #expect(ContentType.parameter("CHARSET", in: header) == "UTF-8")
        #expect(ContentType.parameter("q", in: header) == "1")
        #expect(ContentType.parameter("missing", in: header) == nil)
        #expect(ContentType.parameter("action", in: "application/soap+xml") == nil)
        #expect(ContentType.parameter("action", in: "application/soap+xml; action=") == "")
        #expect(ContentType.parameter("action", in: #"application/soap+xml; action="""#) == "")
        // No closing quote: the value runs to the end.
        #expect(ContentType.parameter("action", in: #"application/soap+xml; action="urn:a; q=1"#) == "urn:a; q=1")
        #expect(ContentType.parameter("q", in: #"application/soap+xml; action="urn:a\"; q=1"; q=2"#) == "2")
        // The one-pass comparison the reader makes: a byte-for-byte match costs no string.
        #expect(ContentType.parameter("action", in: header, comparedWith: #"urn:a"b;c"#) == .sameBytes)
        #expect(ContentType.parameter("action", in: header, comparedWith: "urn:a") == .other(#"urn:a"b;c"#))
        #expect(ContentType.parameter("charset", in: header, comparedWith: "UTF-8") == .sameBytes)
        #expect(ContentType.parameter("charset", in: header, comparedWith: "utf-8") == .other("UTF-8"))
        #expect(ContentType.parameter("missing", in: header, comparedWith: "") == .absent)
        #expect(ContentType.parameter("action", in: "application/soap+xml; action=", comparedWith: "") == .sameBytes)
        // Equal as strings (canonical equivalence), not as bytes: the reader's full check decides.
        let kelvin = "application/soap+xml; action=\"urn:\u{212A}\""
        #expect(ContentType.parameter("action", in: kelvin) == "urn:K")
        #expect(ContentType.parameter("action", in: kelvin, comparedWith: "urn:K") == .other("urn:\u{212A}"))
    }

    @Test("element names compare whole: a name that begins or ends another is not it")
    func elementNamesCompareWhole() {
        func named(_ name: String, _ expected: StaticString) -> Bool {
            Array(name.utf8 + [0]).withUnsafeBufferPointer { bytes in bytes.baseAddress.map { $0.isNamed(expected) } ?? false }
        }
        #expect(named("Nom", "Nom"))
        #expect(!named("NomNaissance", "Nom"))
        #expect(!named("No", "Nom"))
        #expect(!named("", "Nom"))
        #expect(!named("nom", "Nom"))
        #expect(named("NomNaissance", "NomNaissance"))
        #expect(!named("Prenoms", "Prenom"))
    }
}
