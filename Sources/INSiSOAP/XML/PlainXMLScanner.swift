import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the plain XML that SOAP stacks write, ahead of libxml2 on the request path, and
/// declines everything else.
///
/// It takes a document only when all of it lies in a subset it can judge exactly:
/// - an optional byte-order mark and XML declaration (version 1.0, UTF-8 or ASCII);
/// - ASCII names, and namespaces declared with one of the URIs in ``knownNamespaces``;
/// - attribute values without references, text with none but the five predefined entities,
///   no control character, `<` in a value or `]]>` in text, all in well-formed UTF-8 with no
///   character XML excludes;
/// - no comment, CDATA section, processing instruction or document type.
///
/// Within that subset it checks what libxml2 checks: tags nest and match, one root, attributes
/// unique, prefixes bound. It feeds a ``SAXHandler`` the events libxml2's SAX2 interface would,
/// with the same limits (``SafeXMLReader``'s byte screen included: the subset leaves out all it
/// refuses). On anything else it declines, and the caller reads the document again with
/// libxml2 from the start: a decline costs a second read, never a different answer. The fuzz
/// harness `fuzz-soap-request` holds the two to the same envelope parts on every document the
/// scanner takes.
///
/// Why it exists: on the benchmark's 1.5 KB request, libxml2's work per document (resetting its
/// context and input buffers, interning every name, parsing each namespace URI as a URI) was
/// about a fifth of a call's CPU, for documents whose every byte this scanner reads once.
enum PlainXMLScanner {
    /// Namespace URIs a document may declare and still be taken: the contract's, and the
    /// schema and utility namespaces SOAP stacks add. libxml2 accepts each as a URI; any other
    /// sends the document to libxml2, which parses it as one.
    static let knownNamespaces: [String] = [
        INSiNamespace.soap12, INSiNamespace.soap11, INSiNamespace.recSans, INSiNamespace.recVit, INSiNamespace.resultat,
        INSiNamespace.ctxlps, INSiNamespace.ctxbam, INSiNamespace.wsa, INSiNamespace.wsse, INSiNamespace.saml2,
        INSiNamespace.xmldsig, INSiNamespace.siram,
        "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/2001/XMLSchema",
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
    ]

    /// ``knownNamespaces`` as bytes, compared in place: through each string's UTF-8 view a
    /// declaration cost about 50 ns, 2.7% of a call for the seven of a usual request.
    fileprivate static let knownURIs = URITable(knownNamespaces)

    /// The predefined entities, the only references taken (in text).
    static let entities: [(StaticString, UInt8)] = [("&amp;", 0x26), ("&apos;", 0x27), ("&lt;", 0x3C), ("&gt;", 0x3E), ("&quot;", 0x22)]

    /// Fixed room, so that the tables fit in the handler's scan room beside the copy of the
    /// document, and a parse allocates nothing once the room is there: a document needing more
    /// is libxml2's.
    static let maxOpenElements = 64
    static let maxBindings = 32
    static let maxAttributes = 16
    /// Largest document and longest name taken: far below libxml2's own caps (names of 50,000
    /// bytes, values and texts of 10 MB, past which it refuses a document) and far above a
    /// request's (about 1.5 KB, names of a few dozen bytes), so that a refusal of libxml2's is
    /// never a document this scanner took.
    static let maxDocumentBytes = 1 << 20
    static let maxNameBytes = 1_024

    /// Feeds `handler` the events of `bytes`. True when the document was taken and read whole
    /// with no limit exceeded; false when it was declined, and then `handler` is spent.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into handler: SAXHandler) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty, bytes.count <= min(handler.limits.maxBytes, maxDocumentBytes) else {
            return false
        }
        // Names and URIs go to the handler NUL-terminated, as libxml2 hands them over: the
        // scanner reads a copy of the document and, once a start tag is read whole, writes a
        // NUL on the byte of markup that ends each of them (a space, `=`, `>`, `:` or a quote).
        // The copy and the fixed tables lie in the handler's scan room, which a pooled reader
        // keeps: no allocation per document (a `malloc` and a `posix_memalign`, and their frees,
        // were about 3% of a call), and memory the previous call left in the cache.
        let room = handler.scanRoom(byteCount: Room.copy + bytes.count)
        let copy = (room + Room.copy).bindMemory(to: UInt8.self, capacity: bytes.count)
        copy.initialize(from: base, count: bytes.count)
        // Zeroed once read, so that a handler waiting in its pool keeps no document.
        defer { copy.update(repeating: 0, count: bytes.count) }
        // Trivial values, each written before it is read; each region always holds one type.
        (room + Room.open).bindMemory(to: OpenElement.self, capacity: maxOpenElements)
        (room + Room.bindings).bindMemory(to: Binding.self, capacity: maxBindings)
        (room + Room.raw).bindMemory(to: RawAttribute.self, capacity: maxAttributes)
        (room + Room.pointers).bindMemory(to: UnsafePointer<xmlChar>?.self, capacity: 5 * maxAttributes)
        var cursor = Cursor(bytes: copy, count: bytes.count, handler: handler, room: room)
        return cursor.document() && handler.failure == nil
    }

    /// Where the scanner's tables lie in the handler's scan room, the copy of the document last.
    fileprivate enum Room {
        @inline(__always) static var open: Int { 0 }
        @inline(__always) static var bindings: Int { open + MemoryLayout<OpenElement>.stride * maxOpenElements }
        @inline(__always) static var raw: Int { bindings + MemoryLayout<Binding>.stride * maxBindings }
        @inline(__always) static var pointers: Int { raw + MemoryLayout<RawAttribute>.stride * maxAttributes }
        @inline(__always) static var copy: Int { pointers + MemoryLayout<UnsafePointer<xmlChar>?>.stride * 5 * maxAttributes }
    }

    fileprivate struct OpenElement {
        /// The element's qualified name, in the document.
        var name: Range<Int>
        /// Bindings in scope before the element's own declarations.
        var outerBindings: Int
    }

    fileprivate struct Binding {
        /// The prefix, in the document (empty for the default namespace).
        var prefix: Range<Int>
        /// The URI, NUL-terminated in the copy; nil for `xmlns=""` (no default namespace).
        var uri: UnsafePointer<xmlChar>?
    }

    fileprivate struct RawAttribute {
        var name: Range<Int>
        /// Index of the colon in `name`, or nil.
        var colon: Int?
        var value: Range<Int>
        /// For a namespace declaration, the prefix it binds (empty for `xmlns` itself); nil
        /// for any other attribute.
        var declares: Range<Int>?
    }

    /// What each byte can be, as bits (see ``ByteClass``): read once per byte of markup.
    fileprivate static let classes = ReadOnlyTable<UInt8>((0..<256).map { value in
        let byte = UInt8(value)
        var bits: UInt8 = 0
        let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
        if letter { bits |= ByteClass.nameStart }
        if letter || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E { bits |= ByteClass.nameCharacter }
        let special = byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "=")
        if special || byte == UInt8(ascii: ">") { bits |= ByteClass.textSpecial }
        if special || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { bits |= ByteClass.valueSpecial }
        if byte.isXMLSpace { bits |= ByteClass.space }
        return bits
    })

    /// Strings laid out as bytes, compared in place.
    fileprivate struct URITable: Sendable {
        /// The strings' bytes, one after the other.
        let bytes: ReadOnlyTable<UInt8>
        /// Each string's start in `bytes` and length.
        let spans: ReadOnlyTable<(start: Int, length: Int)>

        init(_ strings: [String]) {
            bytes = ReadOnlyTable(strings.flatMap(\.utf8))
            var start = 0
            spans = ReadOnlyTable(strings.map { string in
                defer { start += string.utf8.count }
                return (start, string.utf8.count)
            })
        }

        /// True when the `length` bytes at `candidate` spell one of the strings.
        func contains(_ candidate: UnsafePointer<UInt8>, length: Int) -> Bool {
            for index in 0..<spans.count where spans[index].length == length {
                if memcmp(candidate, bytes.base + spans[index].start, length) == 0 { return true }
            }
            return false
        }
    }
}

/// Bits of ``PlainXMLScanner/classes``.
private enum ByteClass {
    /// ASCII letters and `_`: the names taken start with one.
    static let nameStart: UInt8 = 1
    /// ASCII name characters other than `:`.
    static let nameCharacter: UInt8 = 2
    /// Bytes that end a run of plain text: `<`, `&`, `=`, `>`, controls, non-ASCII.
    static let textSpecial: UInt8 = 4
    /// Bytes that end a run of a plain attribute value: `<`, `&`, `=`, quotes, controls, non-ASCII.
    static let valueSpecial: UInt8 = 8
    static let space: UInt8 = 16
}

/// One pass over one document. Indexes are checked against `count` before every read: the
/// buffer is untrusted and may end anywhere.
///
/// Its size is bounded: at 136 bytes (one field more than its 128 of before), each call of a
/// method that does not mutate it copied it whole first (a `memcpy` per tag, 3% more
/// instructions a call). It is 96.
private struct Cursor {
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int
    let handler: SAXHandler
    let classes = PlainXMLScanner.classes.base
    /// The handler's scan room, which holds the tables below (one pointer rather than four
    /// buffers: see the size bound above).
    let room: UnsafeMutableRawPointer
    var index = 0
    var depth = 0
    var bindingCount = 0
    /// `=` signs met, bounded as ``SafeXMLReader/check(_:limits:)`` bounds them.
    var equals = 0
    /// The prefix looked up last and the index of its binding (consecutive elements mostly
    /// share a prefix); -1 when none, and again whenever the bindings change.
    var lastPrefix = 0..<0
    var lastBinding = -1

    @inline(__always) var open: UnsafeMutablePointer<PlainXMLScanner.OpenElement> {
        (room + PlainXMLScanner.Room.open).assumingMemoryBound(to: PlainXMLScanner.OpenElement.self)
    }
    @inline(__always) var bindings: UnsafeMutablePointer<PlainXMLScanner.Binding> {
        (room + PlainXMLScanner.Room.bindings).assumingMemoryBound(to: PlainXMLScanner.Binding.self)
    }
    @inline(__always) var raw: UnsafeMutablePointer<PlainXMLScanner.RawAttribute> {
        (room + PlainXMLScanner.Room.raw).assumingMemoryBound(to: PlainXMLScanner.RawAttribute.self)
    }
    /// Five pointers per attribute handed over, as libxml2 lays them out.
    @inline(__always) var pointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?> {
        (room + PlainXMLScanner.Room.pointers).assumingMemoryBound(to: UnsafePointer<xmlChar>?.self)
    }

    @inline(__always) func byte(_ at: Int) -> UInt8? { at < count ? bytes[at] : nil }

    @inline(__always) func isClass(_ at: Int, _ bits: UInt8) -> Bool { at < count && classes[Int(bytes[at])] & bits != 0 }

    mutating func document() -> Bool {
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
        if starts(with: "<?xml") {
            guard isClass(index + 5, ByteClass.space), declaration() else { return false }
        }
        skipSpace()
        guard byte(index) == UInt8(ascii: "<"), isClass(index + 1, ByteClass.nameStart) else { return false }
        var rootDone = false
        while index < count {
            if bytes[index] == UInt8(ascii: "<") {
                guard let next = byte(index + 1) else { return false }
                if next == UInt8(ascii: "/") {
                    guard depth > 0, endTag() else { return false }
                    if depth == 0 { rootDone = true }
                } else if !rootDone && classes[Int(next)] & ByteClass.nameStart != 0 {
                    guard startTag() else { return false }
                    if depth == 0 { rootDone = true }
                } else {
                    // `<!` (comment, CDATA, DOCTYPE), `<?`, a second root or a stray `<`.
                    return false
                }
                if handler.failure != nil { return false }
            } else {
                guard text() else { return false }
            }
        }
        return rootDone && equals <= 4 * handler.limits.maxElements
    }

    // MARK: Prolog

    /// `<?xml version="1.0" [encoding="UTF-8"] [standalone="yes"] ?>`, read as libxml2 reads it.
    mutating func declaration() -> Bool {
        index += 5
        guard skipSpace(), starts(with: "version"), let version = pseudoAttributeValue(length: 7),
              equalBytes(version, "1.0") else { return false }
        var seenEncoding = false
        var seenStandalone = false
        while true {
            let spaced = skipSpace()
            if starts(with: "?>") {
                index += 2
                return true
            }
            guard spaced else { return false }
            if !seenEncoding && !seenStandalone && starts(with: "encoding") {
                guard let value = pseudoAttributeValue(length: 8),
                      SafeXMLReader.encodings.contains(where: { equalBytesIgnoringCase(value, $0) }) else { return false }
                seenEncoding = true
            } else if !seenStandalone && starts(with: "standalone") {
                guard let value = pseudoAttributeValue(length: 10), equalBytes(value, "yes") || equalBytes(value, "no") else { return false }
                seenStandalone = true
            } else {
                return false
            }
        }
    }

    /// After a pseudo-attribute's name of `length` bytes: `= "value"`, the value's range.
    mutating func pseudoAttributeValue(length: Int) -> Range<Int>? {
        index += length
        guard let quote = openingQuote() else { return nil }
        let start = index
        var end = start
        while end < count && bytes[end] != quote {
            guard classes[Int(bytes[end])] & ByteClass.nameCharacter != 0 else { return nil }
            end += 1
        }
        guard end < count else { return nil }
        index = end + 1
        return start..<end
    }

    // MARK: Tags

    mutating func startTag() -> Bool {
        index += 1
        guard let (name, colon) = qualifiedName(), depth < PlainXMLScanner.maxOpenElements else { return false }
        var attributeCount = 0
        var selfClosing = false
        while true {
            let spaced = skipSpace()
            guard let next = byte(index) else { return false }
            if next == UInt8(ascii: ">") {
                index += 1
                break
            }
            if next == UInt8(ascii: "/") {
                guard byte(index + 1) == UInt8(ascii: ">") else { return false }
                index += 2
                selfClosing = true
                break
            }
            guard spaced, attributeCount < PlainXMLScanner.maxAttributes, let attribute = attribute() else { return false }
            raw[attributeCount] = attribute
            attributeCount += 1
        }
        let outerBindings = bindingCount
        guard declareNamespaces(attributeCount), let attributes = regularAttributes(attributeCount) else { return false }
        let uri: UnsafePointer<xmlChar>?
        if let colon {
            guard let bound = binding(of: name.lowerBound..<colon) else { return false }
            uri = bound.uri
        } else {
            // The default namespace, or none.
            uri = binding(of: name.lowerBound..<name.lowerBound)?.uri
        }
        // The tag is read whole: its markup can now end the names handed over.
        terminateNames(attributeCount)
        bytes[name.upperBound] = 0
        let local = UnsafePointer(bytes + (colon.map { $0 + 1 } ?? name.lowerBound))
        handler.start(localName: local, uri: uri, attributes: attributes > 0 ? pointers : nil, attributeCount: attributes)
        if selfClosing {
            handler.end()
            popBindings(to: outerBindings)
        } else {
            open[depth] = PlainXMLScanner.OpenElement(name: name, outerBindings: outerBindings)
            depth += 1
        }
        return true
    }

    mutating func endTag() -> Bool {
        index += 2
        let element = open[depth - 1]
        let length = element.name.count
        guard index + length <= count, equalRanges(index..<(index + length), element.name) else { return false }
        index += length
        // `</a:bc>` must not match an open `a:b`.
        if isClass(index, ByteClass.nameCharacter) || byte(index) == UInt8(ascii: ":") { return false }
        skipSpace()
        guard byte(index) == UInt8(ascii: ">") else { return false }
        index += 1
        handler.end()
        popBindings(to: element.outerBindings)
        depth -= 1
        return true
    }

    /// After an attribute's name: `=` and the opening quote, passed; the quote.
    mutating func openingQuote() -> UInt8? {
        skipSpace()
        guard byte(index) == UInt8(ascii: "=") else { return nil }
        equals += 1
        index += 1
        skipSpace()
        guard let quote = byte(index), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        index += 1
        return quote
    }

    /// `name = "value"`, the value checked.
    mutating func attribute() -> PlainXMLScanner.RawAttribute? {
        guard let (name, colon) = qualifiedName(), let quote = openingQuote() else { return nil }
        let start = index
        // A local position, as in `text()`.
        var position = index
        while true {
            guard position < count else { return nil }
            let byte = bytes[position]
            if classes[Int(byte)] & ByteClass.valueSpecial == 0 {
                position += 1
                continue
            }
            if byte == quote { break }
            if byte >= 0x80 {
                let length = utf8Length(at: position)
                guard length > 0 else { return nil }
                position += length
                continue
            }
            // The other quote is plain; white space other than the space is normalised by
            // libxml2; `&` starts a reference.
            guard byte >= 0x20, byte != UInt8(ascii: "<"), byte != UInt8(ascii: "&") else { return nil }
            if byte == UInt8(ascii: "=") { equals += 1 }
            position += 1
        }
        let value = start..<position
        index = position + 1
        var declares: Range<Int>?
        if let colon, equalBytes(name.lowerBound..<colon, "xmlns") {
            declares = (colon + 1)..<name.upperBound
        } else if colon == nil && equalBytes(name, "xmlns") {
            declares = name.lowerBound..<name.lowerBound
        }
        return PlainXMLScanner.RawAttribute(name: name, colon: colon, value: value, declares: declares)
    }

    /// Pushes the element's `xmlns` declarations; false on one outside the subset or a
    /// repeated attribute name.
    mutating func declareNamespaces(_ attributeCount: Int) -> Bool {
        for position in 0..<attributeCount {
            let attribute = raw[position]
            for earlier in 0..<position where equalRanges(raw[earlier].name, attribute.name) { return false }
            guard let prefix = attribute.declares else { continue }
            // `xml` and `xmlns` cannot be declared (or only to their fixed URIs); an empty URI
            // cannot be bound to a prefix.
            if !prefix.isEmpty {
                guard !equalBytes(prefix, "xml"), !equalBytes(prefix, "xmlns"), !attribute.value.isEmpty else { return false }
            }
            var uri: UnsafePointer<xmlChar>?
            if !attribute.value.isEmpty {
                guard PlainXMLScanner.knownURIs.contains(bytes + attribute.value.lowerBound, length: attribute.value.count) else { return false }
                uri = UnsafePointer(bytes + attribute.value.lowerBound)
            }
            guard bindingCount < PlainXMLScanner.maxBindings else { return false }
            bindings[bindingCount] = PlainXMLScanner.Binding(prefix: prefix, uri: uri)
            bindingCount += 1
            lastBinding = -1
        }
        return true
    }

    /// Lays the element's other attributes out as libxml2 does (local name, prefix, URI, value
    /// start, value end); their count, or nil when one is outside the subset.
    mutating func regularAttributes(_ attributeCount: Int) -> Int? {
        var kept = 0
        for position in 0..<attributeCount where raw[position].declares == nil {
            let attribute = raw[position]
            var local = attribute.name.lowerBound
            var prefix: UnsafePointer<xmlChar>?
            var uri: UnsafePointer<xmlChar>?
            if let colon = attribute.colon {
                let prefixRange = attribute.name.lowerBound..<colon
                // `xml:` attributes (bound without a declaration) are libxml2's.
                guard !equalBytes(prefixRange, "xml"), let bound = binding(of: prefixRange) else { return nil }
                // Two prefixes may name one namespace: `a:x` and `b:x` can be the same attribute.
                let localRange = (colon + 1)..<attribute.name.upperBound
                for other in 0..<attributeCount where other != position && raw[other].declares == nil {
                    if let otherColon = raw[other].colon, equalRanges((otherColon + 1)..<raw[other].name.upperBound, localRange) { return nil }
                }
                local = colon + 1
                prefix = UnsafePointer(bytes + prefixRange.lowerBound)
                uri = bound.uri
            }
            let base = kept * 5
            pointers[base] = UnsafePointer(bytes + local)
            pointers[base + 1] = prefix
            pointers[base + 2] = uri
            pointers[base + 3] = UnsafePointer(bytes + attribute.value.lowerBound)
            pointers[base + 4] = UnsafePointer(bytes + attribute.value.upperBound)
            kept += 1
        }
        return kept
    }

    /// Writes the NULs that end the names and URIs of the tag's attributes: after each name, at
    /// each prefix's colon, on the closing quote of each declared URI. Every one of those
    /// bytes is markup the scan has passed; the ranges kept (element names for their end tags,
    /// prefixes for lookups) hold none of them.
    func terminateNames(_ attributeCount: Int) {
        for position in 0..<attributeCount {
            let attribute = raw[position]
            bytes[attribute.name.upperBound] = 0
            if attribute.declares != nil {
                bytes[attribute.value.upperBound] = 0
            } else if let colon = attribute.colon {
                bytes[colon] = 0
            }
        }
    }

    /// The innermost binding of `prefix`, nil when it is unbound: an empty `prefix` finds the
    /// default namespace's.
    mutating func binding(of prefix: Range<Int>) -> PlainXMLScanner.Binding? {
        if lastBinding >= 0 && equalRanges(lastPrefix, prefix) { return bindings[lastBinding] }
        var position = bindingCount
        while position > 0 {
            position -= 1
            if equalRanges(bindings[position].prefix, prefix) {
                lastPrefix = prefix
                lastBinding = position
                return bindings[position]
            }
        }
        return nil
    }

    /// Drops the bindings of the element that ends.
    mutating func popBindings(to count: Int) {
        guard count != bindingCount else { return }
        bindingCount = count
        lastBinding = -1
    }

    /// `NCName` or `NCName:NCName`, ASCII only; the name's range and its colon.
    mutating func qualifiedName() -> (Range<Int>, Int?)? {
        // A local position, as in `text()`: names are most of a tag's bytes.
        let start = index
        var position = index
        guard isClass(position, ByteClass.nameStart) else { return nil }
        position += 1
        while isClass(position, ByteClass.nameCharacter) { position += 1 }
        var colon: Int?
        if position < count && bytes[position] == UInt8(ascii: ":") {
            guard isClass(position + 1, ByteClass.nameStart) else { return nil }
            colon = position
            position += 2
            while isClass(position, ByteClass.nameCharacter) { position += 1 }
        }
        // A name running into a byte outside the subset (a second colon, a non-ASCII letter),
        // or a very long one, is libxml2's to judge.
        if position < count && (bytes[position] >= 0x80 || bytes[position] == UInt8(ascii: ":")) { return nil }
        guard position - start <= PlainXMLScanner.maxNameBytes else { return nil }
        index = position
        return (start..<position, colon)
    }

    // MARK: Text

    /// Character data up to the next `<`; white space alone outside the root.
    mutating func text() -> Bool {
        let start = index
        // CR and references are rewritten once the run is known to be plain.
        var rewrite = false
        // The plain bytes in a loop on a local position, the others out of line: with them
        // inlined, the loop reloaded the entity table and stored the index at every byte.
        var scanned = index
        while scanned < count {
            if classes[Int(bytes[scanned])] & ByteClass.textSpecial == 0 {
                scanned += 1
                continue
            }
            if bytes[scanned] == UInt8(ascii: "<") { break }
            index = scanned
            guard textSpecialByte(rewrite: &rewrite) else { return false }
            scanned = index
        }
        index = scanned
        let run = UnsafeBufferPointer(start: bytes + start, count: index - start)
        guard depth > 0 else { return run.allSatisfy(\.isXMLSpace) }
        guard rewrite else {
            handler.text(run)
            return true
        }
        // The run reaches the handler as libxml2 hands it over: CR LF and a lone CR as LF, each
        // reference as its character. It is rewritten in place, in the scanner's own copy: it
        // only shrinks.
        //
        // libxml2 hands a run over in pieces (a reference alone, a line end alone) where this
        // is one piece. The handler skips pieces of white space before any other text, so its
        // text count can only be higher here (a limit met here and not by libxml2 declines, it
        // never accepts), and the value differs at most by leading white space, which is trimmed.
        var written = start
        var position = start
        while position < index {
            let byte = bytes[position]
            if byte == 0x0D {
                bytes[written] = 0x0A
                position += position + 1 < index && bytes[position + 1] == 0x0A ? 2 : 1
            } else if byte == UInt8(ascii: "&"), let reference = predefinedEntity(at: position) {
                bytes[written] = reference.character
                position += reference.length
            } else {
                bytes[written] = byte
                position += 1
            }
            written += 1
        }
        handler.text(UnsafeBufferPointer(start: bytes + start, count: written - start))
        return true
    }

    /// The byte at `index` in text, one that ends a plain run (but `<`): checked and passed
    /// (`index` moves past it); false when it is outside the subset.
    @inline(never)
    mutating func textSpecialByte(rewrite: inout Bool) -> Bool {
        let byte = bytes[index]
        if byte >= 0x80 {
            let length = utf8Length(at: index)
            guard length > 0 else { return false }
            index += length
            return true
        }
        if byte < 0x20 {
            guard byte == 0x0A || byte == 0x09 || byte == 0x0D else { return false }
            if byte == 0x0D { rewrite = true }
        } else if byte == UInt8(ascii: "&") {
            // The five predefined entities (`D&apos;ARC`); character references are libxml2's.
            guard let reference = predefinedEntity(at: index) else { return false }
            rewrite = true
            index += reference.length
            return true
        } else if byte == UInt8(ascii: "=") {
            equals += 1
        } else if byte == UInt8(ascii: ">") && index >= 2 && bytes[index - 1] == UInt8(ascii: "]") && bytes[index - 2] == UInt8(ascii: "]") {
            // `]]>` may not appear in text (the byte before a text run is a tag's `>`).
            return false
        }
        index += 1
        return true
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&apos;` or `&quot;` at `at`: the character and the length.
    func predefinedEntity(at: Int) -> (character: UInt8, length: Int)? {
        for (name, character) in PlainXMLScanner.entities {
            let length = name.utf8CodeUnitCount
            if at + length <= count && equal(bytes + at, name.utf8Start, length) { return (character, length) }
        }
        return nil
    }

    /// Length of the well-formed UTF-8 sequence of an XML character at `at`, or 0: overlong
    /// forms, surrogates, code points past U+10FFFF, U+FFFE and U+FFFF are refused.
    func utf8Length(at: Int) -> Int {
        let lead = bytes[at]
        @inline(__always) func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            guard let byte = byte(at + offset) else { return false }
            return byte >= low && byte <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard continuation(1, low, high), continuation(2) else { return 0 }
            if lead == 0xEF && bytes[at + 1] == 0xBF && bytes[at + 2] >= 0xBE { return 0 }
            return 3
        case 0xF0...0xF4:
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }

    // MARK: Bytes

    /// Skips XML white space; true when there was some.
    @discardableResult
    mutating func skipSpace() -> Bool {
        let start = index
        while isClass(index, ByteClass.space) { index += 1 }
        return index > start
    }

    func starts(with literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        return index + length <= count && equal(bytes + index, literal.utf8Start, length)
    }

    func equalBytes(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && equal(bytes + range.lowerBound, literal.utf8Start, range.count)
    }

    /// Against a lowercase constant string, ignoring the case of ASCII letters in the document:
    /// its UTF-8 is read in place (a literal's always is), as iterating `String.UTF8View` byte by
    /// byte cost more than the rest of the parse.
    func equalBytesIgnoringCase(_ range: Range<Int>, _ lowercase: String) -> Bool {
        // The length first: most candidates differ in it.
        guard range.count == lowercase.utf8.count else { return false }
        return lowercase.utf8.withContiguousStorageIfAvailable { utf8 in
            guard range.count == utf8.count, let base = utf8.baseAddress else { return range.isEmpty && utf8.isEmpty }
            for offset in 0..<range.count where bytes[range.lowerBound + offset].asciiLowercased != base[offset] { return false }
            return true
        } ?? false
    }

    func equalRanges(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
        left.count == right.count && equal(bytes + left.lowerBound, bytes + right.lowerBound, left.count)
    }

    /// Equality written out: the names compared are a few bytes long, shorter than the cost of
    /// a call to `memcmp`. Eight bytes at a time first: byte by byte, the end tags' names were
    /// the line of the scanner that ran most.
    @inline(__always) func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var offset = 0
        while offset + 8 <= length {
            guard UnsafeRawPointer(left + offset).loadUnaligned(as: UInt64.self)
                    == UnsafeRawPointer(right + offset).loadUnaligned(as: UInt64.self) else { return false }
            offset += 8
        }
        if offset + 4 <= length {
            guard UnsafeRawPointer(left + offset).loadUnaligned(as: UInt32.self)
                    == UnsafeRawPointer(right + offset).loadUnaligned(as: UInt32.self) else { return false }
            offset += 4
        }
        while offset < length {
            guard left[offset] == right[offset] else { return false }
            offset += 1
        }
        return true
    }
}

private extension UInt8 {
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self + 0x20 : self }
}
