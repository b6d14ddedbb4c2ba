import Foundation

/// Reads a document into an ``XMLTreeElement`` with libxml2, refusing what makes XML
/// dangerous before the parser ever sees it.
///
/// Defences, in order: size; encoding (UTF-8 only, so the byte scan below cannot be evaded with
/// UTF-16 or EBCDIC); any `<!DOCTYPE` or `<!ENTITY` refused outright (no DTD means no external
/// entity and no entity expansion); then, while parsing, network and entity resolution off, and
/// depth, element count and text size bounded, aborting at the first excess.
public enum SafeXMLReader {
    public static func read(_ bytes: [UInt8], limits: XMLSafetyLimits = XMLSafetyLimits(),
                            engine: XMLReadEngine = .libxml2) -> Result<XMLTreeElement, XMLReadError> {
        if let problem = check(bytes, limits: limits) { return .failure(problem) }
        switch engine {
        case .libxml2: return SAXTreeReader.read(bytes, limits: limits)
        case .foundationXML: return XMLParserTreeReader.read(bytes, limits: limits)
        }
    }

    /// What is refused before any parser runs: size, encoding, DTD.
    static func check(_ bytes: [UInt8], limits: XMLSafetyLimits) -> XMLReadError? {
        guard bytes.count <= limits.maxBytes else { return .tooLarge(limit: limits.maxBytes) }
        if let problem = screen(bytes) { return problem }
        // Every attribute and namespace declaration has an `=`; libxml2 checks each against the
        // others of its element (quadratic) before our element limits see it, so bound them
        // here. Text may hold `=` too (base64 padding): the bound is generous.
        let maxAttributes = 4 * limits.maxElements
        let equals = bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var count = 0
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, Int32(UInt8(ascii: "=")), buffer.count - offset) {
                count += 1
                if count > maxAttributes { break }
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return count
        }
        return equals > maxAttributes ? .tooManyAttributes(limit: maxAttributes) : nil
    }

    /// The encodings a document may declare, lowercased: UTF-8 and its ASCII subset.
    static let encodings = ["utf-8", "utf8", "us-ascii", "ascii"]

    /// Byte-level checks made before parsing.
    static func screen(_ bytes: [UInt8]) -> XMLReadError? {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        // U+FEFF after the byte-order mark is a character where none may stand; libxml2's push
        // parser would take it for the mark itself once the first one is skipped.
        if start == 3 && bytes.count >= 6 && bytes[3] == 0xEF && bytes[4] == 0xBB && bytes[5] == 0xBF {
            return .notWellFormed(line: 1, column: 1, reason: "a second byte-order mark (U+FEFF) before the document")
        }
        if bytes.count >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) {
            return .unsupportedEncoding("UTF-16")
        }
        guard bytes[start...].contains(where: { !$0.isXMLSpace }) else { return .empty }
        if bytes.withUnsafeBufferPointer({ buffer in buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false }) {
            return .unsupportedEncoding("a multi-byte encoding with NUL bytes (UTF-16/32)")
        }
        if let encoding = declaredEncoding(bytes[start...]) {
            let lower = encoding.lowercased()
            guard encodings.contains(lower) else {
                return .unsupportedEncoding(encoding)
            }
        }
        if declaresDTD(bytes) { return .doctypeForbidden }
        return nil
    }

    /// The `encoding` pseudo-attribute of the XML declaration, if any. Read on raw bytes, and
    /// only within the declaration: this runs for every call.
    private static func declaredEncoding(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, buffer.count > 5, memcmp(base, "<?xml", 5) == 0,
                  let close = memchr(base, Int32(UInt8(ascii: ">")), buffer.count) else { return nil }
            let end = base.distance(to: close.assumingMemoryBound(to: UInt8.self))
            // The declaration is a few dozen bytes: a plain search is enough.
            guard let found = (5..<max(5, end - 7)).first(where: { memcmp(base + $0, "encoding", 8) == 0 }) else { return nil }
            var index = found + 8
            while index < end && (buffer[index].isXMLSpace || buffer[index] == UInt8(ascii: "=")) { index += 1 }
            guard index < end, buffer[index] == UInt8(ascii: "\"") || buffer[index] == UInt8(ascii: "'") else { return nil }
            let quote = buffer[index]
            let valueStart = index + 1
            var valueEnd = valueStart
            while valueEnd < end && buffer[valueEnd] != quote { valueEnd += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd]), as: UTF8.self)
        }
    }

    /// True when `<!DOCTYPE` or `<!ENTITY` appears anywhere. One pass: memchr finds each `<`
    /// and only `<!` is looked at further (comments and CDATA sections start with it too).
    static func declaresDTD(_ bytes: [UInt8]) -> Bool {
        let doctype = Array("DOCTYPE".utf8)
        let entity = Array("ENTITY".utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            var offset = 0
            while offset < buffer.count {
                guard let found = memchr(base + offset, Int32(UInt8(ascii: "<")), buffer.count - offset) else { return false }
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if index + 1 < buffer.count && buffer[index + 1] == UInt8(ascii: "!") {
                    let rest = buffer[(index + 2)...]
                    if rest.starts(with: doctype) || rest.starts(with: entity) { return true }
                }
                offset = index + 1
            }
            return false
        }
    }
}
