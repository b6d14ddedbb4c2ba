import CLibXML2

/// Runs libxml2's SAX2 parser over a document, straight through libxml2's C API, feeding a
/// ``SAXHandler``.
///
/// libxml2 is the parser FoundationXML wraps (the very same `libxml2.so.2`); going one level
/// down skips what `XMLParser` adds on top of it: a Swift `String` and an `NSDictionary` for
/// every name, namespace and attribute, and a delegate call per event. Measured on the
/// benchmark's 1.5 KB request, that bridging was most of the cost of a call
/// (`Benchmarks/xml-read.sh`). The defences are ``SafeXMLReader``'s: its byte screen runs
/// first (callers go through ``SafeXMLReader/check(_:limits:)``), the network is off, the
/// document is decoded as UTF-8 whatever it declares, only the predefined entities and
/// character references are replaced (no other entity can be declared, none is looked up),
/// and the handler's limits stop the parser at the first excess.
enum SAXParser {
    /// libxml2 asks for one initialisation before it is used from several threads.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `bytes` (already screened) into `handler`; nil when the document was read whole.
    /// `pool` is where parser contexts are kept between parses (the tests give their own).
    static func parse(_ bytes: [UInt8], into handler: SAXHandler, pool: ParserContextPool = .shared) -> XMLReadError? {
        guard Self.initialized else { return .notWellFormed(line: 0, column: 0, reason: "libxml2 is not initialised") }
        guard let context = pool.take(orCreate: {
            var callbacks = makeCallbacks()
            // Reset once, as a reused context is: a new one reports a short unfinished document
            // differently ("Extra content" at column 1 for `<r`), and the same bytes must get the
            // same error whichever context reads them.
            guard let created = xmlCreatePushParserCtxt(&callbacks, nil, nil, 0, nil) else { return nil }
            guard xmlCtxtResetPush(created, nil, 0, nil, nil) == 0 else {
                xmlFreeParserCtxt(created)
                return nil
            }
            return created
        }) else {
            return .notWellFormed(line: 0, column: 0, reason: "libxml2 could not create a parser")
        }
        let error: XMLReadError? = withExtendedLifetime(handler) {
            handler.context = context
            context.pointee.userData = Unmanaged.passUnretained(handler).toOpaque()
            // IGNORE_ENC: the screen has established UTF-8 (or its ASCII subset); libxml2 must
            // not switch to another decoder on a declaration the screen did not read.
            _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                                                 | XML_PARSE_IGNORE_ENC.rawValue))
            // A push parser given no first chunk cannot sniff the byte-order mark; the screen
            // has established UTF-8, so the mark is simply skipped.
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let status = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    xmlParseChunk(context, chars.baseAddress.map { $0 + start }, Int32(chars.count - start), 1)
                }
            }
            handler.context = nil
            if let failure = handler.failure { return failure }
            // nsWellFormed: a prefix that no declaration binds is refused too.
            guard status == 0, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 else {
                return notWellFormed(context)
            }
            return nil
        }
        pool.give(context, succeeded: error == nil)
        return error
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

    /// The callbacks (libxml2 copies them into each context it creates).
    private static func makeCallbacks() -> xmlSAXHandler {
        var callbacks = xmlSAXHandler()
        callbacks.initialized = XML_SAX2_MAGIC
        callbacks.startElementNs = saxStartElement
        callbacks.endElementNs = saxEndElement
        callbacks.characters = saxCharacters
        callbacks.ignorableWhitespace = saxCharacters
        callbacks.cdataBlock = saxCharacters
        // Any declaration or subset ends the parse (the byte screen has refused them already).
        callbacks.internalSubset = saxSubset
        callbacks.externalSubset = saxSubset
        callbacks.entityDecl = saxEntityDeclaration
        // No getEntity: an undeclared entity is then a well-formedness error, never a lookup.
        callbacks.serror = saxError
        return callbacks
    }
}

/// Runs `body` with the handler a parse was given, without retaining it: ``SAXParser/parse(_:into:)``
/// keeps it alive for the whole parse, and a retain and a release for each of the hundred-odd
/// events of a request were a measurable part of reading it.
@inline(__always)
private func withHandler(_ context: UnsafeMutableRawPointer?, _ body: (SAXHandler) -> Void) {
    guard let context else { return }
    Unmanaged<SAXHandler>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
}

private let saxStartElement: startElementNsSAX2Func = { context, localName, _, uri, _, _, attributeCount, _, attributes in
    guard let localName else { return }
    withHandler(context) { $0.start(localName: localName, uri: uri, attributes: attributes, attributeCount: Int(attributeCount)) }
}

private let saxEndElement: endElementNsSAX2Func = { context, _, _, _ in
    withHandler(context) { $0.end() }
}

private let saxCharacters: charactersSAXFunc = { context, characters, length in
    guard let characters, length > 0 else { return }
    withHandler(context) { $0.text(UnsafeBufferPointer(start: characters, count: Int(length))) }
}

private let saxSubset: internalSubsetSAXFunc = { context, _, _, _ in
    withHandler(context) { $0.fail(.doctypeForbidden) }
}

private let saxEntityDeclaration: entityDeclSAXFunc = { context, _, _, _, _, _ in
    withHandler(context) { $0.fail(.doctypeForbidden) }
}

/// Errors are read from the parser context once it stops; this only keeps libxml2 from
/// printing them on standard error.
private let saxError: xmlStructuredErrorFunc = { _, _ in }
