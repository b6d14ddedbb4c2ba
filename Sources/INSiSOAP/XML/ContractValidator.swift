import CLibXML2
import Foundation
import Synchronization

/// Validates the headers and the body of an INSi request against the contract's own schemas
/// (`Resources/contract`: RECSANSVITALE, RECVITALE, ContexteLPS, ContexteBAM, WS-Addressing,
/// WS-Security) with libxml2's XML Schema validator. The SOAP envelope itself has no schema
/// here: each header block and the body element are validated on their own.
///
/// Costly (a tree and a validation, tens of microseconds): the judge runs it on its worker.
/// The document must already have passed the request reader (no DTD, size and depth bounded).
public final class ContractValidator: Sendable {
    /// What a validation found.
    public struct Report: Sendable, Equatable {
        /// One line per problem, as libxml2 words it (`Element '{urn:siram:lps:ctxlps}Temps': …`).
        public var problems: [String]
        /// The raw text of the names of a traits body (`NomNaissance`, each `Prenom`), untrimmed:
        /// the request reader trims them, and spaces around a name are a finding of their own.
        public var rawNames: [(field: String, text: String)]

        public static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.problems == rhs.problems && lhs.rawNames.map(\.field) == rhs.rawNames.map(\.field)
                && lhs.rawNames.map(\.text) == rhs.rawNames.map(\.text)
        }
    }

    /// Why the schemas could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The request-side schemas, by the namespace they define.
    public static let schemaFiles: [(namespace: String, file: String)] = [
        (INSiNamespace.recSans, "insi-recsans.xsd"),
        (INSiNamespace.recVit, "insi-recvitale.xsd"),
        (INSiNamespace.ctxlps, "ctxlps.xsd"),
        (INSiNamespace.ctxbam, "ctxbam.xsd"),
        (INSiNamespace.wsa, "wsa.xsd"),
        (INSiNamespace.wsse, "wsse.xsd"),
    ]

    /// The compiled schema and a validation context, used by one caller at a time.
    private struct Handles: @unchecked Sendable {
        // The pointers are only dereferenced under `handles`' lock.
        let schema: xmlSchemaPtr
        let context: xmlSchemaValidCtxtPtr
    }

    // Serialises validations: a libxml2 validation context is not reentrant.
    private let handles: Mutex<Handles>
    private let namespaces: Set<String>

    /// Compiles the schemas of `directory` (the contract folder).
    public init(directory: URL) throws {
        xmlInitParser()
        var wrapper = #"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:insi-sim:contract">"#
        for (namespace, file) in Self.schemaFiles {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw LoadError(description: "the contract folder \(directory.path) has no \(file)")
            }
            wrapper += #"<xs:import namespace="\#(namespace)" schemaLocation="\#(XMLEscaping.escape(url.absoluteString, for: .attribute))"/>"#
        }
        wrapper += "</xs:schema>"
        let collector = ErrorCollector()
        let schema: xmlSchemaPtr? = wrapper.withCString { text in
            guard let parser = xmlSchemaNewMemParserCtxt(text, Int32(strlen(text))) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(parser, collectError, Unmanaged.passUnretained(collector).toOpaque())
            return withExtendedLifetime(collector) { xmlSchemaParse(parser) }
        }
        guard let schema else {
            throw LoadError(description: "the contract schemas do not compile: \(collector.messages.prefix(3).joined(separator: "; "))")
        }
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            xmlSchemaFree(schema)
            throw LoadError(description: "libxml2 could not create a schema validation context")
        }
        handles = Mutex(Handles(schema: schema, context: context))
        namespaces = Set(Self.schemaFiles.map(\.namespace))
    }

    deinit {
        handles.withLock { handles in
            xmlSchemaFreeValidCtxt(handles.context)
            xmlSchemaFree(handles.schema)
        }
    }

    /// Validates every header block of a known namespace and the body element of `bytes`, a
    /// SOAP 1.2 envelope the request reader has accepted.
    public func validate(_ bytes: [UInt8]) -> Report {
        var report = Report(problems: [], rawNames: [])
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        guard let document = parsed else {
            report.problems.append("the request could not be read as a tree")
            return report
        }
        defer { xmlFreeDoc(document) }
        guard let envelope = xmlDocGetRootElement(document) else { return report }
        var blocks: [xmlNodePtr] = []
        for part in Self.elements(of: envelope) {
            let name = Self.name(of: part)
            if name == "Header" {
                blocks += Self.elements(of: part).filter { namespaces.contains(Self.namespace(of: $0)) }
            } else if name == "Body", let payload = Self.elements(of: part).first {
                blocks.append(payload)
                if Self.namespace(of: payload) == INSiNamespace.recSans {
                    for field in Self.elements(of: payload) where ["NomNaissance", "Prenom"].contains(Self.name(of: field)) {
                        report.rawNames.append((Self.name(of: field), Self.text(of: field)))
                    }
                }
            }
        }
        let collector = ErrorCollector()
        handles.withLock { handles in
            xmlSchemaSetValidStructuredErrors(handles.context, collectError, Unmanaged.passUnretained(collector).toOpaque())
            withExtendedLifetime(collector) {
                for block in blocks {
                    _ = xmlSchemaValidateOneElement(handles.context, block)
                }
            }
            xmlSchemaSetValidStructuredErrors(handles.context, nil, nil)
        }
        report.problems = collector.messages
        return report
    }

    private static func elements(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    private static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func namespace(of node: xmlNodePtr) -> String {
        node.pointee.ns?.pointee.href.map { String(cString: $0) } ?? ""
    }

    /// The element's own text (its text and CDATA children), untrimmed.
    private static func text(of node: xmlNodePtr) -> String {
        var text = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE, let content = current.pointee.content {
                text += String(cString: content)
            }
            child = current.pointee.next
        }
        return text
    }
}

/// Gathers libxml2's structured errors (one line each), at most a few dozen.
private final class ErrorCollector {
    var messages: [String] = []
}

private let collectError: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
    guard collector.messages.count < 20 else { return }
    let text = error.pointee.message.map { String(cString: $0) } ?? "schema error \(error.pointee.code)"
    // One line: libxml2 quotes the values it refuses, and a value may hold line breaks.
    let line = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: " ")
    collector.messages.append(line)
}
