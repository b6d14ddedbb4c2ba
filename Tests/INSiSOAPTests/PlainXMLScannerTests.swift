import Foundation
import Testing
import TestSupport
@testable import INSiSOAP

/// The scanner that reads plain requests ahead of libxml2: it must take what SOAP stacks
/// write (else the request path silently pays for libxml2 again), read it exactly as libxml2
/// does, and decline everything else so that libxml2's verdict stands.
@Suite("Plain XML scanner")
struct PlainXMLScannerTests {
    static let soap = INSiNamespace.soap12

    /// True when the scanner takes `bytes` whole.
    static func taken(_ bytes: [UInt8], limits: XMLSafetyLimits = XMLSafetyLimits()) -> Bool {
        let reader = INSiRequestEventReader(limits: limits)
        return bytes.withUnsafeBufferPointer { PlainXMLScanner.scan($0, into: reader) }
    }

    /// The request path's parts (scanner first) and libxml2's alone.
    static func bothReads(_ bytes: [UInt8], limits: XMLSafetyLimits = XMLSafetyLimits())
        -> (path: Result<EnvelopeParts, XMLReadError>, libxml2: Result<EnvelopeParts, XMLReadError>) {
        (INSiRequestReader.parts(of: bytes, limits: limits, engine: .libxml2),
         INSiRequestReader.parts(of: bytes, limits: limits, engine: .libxml2, plainScanner: false))
    }

    /// The benchmark's request, as `Benchmarks/http` sends it.
    static let benchmarkRequest = """
        <?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="\(soap)" xmlns:wsa="\(INSiNamespace.wsa)" \
        xmlns:wsse="\(INSiNamespace.wsse)" xmlns:ctxbam="\(INSiNamespace.ctxbam)" xmlns:ctxlps="\(INSiNamespace.ctxlps)" \
        xmlns:rec="\(INSiNamespace.recSans)" xmlns:vit="\(INSiNamespace.recVit)"><soap:Header><wsse:Security/>\
        <ctxbam:ContexteBAM Version="01_02"><ctxbam:Id>5d1c1a0e</ctxbam:Id><ctxbam:Temps>2026-11-23T10:00:00.000Z</ctxbam:Temps>\
        <ctxbam:Emetteur>810000000001</ctxbam:Emetteur><ctxbam:COUVERTURE/></ctxbam:ContexteBAM>\
        <ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00"><ctxlps:Id>7b0f6c1e</ctxlps:Id><ctxlps:Temps>2026-11-23T10:00:00.000Z</ctxlps:Temps>\
        <ctxlps:Emetteur>810000000001</ctxlps:Emetteur><ctxlps:LPS><ctxlps:IDAM R="4">TESTIDAM0001</ctxlps:IDAM>\
        <ctxlps:Version>1.0.0</ctxlps:Version><ctxlps:Instance>a7c3f1d2</ctxlps:Instance><ctxlps:Nom>urn:lps:bench:1.0.0</ctxlps:Nom>\
        </ctxlps:LPS></ctxlps:ContexteLPS><wsa:Action>\(INSiOperation.traitsSearch.action)</wsa:Action>\
        <wsa:MessageID>uuid:00000000-0000-4000-8000-000000000000</wsa:MessageID></soap:Header><soap:Body><rec:RECSANSVITALE>\
        <rec:NomNaissance>DUFOUR</rec:NomNaissance><rec:Prenom>PAULINE</rec:Prenom><rec:Sexe>F</rec:Sexe>\
        <rec:DateNaissance>1979-07-28</rec:DateNaissance></rec:RECSANSVITALE></soap:Body></soap:Envelope>
        """

    /// Plain documents as SOAP stacks and people write them.
    static func plainDocuments() throws -> [(name: String, bytes: [UInt8])] {
        var headers = SOAPHeaders()
        headers.messageID = "uuid:1"
        headers.action = INSiOperation.traitsSearch.action
        headers.lps = ContexteLPS(id: "i", time: "t", emitter: "e", idam: "TESTIDAM0001", idamR: "4", version: "1", instance: "x", name: "n")
        let traits = TraitsSearchRequest(birthName: "D'ARC-EN-CIEL", firstNames: ["JEAN-PIERRE", "ÉLOÏSE"], sex: "M",
                                         birthDate: "1978-04-12", birthPlace: "2A004")
        let vitale = VitaleSearchRequest(ouvrantDroit: WireMatricule(number: "160012B020777", key: "13"), birthDate: "1997-02-26")
        let pretty = """
            <?xml version='1.0' encoding='utf-8' standalone='yes'?>
            <e:Envelope xmlns:e="\(soap)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <e:Header>
                <w:MessageID xmlns:w="\(INSiNamespace.wsa)">uuid:2</w:MessageID>
                <ContexteLPS xmlns="\(INSiNamespace.ctxlps)" Nature='CTXLPS "quoted"'><LPS><IDAM R = "4" >ID></IDAM></LPS></ContexteLPS>
              </e:Header>
              <e:Body xmlns="">
                <r:RECSANSVITALE xmlns:r="\(INSiNamespace.recSans)" xsi:type="r:T">
                  <r:NomNaissance >  MARTIN  </r:NomNaissance ><r:Prenom>ANNE MARIE</r:Prenom><r:Prenom/>
                  <r:Sexe>F</r:Sexe><r:DateNaissance>1990-01-01</r:DateNaissance><x xsi:nil="true"/>
                </r:RECSANSVITALE>
              </e:Body>
            </e:Envelope>

            """
        var documents: [(String, [UInt8])] = [
            ("the benchmark request", Array(benchmarkRequest.utf8)),
            ("a written traits request", INSiRequestWriter.write(INSiRequest(headers: headers, body: .traits(traits)))),
            ("a written Vitale request", INSiRequestWriter.write(INSiRequest(headers: headers, body: .vitale(vitale)))),
            ("indented, default namespaces, schema attributes", Array(pretty.utf8)),
            ("the same with CR LF line ends and a byte-order mark",
             [0xEF, 0xBB, 0xBF] + Array(pretty.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
            ("a lone CR inside a value", Array(benchmarkRequest.replacingOccurrences(of: ">DUFOUR<", with: ">DU\rFOUR\r\n<").utf8)),
            ("the predefined entities, with CR LF", Array(benchmarkRequest.replacingOccurrences(
                of: ">DUFOUR<", with: ">D&apos;ARC &amp; FILS\r\n&lt;X&gt; &quot;Y&quot;&amp;<").utf8)),
            ("non-ASCII text, 2 to 4 bytes", Array(benchmarkRequest.replacingOccurrences(of: "PAULINE", with: "ÉLÉONORE 日本 𝄞 \u{FEFF}").utf8)),
        ]
        let directory = conformanceFixtures.appendingPathComponent("requests")
        for file in ["traits-adrtrois-dominique.xml", "vitale-sample.xml"] {
            documents.append((file, try Array(Data(contentsOf: directory.appendingPathComponent(file)))))
        }
        return documents
    }

    @Test("takes the requests SOAP stacks write, and reads each as libxml2 alone does")
    func takesPlainRequests() throws {
        for (name, bytes) in try Self.plainDocuments() {
            #expect(Self.taken(bytes), "\(name) is declined")
            let (path, libxml2) = Self.bothReads(bytes)
            guard case .success = libxml2 else { Issue.record("\(name): libxml2 refuses it: \(libxml2)"); continue }
            #expect(path == libxml2, "\(name)")
        }
        let pretty = try #require(try Self.plainDocuments().first { $0.name.hasPrefix("indented") })
        let parts = try INSiRequestReader.parts(of: pretty.bytes, limits: XMLSafetyLimits(), engine: .libxml2).get()
        #expect(parts.traits == TraitsSearchRequest(birthName: "MARTIN", firstNames: ["ANNE MARIE", ""], sex: "F", birthDate: "1990-01-01"))
        #expect(parts.headers.lps?.idamR == "4" && parts.headers.messageID == "uuid:2")
        let carriageReturn = try #require(try Self.plainDocuments().first { $0.name.hasPrefix("a lone CR") })
        #expect(try INSiRequestReader.parts(of: carriageReturn.bytes, limits: XMLSafetyLimits(), engine: .libxml2).get()
            .traits?.birthName == "DU\nFOUR")
        let entities = try #require(try Self.plainDocuments().first { $0.name.hasPrefix("the predefined") })
        #expect(try INSiRequestReader.parts(of: entities.bytes, limits: XMLSafetyLimits(), engine: .libxml2).get()
            .traits?.birthName == "D'ARC & FILS\n<X> \"Y\"&")
    }

    /// Well-formed documents outside the subset: libxml2 reads them.
    static let declinedWellFormed: [String] = [
        "<r><!-- comment --></r>", "<r><![CDATA[x]]></r>", "<r><?pi x?></r>", "<?xml version=\"1.0\"?><!-- c --><r/>",
        "<r>&#65;</r>", "<r>&#x41;</r>", "<r a=\"&lt;\"/>", "<r a=\"tab\there\"/>", "<r a=\"line\nend\"/>",
        "<r xmlns=\"urn:unknown\"/>", "<p:r xmlns:p=\"urn:unknown\"/>", "<Éric/>", "<r é=\"1\"/>", "<r xml:lang=\"fr\"/>",
        "<?xml-stylesheet href=\"a\"?><r/>", "<r/><!-- after -->",
        "<r xmlns:a=\"\(INSiNamespace.wsa)\" xmlns:b=\"\(INSiNamespace.xmldsig)\" a:x=\"1\" b:x=\"2\"/>",
    ]

    /// Documents libxml2 refuses (not well-formed, not namespace-well-formed, or screened out).
    static let declinedRefused: [String] = [
        "<r>", "<r></s>", "<r><a></r></a>", "<a/><b/>", "<r/>text", "text<r/>", "<p:r/>", "<r><p:a/></r>", "<r a='1' a='2'/>",
        "<r xmlns:a=\"\(INSiNamespace.wsa)\" xmlns:b=\"\(INSiNamespace.wsa)\" a:x=\"1\" b:x=\"2\"/>",
        "<r xmlns:p=\"\"/>", "<r xmlns:xml=\"\(INSiNamespace.wsa)\"/>", "<r xmlns:xmlns=\"\(INSiNamespace.wsa)\"/>",
        "<r attr=noquotes/>", "<r a=\"1\"b=\"2\"/>", "<r a=\"<\"/>", "<r>]]></r>", "<r>\u{1}</r>", "<r>\u{FFFF}</r>",
        "<r>&foo;</r>", "<r>&amp</r>", "<r>&</r>", "<r/>&amp;", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>",
        "<r></r >x", "<r></ r>", "< r/>", "<r/ >", "<a:b:c xmlns:a=\"\(INSiNamespace.wsa)\"/>", "<r></rr>", "<rr></r>",
        " <?xml version=\"1.0\"?><r/>", "<?xml version=\"1.0\" standalone=\"maybe\"?><r/>",
        "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><r/>", "<?xml version=\"1.0\"?>", "", "   ",
        "\u{FEFF}\u{FEFF}<r/>", "<!DOCTYPE r><r/>",
    ]

    @Test("declines well-formed documents outside the subset, which libxml2 then reads", arguments: declinedWellFormed)
    func declinesWellFormed(document: String) {
        let bytes = Array(document.utf8)
        #expect(!Self.taken(bytes))
        let (path, libxml2) = Self.bothReads(bytes)
        #expect((try? libxml2.get()) != nil, "libxml2 refuses it: \(libxml2)")
        #expect(path == libxml2)
    }

    @Test("declines what libxml2 refuses, and gets libxml2's refusal", arguments: declinedRefused)
    func declinesRefused(document: String) {
        let bytes = Array(document.utf8)
        #expect(!Self.taken(bytes))
        let (path, libxml2) = Self.bothReads(bytes)
        #expect((try? libxml2.get()) == nil, "libxml2 reads it")
        #expect(path == libxml2)
    }

    @Test("declines bytes that are not well-formed UTF-8 or not XML characters")
    func declinesBadUTF8() {
        let plain = Array("<r>ok</r>".utf8)
        #expect(Self.taken(plain))
        let sequences: [[UInt8]] = [
            [0x80], [0xC0, 0xAF], [0xC3], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBE], [0xEF, 0xBF, 0xBF],
            [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82],
        ]
        for sequence in sequences {
            let inText = Array("<r>".utf8) + sequence + Array("</r>".utf8)
            let inValue = Array("<r a=\"".utf8) + sequence + Array("\"/>".utf8)
            for bytes in [inText, inValue] {
                #expect(!Self.taken(bytes), "\(sequence)")
                let (path, libxml2) = Self.bothReads(bytes)
                #expect((try? libxml2.get()) == nil, "libxml2 reads \(sequence)")
                #expect(path == libxml2, "\(sequence)")
            }
        }
    }

    @Test("at its fixed room (attributes, namespace bindings, open elements, name length) it takes the last that fits and declines the next")
    func room() {
        let limits = XMLSafetyLimits(maxDepth: 100)
        func attributes(_ count: Int) -> String {
            "<r " + (0..<count).map { "a\($0)=\"\($0)\"" }.joined(separator: " ") + "/>"
        }
        // Eight bindings per element, nested.
        func bindings(_ levels: Int) -> String {
            let open = (0..<levels).map { level in
                "<e\(level) " + (0..<8).map { "xmlns:p\(level)x\($0)=\"\(INSiNamespace.siram)\"" }.joined(separator: " ") + ">"
            }
            return open.joined() + (0..<levels).reversed().map { "</e\($0)>" }.joined()
        }
        func depth(_ levels: Int) -> String {
            String(repeating: "<a>", count: levels) + String(repeating: "</a>", count: levels)
        }
        func name(_ length: Int) -> String {
            let name = String(repeating: "n", count: length)
            return "<\(name)/>"
        }
        let cases: [(String, taken: String, declined: String)] = [
            ("attributes", attributes(PlainXMLScanner.maxAttributes), attributes(PlainXMLScanner.maxAttributes + 1)),
            ("bindings", bindings(PlainXMLScanner.maxBindings / 8), bindings(PlainXMLScanner.maxBindings / 8 + 1)),
            ("open elements", depth(PlainXMLScanner.maxOpenElements), depth(PlainXMLScanner.maxOpenElements + 1)),
            ("name length", name(PlainXMLScanner.maxNameBytes), name(PlainXMLScanner.maxNameBytes + 1)),
        ]
        for (label, taken, declined) in cases {
            #expect(Self.taken(Array(taken.utf8), limits: limits), "\(label)")
            #expect(!Self.taken(Array(declined.utf8), limits: limits), "\(label)")
            for document in [taken, declined] {
                let (path, libxml2) = Self.bothReads(Array(document.utf8), limits: limits)
                #expect((try? libxml2.get()) != nil && path == libxml2, "\(label): \(libxml2)")
            }
        }
        // libxml2 refuses a name past 50,000 bytes: never one the scanner took.
        let long = Array(name(50_001).utf8)
        #expect(!Self.taken(long))
        #expect(Self.bothReads(long).path == Self.bothReads(long).libxml2)
    }

    @Test("the limits stay libxml2's: past one, the document is declined and refused with the same error")
    func limits() {
        let request = Array(Self.benchmarkRequest.utf8)
        let cases: [(XMLSafetyLimits, XMLReadError)] = [
            (XMLSafetyLimits(maxDepth: 3), .tooDeep(limit: 3)),
            (XMLSafetyLimits(maxElements: 10), .tooManyElements(limit: 10)),
            (XMLSafetyLimits(maxTextBytes: 8), .textTooLong(limit: 8)),
            (XMLSafetyLimits(maxBytes: request.count - 1), .tooLarge(limit: request.count - 1)),
        ]
        for (limits, error) in cases {
            #expect(!Self.taken(request, limits: limits), "\(error)")
            let (path, libxml2) = Self.bothReads(request, limits: limits)
            #expect(path == .failure(error) && libxml2 == .failure(error), "\(path)")
        }
        // Text `=` count toward SafeXMLReader's attribute bound as the screen counts them.
        let equals = Array("<r>\(String(repeating: "=", count: 9))</r>".utf8)
        #expect(!Self.taken(equals, limits: XMLSafetyLimits(maxElements: 2)))
        #expect(Self.bothReads(equals, limits: XMLSafetyLimits(maxElements: 2)).path == .failure(.tooManyAttributes(limit: 8)))
        #expect(Self.taken(equals, limits: XMLSafetyLimits(maxElements: 3)))
    }

    @Test("on every document of the engine corpus, what it takes it reads as libxml2 alone")
    func agreesOnTheCorpus() throws {
        var taken = 0
        let documents = try XMLEngineAgreementTests.corpus() + XMLEngineAgreementTests.requests()
        for (name, bytes) in documents {
            let (path, libxml2) = Self.bothReads(bytes)
            #expect(path == libxml2, "\(name)")
            if Self.taken(bytes) {
                taken += 1
                guard case .success = libxml2 else { Issue.record("\(name): taken, but libxml2 refuses it: \(libxml2)"); continue }
            }
        }
        // The written requests and answers, the recorded answers and most constructed requests.
        #expect(taken >= 20, "taken \(taken) of \(documents.count)")
    }
}
