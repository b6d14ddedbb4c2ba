import Foundation
import Testing
@testable import INSiSOAP

/// The libxml2 SAX reader (the default) is held to the same trees and the same verdicts as
/// FoundationXML's XMLParser, on every XML document the project has at hand.
@Suite("XML engines agree")
struct XMLEngineAgreementTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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
    ]

    /// Documents both engines refuse.
    static let refused: [String] = [
        "<r>", "<r></s>", "<r>&x;</r>", "text only", "<r a='1' a='2'/>",
        "<r>\u{1}</r>", "<?xml version=\"1.0\"?>", "<r><a></r></a>", "<r attr=noquotes/>",
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
        if FileManager.default.fileExists(atPath: sharedConformance.path) {
            for directory in [sharedConformance, sharedConformance.appendingPathComponent("requests")] {
                for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where file.hasSuffix(".xml") {
                    documents.append((file, try Array(Data(contentsOf: directory.appendingPathComponent(file)))))
                }
            }
        } else {
            print("[XML engines] ../shared/conformance not found: comparing on the project's own documents only")
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
        ]
        for (index, document) in before.enumerated() {
            _ = SafeXMLReader.read(Array(document.utf8))
            #expect(SafeXMLReader.read(good) == .success(expected), "after document \(index)")
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
}
