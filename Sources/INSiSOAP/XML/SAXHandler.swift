import CLibXML2

/// Receives the events of one libxml2 SAX2 parse (see ``SAXParser``) and builds what its
/// subclass needs: a whole tree (``SAXTreeReader``) or just the fields of an INSi request
/// (``INSiRequestEventReader``).
///
/// The safety limits are enforced here, before a subclass sees an event, so that every reader
/// refuses exactly the same documents. One instance serves one parse at a time, on one thread,
/// one callback at a time (a pooled reader goes from parse to parse through the pool's lock);
/// that is why the run-time exclusivity checks are switched off on its state (they were a third
/// of the tree builder's cost).
class SAXHandler {
    @exclusivity(unchecked) private(set) var limits: XMLSafetyLimits
    /// The parser driving this handler, to stop it at the first excess; set by ``SAXParser``.
    var context: xmlParserCtxtPtr?
    @exclusivity(unchecked) private(set) var failure: XMLReadError?
    @exclusivity(unchecked) private var elements = 0
    /// The open elements, innermost last: `depth` of the `levelRoom` levels at `levels`. Kept
    /// by hand rather than in arrays (here and in the subclass): an element's push and pop each
    /// checked two arrays' uniqueness and capacity, about 3% of a call's instructions.
    @exclusivity(unchecked) private var levels: UnsafeMutablePointer<Level>
    @exclusivity(unchecked) private var levelRoom = 16
    /// Nesting depth of the element being read (1 for the root).
    @exclusivity(unchecked) private(set) var depth = 0
    /// ``PlainXMLScanner``'s working memory (its tables and its copy of the document), kept
    /// with the handler: a pooled reader scans in memory the last call left warm, and a scan
    /// allocates nothing. Nil until a scan asks for it; never holds a document after its scan
    /// (the scanner zeroes its copy), and only the scanner's tables otherwise.
    @exclusivity(unchecked) private var scanRoomStart: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private(set) var scanRoomBytes = 0

    /// One open element.
    private struct Level {
        /// Text bytes it kept so far (leading white space is not counted).
        var textBytes: Int
        /// What ``didStartElement(localName:uri:attributes:attributeCount:parent:)`` made of it.
        var tag: UInt8
    }

    init(limits: XMLSafetyLimits) {
        self.limits = limits
        levels = .allocate(capacity: levelRoom)
    }

    deinit {
        scanRoomStart?.deallocate()
        levels.deallocate()
    }

    /// The scanner's working memory, at least `byteCount` bytes: grown if needed, to no less
    /// than 8 KiB (a request and the scanner's tables fit at once) and to twice what it was.
    /// Zeroed when allocated: never a byte of someone else's left in it.
    func scanRoom(byteCount: Int) -> UnsafeMutableRawPointer {
        #if FUZZING
        // Exactly the bytes asked for, the document's copy last: AddressSanitizer then catches a
        // read past the document, which a larger room reused would hide.
        let fits = scanRoomBytes == byteCount
        let capacity = byteCount
        #else
        let fits = scanRoomBytes >= byteCount
        let capacity = max(byteCount, 2 * scanRoomBytes, 8 * 1024)
        #endif
        if let start = scanRoomStart, fits { return start }
        scanRoomStart?.deallocate()
        let start = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        start.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        scanRoomStart = start
        scanRoomBytes = capacity
        return start
    }

    /// True when `needle` appears in the scan room (tests: no document stays in it).
    func scanRoomContains(_ needle: [UInt8]) -> Bool {
        guard let start = scanRoomStart, !needle.isEmpty else { return false }
        let room = UnsafeRawBufferPointer(start: start, count: scanRoomBytes)
        return room.indices.dropLast(needle.count - 1).contains { offset in needle.indices.allSatisfy { room[offset + $0] == needle[$0] } }
    }

    /// Readies a used handler for another document, as a new one with `limits` would be; the
    /// storage it grew is kept (see ``INSiRequestEventReader/Pool``). Only a subclass that
    /// resets its own state too, and calls this, may be reused: ``INSiRequestEventReader`` is;
    /// the tree builder of ``SAXTreeReader`` is made anew for each document.
    func reset(limits: XMLSafetyLimits) {
        self.limits = limits
        context = nil
        failure = nil
        elements = 0
        depth = 0
    }

    /// Sets the limits of a handler already reset (``reset(limits:)``) for its next document.
    func use(_ limits: XMLSafetyLimits) {
        self.limits = limits
    }

    /// Elements the open-element storage has room for without growing.
    var openRoom: Int { levelRoom }

    /// Records the first failure and stops the parser.
    func fail(_ error: XMLReadError) {
        if failure == nil { failure = error }
        if let context { xmlStopParser(context) }
    }

    // MARK: For subclasses

    /// An element starts. `attributes` holds five pointers per attribute (local name, prefix,
    /// URI, value start, value end), as libxml2 gives them; `parent` is the tag returned for the
    /// enclosing element, nil for the root. Returns the element's tag, a byte the handler keeps
    /// while it is open and gives back with its text, its end and its children.
    func didStartElement(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                         attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, parent: UInt8?) -> UInt8 { 0 }

    /// The element opened last, of tag `tag`, ends.
    func didEndElement(tag: UInt8) {}

    /// Character data directly inside the element opened last, of tag `tag` (never white space
    /// alone before any other text: indentation between elements is not part of a value).
    func didReceiveText(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) {}

    // MARK: Called by the C callbacks

    final func start(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                     attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int) {
        guard failure == nil else { return }
        elements += 1
        guard elements <= limits.maxElements else { return fail(.tooManyElements(limit: limits.maxElements)) }
        guard depth < limits.maxDepth else { return fail(.tooDeep(limit: limits.maxDepth)) }
        if depth == levelRoom { growLevels() }
        let parent = depth > 0 ? levels[depth - 1].tag : nil
        levels[depth] = Level(textBytes: 0, tag: 0)
        depth += 1
        let tag = didStartElement(localName: localName, uri: uri, attributes: attributes, attributeCount: attributeCount, parent: parent)
        levels[depth - 1].tag = tag
    }

    final func end() {
        guard failure == nil, depth > 0 else { return }
        didEndElement(tag: levels[depth - 1].tag)
        depth -= 1
    }

    final func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, depth > 0 else { return }
        let top = levels + (depth - 1)
        if top.pointee.textBytes == 0 && bytes.allSatisfy(\.isXMLSpace) { return }
        top.pointee.textBytes += bytes.count
        guard top.pointee.textBytes <= limits.maxTextBytes else { return fail(.textTooLong(limit: limits.maxTextBytes)) }
        didReceiveText(bytes, tag: top.pointee.tag)
    }

    /// Twice the room for open elements (bounded by the depth limit, checked before).
    private func growLevels() {
        let grown = UnsafeMutablePointer<Level>.allocate(capacity: 2 * levelRoom)
        grown.moveInitialize(from: levels, count: depth)
        levels.deallocate()
        levels = grown
        levelRoom *= 2
    }
}

extension UInt8 {
    /// XML white space (space, tab, LF, CR), the only bytes trimmed from values or skipped
    /// between elements.
    var isXMLSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}

extension String {
    /// Without surrounding XML white space (space, tab, CR, LF).
    func trimmingXMLSpace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last, first.isXMLSpace || last.isXMLSpace else { return self }
        guard let start = utf8.firstIndex(where: { !$0.isXMLSpace }), let end = utf8.lastIndex(where: { !$0.isXMLSpace }) else { return "" }
        return String(self[start...end])
    }

    /// A string from the bytes between two pointers (libxml2 attribute values).
    init(xmlBytesFrom start: UnsafePointer<xmlChar>, to end: UnsafePointer<xmlChar>) {
        self.init(decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
    }
}
