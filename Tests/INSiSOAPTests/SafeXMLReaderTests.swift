import Foundation
import Testing
@testable import INSiSOAP

@Suite("Hardened XML reading")
struct SafeXMLReaderTests {
    func read(_ text: String, limits: XMLSafetyLimits = XMLSafetyLimits(), _ engine: XMLReadEngine) -> Result<XMLTreeElement, XMLReadError> {
        SafeXMLReader.read(Array(text.utf8), limits: limits, engine: engine)
    }

    @Test("namespaces are resolved per element; prefixes do not matter", arguments: XMLReadEngine.allCases)
    func namespaces(engine: XMLReadEngine) throws {
        let tree = try read(#"<a:root xmlns:a="urn:one"><a:x xmlns:a="urn:two">v</a:x><y xmlns="urn:three"> w </y></a:root>"#, engine).get()
        #expect(tree.namespace == "urn:one")
        #expect(tree.child("x", "urn:two")?.value == "v")
        #expect(tree.child("y", "urn:three")?.value == "w")
        #expect(tree.child("x", "urn:one") == nil)
    }

    @Test("a DOCTYPE is refused before parsing: XXE", arguments: XMLReadEngine.allCases)
    func xxe(engine: XMLReadEngine) {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        #expect(read(xxe, engine) == .failure(.doctypeForbidden))
    }

    @Test("a DOCTYPE is refused before parsing: billion laughs", arguments: XMLReadEngine.allCases)
    func billionLaughs(engine: XMLReadEngine) {
        var entities = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 { entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">" }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]><lolz>&lol9;</lolz>"
        #expect(read(bomb, engine) == .failure(.doctypeForbidden))
    }

    @Test("an undeclared entity is not well-formed, and nothing is expanded", arguments: XMLReadEngine.allCases)
    func undeclaredEntity(engine: XMLReadEngine) {
        guard case .failure(.notWellFormed) = read("<r>&x;</r>", engine) else { Issue.record("accepted an undeclared entity"); return }
    }

    @Test("deep nesting stops at the limit", arguments: XMLReadEngine.allCases)
    func deep(engine: XMLReadEngine) {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let result = read(deep, engine)
        #expect(result == .failure(.tooDeep(limit: 32)))
    }

    @Test("too many elements stop at the limit", arguments: XMLReadEngine.allCases)
    func many(engine: XMLReadEngine) {
        let many = "<r>" + String(repeating: "<a/>", count: 3_000) + "</r>"
        #expect(read(many, engine) == .failure(.tooManyElements(limit: 2_000)))
    }

    @Test("attributes are bounded before libxml2 compares them with each other", arguments: XMLReadEngine.allCases)
    func attributes(engine: XMLReadEngine) {
        let crowded = "<r " + (0..<8_001).map { "a\($0)='1'" }.joined(separator: " ") + "/>"
        #expect(read(crowded, engine) == .failure(.tooManyAttributes(limit: 8_000)))
        let fine = "<r " + (0..<100).map { "a\($0)='1'" }.joined(separator: " ") + "/>"
        #expect((try? read(fine, engine).get())?.attributes.count == 100)
    }

    @Test("size and text limits", arguments: XMLReadEngine.allCases)
    func sizes(engine: XMLReadEngine) {
        #expect(read("<r>" + String(repeating: "x", count: 100) + "</r>", limits: XMLSafetyLimits(maxBytes: 50), engine) == .failure(.tooLarge(limit: 50)))
        #expect(read("<r>" + String(repeating: "x", count: 100) + "</r>", limits: XMLSafetyLimits(maxTextBytes: 10), engine) == .failure(.textTooLong(limit: 10)))
    }

    @Test("encodings other than UTF-8 are refused", arguments: XMLReadEngine.allCases)
    func encodings(engine: XMLReadEngine) {
        #expect(read(#"<?xml version="1.0" encoding="UTF-16"?><r/>"#, engine) == .failure(.unsupportedEncoding("UTF-16")))
        #expect(SafeXMLReader.read([0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00, 0x2F, 0x00, 0x3E, 0x00], engine: engine) == .failure(.unsupportedEncoding("UTF-16")))
        #expect((try? read(#"<?xml version="1.0" encoding="utf-8"?><r/>"#, engine).get())?.name == "r")
        #expect(read("<?xml version='1.0' encoding = 'ISO-8859-1'?><r/>", engine) == .failure(.unsupportedEncoding("ISO-8859-1")))
        #expect(read("<?xml version='1.0' encoding\t\n=\r\n'UTF-7'?><r/>", engine) == .failure(.unsupportedEncoding("UTF-7")))
        // Only the declaration's encoding counts: an attribute of that name is just an attribute.
        #expect((try? read(#"<?xml version="1.0"?><r encoding="latin1"/>"#, engine).get())?.attributes == ["encoding": "latin1"])
    }

    @Test("not well-formed XML says where", arguments: XMLReadEngine.allCases)
    func malformed(engine: XMLReadEngine) {
        guard case .failure(.notWellFormed(let line, _, _)) = read("<r>\n<a></b></r>", engine) else { Issue.record("accepted"); return }
        #expect(line == 2)
        #expect(read("   ", engine) == .failure(.empty))
    }

    @Test("escaping: only &, <, > in text, and the delimiting quote in attributes; apostrophes stay raw")
    func escaping() {
        #expect(XMLEscaping.escape("A&B <C> \"D\" 'E'") == "A&amp;B &lt;C&gt; \"D\" 'E'")
        #expect(XMLEscaping.escape("A&B <C> \"D\" 'E'", for: .attribute) == "A&amp;B &lt;C&gt; &quot;D&quot; 'E'")
        #expect(XMLEscaping.escape("plain") == "plain")
        #expect(XMLEscaping.escape("a\u{1}b") == "a\u{FFFD}b")
        // Found by fuzz-soap-request: a declared encoding echoed in a fault carried U+FFFF.
        #expect(XMLEscaping.escape("U\u{FFFF}\u{FFFE}é\u{FFFD}") == "U\u{FFFD}\u{FFFD}é\u{FFFD}")
        #expect(XMLEscaping.escape("a\r\n\tb") == "a&#13;\n\tb")
        #expect(XMLEscaping.escape("a\r\n\tb", for: .attribute) == "a&#13;&#10;&#9;b")
    }
}
