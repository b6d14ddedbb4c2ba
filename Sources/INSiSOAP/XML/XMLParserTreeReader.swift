import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Builds an ``XMLTreeElement`` with FoundationXML's `XMLParser`: the reference engine the
/// libxml2 SAX reader is checked against (the same libxml2 underneath, plus Foundation's
/// bridging of every event). Called by ``SafeXMLReader`` after its byte screen.
enum XMLParserTreeReader {
    static func read(_ bytes: [UInt8], limits: XMLSafetyLimits) -> Result<XMLTreeElement, XMLReadError> {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder(limits: limits)
        parser.delegate = builder
        let ok = parser.parse()
        if let failure = builder.failure { return .failure(failure) }
        guard ok, let root = builder.root else {
            let error = parser.parserError as NSError?
            let reason = (error?.userInfo[NSLocalizedDescriptionKey] as? String) ?? error.map { "libxml2 error \($0.code)" } ?? "unexpected end of document"
            return .failure(.notWellFormed(line: parser.lineNumber, column: parser.columnNumber, reason: reason.trimmingXMLSpace()))
        }
        return .success(root)
    }
}

/// XMLParser delegate building the tree; confined to the parsing call.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    let limits: XMLSafetyLimits
    var stack: [XMLTreeElement] = []
    var root: XMLTreeElement?
    var elements = 0
    var failure: XMLReadError?

    init(limits: XMLSafetyLimits) {
        self.limits = limits
    }

    private func fail(_ error: XMLReadError, _ parser: XMLParser) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        elements += 1
        guard elements <= limits.maxElements else { return fail(.tooManyElements(limit: limits.maxElements), parser) }
        guard stack.count < limits.maxDepth else { return fail(.tooDeep(limit: limits.maxDepth), parser) }
        stack.append(XMLTreeElement(name: elementName, namespace: namespaceURI ?? "", attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil, let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil, !stack.isEmpty else { return }
        // White space before any text (indentation between elements) is never part of a value:
        // not storing it saves a string per element of a pretty-printed request.
        if stack[stack.count - 1].text.isEmpty && string.utf8.allSatisfy(\.isXMLSpace) { return }
        stack[stack.count - 1].text += string
        if stack[stack.count - 1].text.utf8.count > limits.maxTextBytes {
            fail(.textTooLong(limit: limits.maxTextBytes), parser)
        }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
    }

    // Belt and braces: the byte screen already refused any DTD, so these two cannot happen.
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(.doctypeForbidden, parser)
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(.doctypeForbidden, parser)
    }

    /// Called for an entity reference no DTD declares (there is never a DTD): refuse, expand nothing.
    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        fail(.notWellFormed(line: parser.lineNumber, column: parser.columnNumber, reason: "undeclared entity &\(name);"), parser)
        return nil
    }
}
