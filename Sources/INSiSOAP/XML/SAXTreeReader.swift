import CLibXML2
import Foundation

/// Builds an ``XMLTreeElement`` from libxml2's SAX2 events, called straight through libxml2's
/// C API.
///
/// libxml2 is the parser FoundationXML wraps (the very same `libxml2.so.2`); going one level
/// down skips what `XMLParser` adds on top of it: a Swift `String` and an `NSDictionary` built
/// for every name, namespace and attribute, and an Objective-C style delegate call per event.
/// Measured on the benchmark's 1.5 KB request, that bridging is most of the cost of a call
/// (see `Benchmarks/xml-read.sh`). The defences are the same as ``SafeXMLReader``'s: the byte
/// screen runs first, the network is off, no entity is ever resolved, and the limits stop the
/// parser at the first excess.
enum SAXTreeReader {
    /// libxml2 asks for one initialisation before it is used from several threads.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    static func read(_ bytes: [UInt8], limits: XMLSafetyLimits) -> Result<XMLTreeElement, XMLReadError> {
        guard Self.initialized else { return .failure(.empty) }
        let pool = ParserContextPool.shared
        guard let context = pool.take(orCreate: {
            var handler = makeHandler()
            return xmlCreatePushParserCtxt(&handler, nil, nil, 0, nil)
        }) else {
            return .failure(.notWellFormed(line: 0, column: 0, reason: "libxml2 could not create a parser"))
        }
        let builder = SAXTreeBuilder(limits: limits, context: context)
        let result: Result<XMLTreeElement, XMLReadError> = withExtendedLifetime(builder) {
            context.pointee.userData = Unmanaged.passUnretained(builder).toOpaque()
            _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            // A push parser given no first chunk cannot sniff the byte-order mark; the screen
            // has established UTF-8, so the mark is simply skipped.
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let status = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlParseChunk(context, chars.baseAddress.map { $0 + start }, Int32(chars.count - start), 1)
                }
            }
            if let failure = builder.failure { return .failure(failure) }
            // nsWellFormed: a prefix no declaration binds is refused too.
            guard status == 0, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0, let root = builder.root else {
                return .failure(notWellFormed(context))
            }
            return .success(root)
        }
        if case .success = result {
            pool.give(context, succeeded: true)
        } else {
            pool.give(context, succeeded: false)
        }
        return result
    }

    /// The callbacks (libxml2 copies them into each context it creates).
    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = saxStartElement
        handler.endElementNs = saxEndElement
        handler.characters = saxCharacters
        handler.ignorableWhitespace = saxCharacters
        handler.cdataBlock = saxCharacters
        // Any declaration or subset ends the parse (the byte screen has refused them already).
        handler.internalSubset = saxSubset
        handler.externalSubset = saxSubset
        handler.entityDecl = saxEntityDeclaration
        // No getEntity: an undeclared entity is then a well-formedness error, never a lookup.
        handler.serror = saxError
        return handler
    }

    private static func notWellFormed(_ context: xmlParserCtxtPtr) -> XMLReadError {
        guard let error = xmlCtxtGetLastError(context), error.pointee.code != 0 else {
            return .notWellFormed(line: Int(xmlSAX2GetLineNumber(context)), column: Int(xmlSAX2GetColumnNumber(context)),
                                  reason: "unexpected end of document")
        }
        let message = error.pointee.message.map { String(cString: $0) } ?? "libxml2 error \(error.pointee.code)"
        return .notWellFormed(line: Int(error.pointee.line), column: Int(error.pointee.int2),
                              reason: message.trimmingXMLSpace())
    }
}

/// The tree under construction; one per parse, reached from the C callbacks through their
/// user-data pointer and never shared between threads.
private final class SAXTreeBuilder {
    // The builder is only ever reached from the callbacks of one parse, on one thread, one
    // callback at a time: the run-time exclusivity checks (a third of its cost) can go.
    let limits: XMLSafetyLimits
    let context: xmlParserCtxtPtr
    @exclusivity(unchecked) var stack: [XMLTreeElement] = []
    @exclusivity(unchecked) var root: XMLTreeElement?
    @exclusivity(unchecked) var elements = 0
    @exclusivity(unchecked) var failure: XMLReadError?
    /// Names and namespace URIs already turned into strings, by the address libxml2 interned
    /// them at (its dictionary gives one address per distinct name): a request repeats half a
    /// dozen namespaces and a few names over some forty elements.
    @exclusivity(unchecked) private var strings: [(pointer: UnsafePointer<xmlChar>, string: String)] = []

    init(limits: XMLSafetyLimits, context: xmlParserCtxtPtr) {
        self.limits = limits
        self.context = context
        stack.reserveCapacity(8)
        strings.reserveCapacity(64)
    }

    func fail(_ error: XMLReadError) {
        if failure == nil { failure = error }
        xmlStopParser(context)
    }

    /// The string at an interned address. Past 64 entries (never in a real request) names are
    /// converted every time rather than searched in an ever longer list.
    func interned(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        for entry in strings where entry.pointer == pointer { return entry.string }
        let string = String(cString: pointer)
        if strings.count < 64 { strings.append((pointer, string)) }
        return string
    }
}

private func builder(_ context: UnsafeMutableRawPointer?) -> SAXTreeBuilder? {
    context.map { Unmanaged<SAXTreeBuilder>.fromOpaque($0).takeUnretainedValue() }
}

private func string(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
    String(decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
}

/// An attribute value as SAX2 hands it over. Entities are not substituted (no
/// `XML_PARSE_NOENT`, the flag behind XXE), so libxml2 keeps an `&` of the value written as
/// `&#38;` (every other reference is already replaced, and a bare `&` cannot occur).
private func attributeValue(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
    let value = string(start, end)
    guard UnsafeBufferPointer(start: start, count: start.distance(to: end)).contains(UInt8(ascii: "&")) else { return value }
    return value.replacingOccurrences(of: "&#38;", with: "&")
}

private let saxStartElement: startElementNsSAX2Func = { context, localName, prefix, uri, _, _, attributeCount, _, attributes in
    guard let builder = builder(context), builder.failure == nil, let localName else { return }
    builder.elements += 1
    guard builder.elements <= builder.limits.maxElements else { return builder.fail(.tooManyElements(limit: builder.limits.maxElements)) }
    guard builder.stack.count < builder.limits.maxDepth else { return builder.fail(.tooDeep(limit: builder.limits.maxDepth)) }
    var element = XMLTreeElement(name: builder.interned(localName), namespace: builder.interned(uri))
    if attributeCount > 0, let attributes {
        // Five pointers per attribute: local name, prefix, URI, value start, value end.
        for index in 0..<Int(attributeCount) {
            let base = index * 5
            guard let name = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
            let local = String(cString: name)
            let qualified = attributes[base + 1].map { String(cString: $0) + ":" + local } ?? local
            element.attributes[qualified] = attributeValue(start, end)
        }
    }
    builder.stack.append(element)
}

private let saxEndElement: endElementNsSAX2Func = { context, _, _, _ in
    guard let builder = builder(context), builder.failure == nil, let element = builder.stack.popLast() else { return }
    if builder.stack.isEmpty {
        builder.root = element
    } else {
        builder.stack[builder.stack.count - 1].children.append(element)
    }
}

private let saxCharacters: charactersSAXFunc = { context, characters, length in
    guard let builder = builder(context), builder.failure == nil, !builder.stack.isEmpty, let characters, length > 0 else { return }
    let bytes = UnsafeBufferPointer(start: characters, count: Int(length))
    let top = builder.stack.count - 1
    // White space before any text (indentation between elements) is never part of a value.
    if builder.stack[top].text.isEmpty && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return }
    guard builder.stack[top].text.utf8.count + bytes.count <= builder.limits.maxTextBytes else {
        return builder.fail(.textTooLong(limit: builder.limits.maxTextBytes))
    }
    builder.stack[top].text += String(decoding: bytes, as: UTF8.self)
}

private let saxSubset: internalSubsetSAXFunc = { context, _, _, _ in
    builder(context)?.fail(.doctypeForbidden)
}

private let saxEntityDeclaration: entityDeclSAXFunc = { context, _, _, _, _, _ in
    builder(context)?.fail(.doctypeForbidden)
}

/// Errors are read from the parser context once it stops; this only keeps libxml2 from
/// printing them on standard error.
private let saxError: xmlStructuredErrorFunc = { _, _ in }

extension String {
    /// Without surrounding XML white space (space, tab, CR, LF).
    func trimmingXMLSpace() -> String {
        let utf8 = self.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
