import Foundation
import Testing
import TestSupport
@testable import INSiSOAP

/// The libxml2 SAX reader (the default) is held to the same trees and the same verdicts as
/// FoundationXML's XMLParser, on every XML document the project has at hand.
@Suite("XML engines agree")
struct XMLEngineAgreementTests {
    static let repository = TestPaths.repository

    /// Documents with the constructs a SOAP peer may send: prefixes and default namespaces,
    /// redeclarations, attributes (prefixed, `xml:lang`), CDATA, character and predefined
    /// entity references, comments, processing instructions, mixed content, non-ASCII text,
    /// a byte-order mark, indentation.
    static let snippets: [String] = [
        #"<a:root xmlns:a="urn:one"><a:x xmlns:a="urn:two">v</a:x><y xmlns="urn:three"> w </y></a:root>"#,
        #"<r xmlns="urn:d" xmlns:p="urn:p"><p:a p:k="1" k="2" xml:lang="fr">x</p:a><b/></r>"#,
        #"<r><![CDATA[<not> & markup]]> and &lt;text&gt; &amp; &#233;&#x41;&quot;&apos;</r>"#,
        "<r><!-- a comment --><?pi data?><a>one<!-- c -->two</a>mixed<b>three</b>tail</r>",
        "<r>\n  <a>\n    <b>  ÉLÉONORE D'ARC-EN-CIEL  </b>\n  </a>\n  <c>日本 — ü</c>\n</r>",
        "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r a='single' b=\"a &amp; b &#10; c\" c=\"&#38;&#60;&gt;\"/>",
        #"<r><a></a><a/><a> </a><a>\t</a></r>"#,
        // Found by fuzz-soap-request: libxml2's SAX2 hands `&` in a namespace URI over as `&#38;`.
        // (Only one per URI: with two, libxml2 checks `urn:a&#38;b&#38;c` as a URI and refuses it.)
        #"<r xmlns="urn:a&amp;b"><p:a xmlns:p="urn:p&#38;q"/><c xmlns="urn:c&#x26;d"/></r>"#,
    ]

    /// Documents both engines refuse.
    static let refused: [String] = [
        "<r>", "<r></s>", "<r>&x;</r>", "text only", "<r a='1' a='2'/>",
        "<r>\u{1}</r>", "<?xml version=\"1.0\"?>", "<r><a></r></a>", "<r attr=noquotes/>",
        // Found by fuzz-soap-request: libxml2 skipped a second byte-order mark.
        "\u{FEFF}\u{FEFF}<r/>",
    ]

    /// Documents only the libxml2 reader refuses: FoundationXML's XMLParser lets an element
    /// follow the root, and leaves an undeclared prefix unbound instead of failing.
    static let refusedByLibxml2Only: [String] = ["<a/><b/>", "<p:r/>", "<r><p:a/></r>"]

    static func corpus() throws -> [(name: String, bytes: [UInt8])] {
        var documents = snippets.enumerated().map { ("snippet \($0.offset)", Array($0.element.utf8)) }
        let contract = repository.appendingPathComponent("Resources/contract")
        for file in try FileManager.default.contentsOfDirectory(atPath: contract.path).sorted() where !file.hasSuffix(".md") {
            documents.append(("contract/\(file)", try Array(Data(contentsOf: contract.appendingPathComponent(file)))))
        }
        var headers = SOAPHeaders()
        headers.messageID = "uuid:1"
        headers.lps = ContexteLPS(id: "i", time: "t", emitter: "e", idam: "TESTIDAM0001", idamR: "4", version: "1", instance: "x", name: "n")
        headers.bam = ContexteBAM(id: "i", time: "t", emitter: "e", insuredNumber: "160012B020777", beneficiaryBirthDate: "1997-02-26", beneficiaryRank: "1")
        let traits = TraitsSearchRequest(birthName: "D'ARC & <FILS>", firstNames: ["JEAN-PIERRE", "ÉLOÏSE"], sex: "M", birthDate: "1978-04-12", birthPlace: "2A004")
        documents.append(("written traits request", INSiRequestWriter.write(INSiRequest(headers: headers, body: .traits(traits)))))
        documents.append(("written fault", INSiResponseWriter.fault(.unknownAction("urn:x", source: "wsa:Action", messageID: "uuid:1"))))
        for directory in [conformanceFixtures, conformanceFixtures.appendingPathComponent("requests")] {
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where file.hasSuffix(".xml") {
                documents.append((file, try Array(Data(contentsOf: directory.appendingPathComponent(file)))))
            }
        }
        return documents
    }

    @Test("both engines build the same tree from every document")
    func sameTrees() throws {
        let documents = try Self.corpus()
        #expect(documents.count >= Self.snippets.count + 10)
        for (name, bytes) in documents {
            let libxml2 = SafeXMLReader.read(bytes, engine: .libxml2)
            let foundation = SafeXMLReader.read(bytes, engine: .foundationXML)
            guard case .success(let tree) = libxml2 else { Issue.record("\(name): libxml2 refused it: \(libxml2)"); continue }
            #expect(libxml2 == foundation, "\(name)")
            #expect(!tree.name.isEmpty)
        }
    }

    @Test("the values a peer can write survive: entities, CDATA, attributes, non-ASCII")
    func values() throws {
        let tree = try SafeXMLReader.read(Array(Self.snippets[2].utf8)).get()
        #expect(tree.text == "<not> & markup and <text> & éA\"'")
        let attributes = try SafeXMLReader.read(Array(Self.snippets[1].utf8)).get().child("a", "urn:p")?.attributes
        #expect(attributes == ["p:k": "1", "k": "2", "xml:lang": "fr"])
        let names = try SafeXMLReader.read(Array(Self.snippets[4].utf8)).get()
        #expect(names.child("a", "")?.value(of: "b", "") == "ÉLÉONORE D'ARC-EN-CIEL")
        #expect(names.value(of: "c", "") == "日本 — ü")
    }

    @Test("both engines refuse the same documents", arguments: refused)
    func sameRefusals(document: String) {
        checkRefused(document, by: XMLReadEngine.allCases)
    }

    @Test("the libxml2 reader is stricter where XMLParser is lenient", arguments: refusedByLibxml2Only)
    func stricter(document: String) {
        checkRefused(document, by: [.libxml2])
        #expect((try? SafeXMLReader.read(Array(document.utf8), engine: .foundationXML).get()) != nil,
                "XMLParser refuses it now: move it to the documents both refuse")
    }

    func checkRefused(_ document: String, by engines: [XMLReadEngine]) {
        let bytes = Array(document.utf8)
        for engine in engines {
            guard case .failure(let error) = SafeXMLReader.read(bytes, engine: engine) else {
                Issue.record("\(engine) accepted \(document.debugDescription)")
                continue
            }
            switch error {
            case .notWellFormed(let line, let column, let reason):
                // XMLParser reports an unfinished document at line 0.
                #expect(line >= (engine == .libxml2 ? 1 : 0) && column >= 0 && !reason.isEmpty, "\(engine): \(error)")
            case .empty:
                break
            default:
                Issue.record("\(engine) refused \(document.debugDescription) for an unexpected reason: \(error)")
            }
        }
    }

    @Test("a reused parser is not affected by what it read before: failures, limits, many names")
    func reuse() throws {
        let good = Array(Self.snippets[1].utf8)
        let expected = try SafeXMLReader.read(good, engine: .foundationXML).get()
        var manyNames = "<r>"
        for index in 0..<1_500 { manyNames += "<n\(index)/>" }
        manyNames += "</r>"
        let before: [String] = [
            "<r></s>", "<r>&x;</r>", String(repeating: "<a>", count: 100), manyNames,
            "<r>" + String(repeating: "x", count: 70_000) + "</r>", Self.snippets[0],
            "<r xmlns:long=\"urn:" + String(repeating: "u", count: 100_000) + "\"><long:a/></r>",
        ]
        for (index, document) in before.enumerated() {
            _ = SafeXMLReader.read(Array(document.utf8))
            #expect(SafeXMLReader.read(good) == .success(expected), "after document \(index)")
        }
    }

    @Test("a short unfinished document gets the same error from a new parser context as from a reused one")
    func sameErrorWhateverTheContext() {
        // A context made with no first chunk used to take `<r` for "extra content" at column 1.
        let expected: [String: XMLReadError] = [
            "<r": .notWellFormed(line: 1, column: 3, reason: "Couldn't find end of Start Tag r"),
            "<r>": .notWellFormed(line: 1, column: 4, reason: "Extra content at the end of the document"),
        ]
        let good = Array(Self.snippets[0].utf8)
        for (document, error) in expected {
            // No room: every parse gets a new context. Room for one: after a good parse, a reused one.
            for pool in [ParserContextPool(capacity: 0), ParserContextPool(capacity: 1)] {
                #expect(SAXParser.parse(good, into: SAXHandler(limits: XMLSafetyLimits()), pool: pool) == nil)
                #expect(SAXParser.parse(Array(document.utf8), into: SAXHandler(limits: XMLSafetyLimits()), pool: pool) == error, "\(document)")
            }
        }
    }

    @Test("parses from many tasks at once give each its own tree")
    func concurrent() async throws {
        let documents = try Self.corpus()
        let expected = documents.map { SafeXMLReader.read($0.bytes, engine: .foundationXML) }
        let mismatches = await withTaskGroup(of: Int.self) { group -> Int in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<40 {
                        let index = (task * 7 + round) % documents.count
                        if SafeXMLReader.read(documents[index].bytes) != expected[index] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    /// Requests with what a peer may do to an envelope: every header, repeated elements
    /// (the first counts, every `Prenom` does), foreign namespaces, elements nested in values,
    /// CDATA and comments in values, prefixed and unprefixed attributes, a wrong root, a SOAP
    /// 1.1 envelope, an empty or crowded body, an unknown payload.
    static func requests() throws -> [(name: String, bytes: [UInt8])] {
        let soap = INSiNamespace.soap12
        func envelope(_ header: String?, _ body: String?, root: String = "e:Envelope", soapNS: String = soap) -> [UInt8] {
            var xml = "<\(root) xmlns:e=\"\(soapNS)\" xmlns:w=\"\(INSiNamespace.wsa)\" xmlns:l=\"\(INSiNamespace.ctxlps)\""
            xml += " xmlns:b=\"\(INSiNamespace.ctxbam)\" xmlns:s=\"\(INSiNamespace.wsse)\" xmlns:r=\"\(INSiNamespace.recSans)\" xmlns:v=\"\(INSiNamespace.recVit)\">"
            if let header { xml += "<e:Header>\(header)</e:Header>" }
            if let body { xml += "<e:Body>\(body)</e:Body>" }
            return Array((xml + "</\(root)>").utf8)
        }
        let lps = "<l:ContexteLPS><l:Id> 1 </l:Id><l:Temps>t</l:Temps><l:Emetteur>e</l:Emetteur><l:LPS><l:IDAM R=\"4\" l:R=\"9\">ID<!-- c -->AM</l:IDAM>"
            + "<l:Version>1</l:Version><l:Instance>i</l:Instance><l:Nom><![CDATA[N & M]]></l:Nom></l:LPS></l:ContexteLPS>"
        let bam = "<b:ContexteBAM><b:Id>b</b:Id><b:COUVERTURE><b:ASSURE><b:Id><b:Num>160012B020777</b:Num></b:Id></b:ASSURE>"
            + "<b:BENEFICIAIRE><b:DateNai>1997-02-26</b:DateNai><b:Rang>1</b:Rang></b:BENEFICIAIRE></b:COUVERTURE></b:ContexteBAM>"
        let headers = "<s:Security><saml:Assertion xmlns:saml=\"urn:saml\"/></s:Security>\(lps)\(bam)<w:Action>\(INSiOperation.traitsSearch.action)</w:Action><w:MessageID>m</w:MessageID>"
        let traits = "<r:RECSANSVITALE><r:NomNaissance> DE VINCI </r:NomNaissance><r:Prenom>LEONARDO</r:Prenom><r:Prenom/><r:Prenom> PIERO </r:Prenom>"
            + "<r:Sexe>M</r:Sexe><r:DateNaissance>2014-02-01</r:DateNaissance><r:LieuNaissance>75056</r:LieuNaissance></r:RECSANSVITALE>"
        let vitale = "<v:RECVITALE><v:MatriculeIndividu><v:NumIdentifiant>1</v:NumIdentifiant><v:Cle>2</v:Cle><v:TypeMatricule>3</v:TypeMatricule></v:MatriculeIndividu>"
            + "<v:MatriculeOD><v:NumIdentifiant>160012B020777</v:NumIdentifiant><v:Cle>13</v:Cle></v:MatriculeOD>"
            + "<v:NomNaissance>X</v:NomNaissance><v:DateNaissance>1997-02-26</v:DateNaissance><v:RangNaissance>1</v:RangNaissance></v:RECVITALE>"
        var documents: [(String, [UInt8])] = [
            ("traits, every header", envelope(headers, traits)),
            ("vitale, every header", envelope(headers.replacingOccurrences(of: INSiOperation.traitsSearch.action, with: INSiOperation.vitaleSearch.action), vitale)),
            ("no header", envelope(nil, traits)),
            ("empty header and fields", envelope("", "<r:RECSANSVITALE><r:NomNaissance/><r:Sexe></r:Sexe></r:RECSANSVITALE>")),
            ("repeated elements: the first counts", envelope(headers + headers.replacingOccurrences(of: ">m<", with: ">second<"),
                traits.replacingOccurrences(of: "</r:RECSANSVITALE>", with: "<r:NomNaissance>SECOND</r:NomNaissance><r:Sexe>F</r:Sexe></r:RECSANSVITALE>"))),
            ("two headers, two bodies", Array(String(decoding: envelope(headers, traits), as: UTF8.self)
                .replacingOccurrences(of: "</e:Header>", with: "</e:Header><e:Header><w:MessageID>late</w:MessageID></e:Header>")
                .replacingOccurrences(of: "</e:Body>", with: "</e:Body><e:Body><x/></e:Body>").utf8)),
            ("foreign namespaces and places", envelope("<w:ContexteLPS/><l:MessageID>no</l:MessageID><x:Action xmlns:x=\"urn:x\">no</x:Action>\(lps)",
                "<r:RECSANSVITALE><v:NomNaissance>WRONG NS</v:NomNaissance><r:NomNaissance>A<r:x>B</r:x>C<r:Prenom>NESTED</r:Prenom></r:NomNaissance>"
                + "<q:Prenom xmlns:q=\"urn:q\">Q</q:Prenom><r:Prenom>JEAN<r:i/>-PIERRE</r:Prenom></r:RECSANSVITALE>")),
            ("default namespaces", Array("""
                <Envelope xmlns="\(soap)"><Header><MessageID xmlns="\(INSiNamespace.wsa)">dm</MessageID></Header>\
                <Body><RECSANSVITALE xmlns="\(INSiNamespace.recSans)"><NomNaissance>D</NomNaissance><Prenom>P</Prenom></RECSANSVITALE></Body></Envelope>
                """.utf8)),
            ("crowded body", envelope(headers, traits + vitale)),
            ("empty body", envelope(headers, "")),
            ("no body", envelope(headers, nil)),
            ("unknown payload", envelope(headers, "<r:RECVITALE/>")),
            ("wrong root", envelope(headers, traits, root: "e:Enveloppe")),
            ("SOAP 1.1", envelope(nil, traits, soapNS: INSiNamespace.soap11)),
            ("an escaped & in namespace URIs", envelope(nil, "<r:RECSANSVITALE/>", soapNS: "urn:soap&amp;x")),
            ("an escaped & in the payload's namespace", envelope(nil, "<q:RECSANSVITALE xmlns:q=\"urn:q&#38;r\"/>")),
            ("security without assertion, text on the envelope", envelope("<s:Security><s:Assertion2/></s:Security>", " text " + traits)),
            ("a CPx card's SAML assertion", envelope("""
                <s:Security><a:Assertion xmlns:a="\(INSiNamespace.saml2)" ID="_1" a:ID="no" IssueInstant="2026-11-23T10:00:00Z" Version="2.0">\
                <a:Issuer> CN=00B6087510,C=FR </a:Issuer><a:Issuer>SECOND</a:Issuer><x:Issuer xmlns:x="urn:x">FOREIGN</x:Issuer>\
                <d:Signature xmlns:d="\(INSiNamespace.xmldsig)"><d:SignedInfo/></d:Signature><a:Subject><a:NameID>1</a:NameID></a:Subject>\
                </a:Assertion><a:Assertion xmlns:a="urn:other" ID="_2"/></s:Security>
                """, traits)),
            ("an assertion in another namespace, without its parts", envelope(
                "<s:Security><o:Assertion xmlns:o=\"urn:oasis:names:tc:SAML:1.0:assertion\" MajorVersion=\"1\"><o:Issuer>x</o:Issuer></o:Assertion></s:Security>", traits)),
        ]
        var headersValue = SOAPHeaders()
        headersValue.lps = ContexteLPS(idam: "TESTIDAM0001")
        documents.append(("written", INSiRequestWriter.write(INSiRequest(headers: headersValue, body: .vitale(VitaleSearchRequest(ouvrantDroit: WireMatricule(number: "1"), birthDate: "2"))))))
        let directory = conformanceFixtures.appendingPathComponent("requests")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where file.hasSuffix(".xml") {
            documents.append((file, try Array(Data(contentsOf: directory.appendingPathComponent(file)))))
        }
        return documents
    }

    @Test("the event reader extracts from a request what the tree gives")
    func sameRequests() throws {
        var accepted = 0
        for (name, bytes) in try Self.requests() {
            let events = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2)
            let tree = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .foundationXML)
            guard case .success = events else { Issue.record("\(name): \(events)"); continue }
            #expect(events == tree, "\(name)")
            let read = INSiRequestReader.read(bytes, contentType: nil)
            #expect(read == INSiRequestReader.read(bytes, contentType: nil, engine: .foundationXML), "\(name)")
            if case .success = read { accepted += 1 }
        }
        #expect(accepted >= 7)
    }

    @Test("the event reader keeps the first of repeated elements and every Prenom")
    func eventReaderRules() throws {
        let documents = try Self.requests()
        let repeated = try #require(documents.first { $0.name.hasPrefix("repeated") })
        let request = try INSiRequestReader.read(repeated.bytes, contentType: nil).get()
        #expect(request.headers.messageID == "m")
        #expect(request.headers.lps == ContexteLPS(id: "1", time: "t", emitter: "e", idam: "IDAM", idamR: "4", version: "1", instance: "i", name: "N & M"))
        #expect(request.headers.bam?.insuredNumber == "160012B020777")
        #expect(request.headers.samlAssertion == SAMLAssertionHeader(namespace: "urn:saml"))
        let card = try #require(documents.first { $0.name.hasPrefix("a CPx card") })
        let assertion = try INSiRequestReader.read(card.bytes, contentType: nil).get().headers.samlAssertion
        #expect(assertion == SAMLAssertionHeader(namespace: INSiNamespace.saml2, id: "_1", version: "2.0", issueInstant: "2026-11-23T10:00:00Z",
                                                 issuer: "CN=00B6087510,C=FR", hasSubject: true, hasSignature: true))
        #expect(request.body == .traits(TraitsSearchRequest(birthName: "DE VINCI", firstNames: ["LEONARDO", "", "PIERO"], sex: "M",
                                                            birthDate: "2014-02-01", birthPlace: "75056")))
        let foreign = try #require(documents.first { $0.name.hasPrefix("foreign") })
        let parts = try INSiRequestReader.parts(of: foreign.bytes, limits: XMLSafetyLimits(), engine: .libxml2).get()
        #expect(parts.traits == TraitsSearchRequest(birthName: "AC", firstNames: ["JEAN-PIERRE"], sex: nil, birthDate: nil))
        #expect(parts.headers.messageID == nil && parts.headers.action == nil)
    }
}

