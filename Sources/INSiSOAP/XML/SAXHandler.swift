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
    /// Text bytes kept so far by each open element (leading white space is not counted).
    @exclusivity(unchecked) private var textBytes: [Int] = []
    /// ``PlainXMLScanner``'s working memory (its tables and its copy of the document), kept
    /// with the handler: a pooled reader scans in memory the last call left warm, and a scan
    /// allocates nothing. Nil until a scan asks for it; never holds a document after its scan
    /// (the scanner zeroes its copy).
    @exclusivity(unchecked) private var scanRoomStart: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private(set) var scanRoomBytes = 0

    init(limits: XMLSafetyLimits) {
        self.limits = limits
        textBytes.reserveCapacity(16)
    }

    deinit {
        scanRoomStart?.deallocate()
    }

    /// The scanner's working memory, at least `byteCount` bytes: grown if needed, to no less
    /// than 8 KiB (a request and the scanner's tables fit at once).
    func scanRoom(byteCount: Int) -> UnsafeMutableRawPointer {
        if let start = scanRoomStart, scanRoomBytes >= byteCount { return start }
        scanRoomStart?.deallocate()
        let capacity = max(byteCount, 8 * 1024)
        let start = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
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

    /// Nesting depth of the element being read (1 for the root).
    var depth: Int { textBytes.count }

    /// Readies a used handler for another document, as a new one with `limits` would be; the
    /// storage it grew is kept (see ``INSiRequestEventReader/Pool``). Only a subclass that
    /// resets its own state too, and calls this, may be reused: ``INSiRequestEventReader`` is;
    /// the tree builder of ``SAXTreeReader`` is made anew for each document.
    func reset(limits: XMLSafetyLimits) {
        self.limits = limits
        context = nil
        failure = nil
        elements = 0
        if !textBytes.isEmpty { textBytes.removeAll(keepingCapacity: true) }
    }

    /// Sets the limits of a handler already reset (``reset(limits:)``) for its next document.
    func use(_ limits: XMLSafetyLimits) {
        self.limits = limits
    }

    /// Elements the open-element storage has room for without growing.
    var openRoom: Int { textBytes.capacity }

    /// Records the first failure and stops the parser.
    func fail(_ error: XMLReadError) {
        if failure == nil { failure = error }
        if let context { xmlStopParser(context) }
    }

    // MARK: For subclasses

    /// An element starts. `attributes` holds five pointers per attribute (local name, prefix,
    /// URI, value start, value end), as libxml2 gives them.
    func didStartElement(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                         attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int) {}

    /// The element opened last ends.
    func didEndElement() {}

    /// Character data directly inside the element opened last (never white space alone before
    /// any other text: indentation between elements is not part of a value).
    func didReceiveText(_ bytes: UnsafeBufferPointer<UInt8>) {}

    // MARK: Called by the C callbacks

    final func start(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                     attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int) {
        guard failure == nil else { return }
        elements += 1
        guard elements <= limits.maxElements else { return fail(.tooManyElements(limit: limits.maxElements)) }
        guard textBytes.count < limits.maxDepth else { return fail(.tooDeep(limit: limits.maxDepth)) }
        textBytes.append(0)
        didStartElement(localName: localName, uri: uri, attributes: attributes, attributeCount: attributeCount)
    }

    final func end() {
        guard failure == nil, !textBytes.isEmpty else { return }
        didEndElement()
        textBytes.removeLast()
    }

    final func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, let top = textBytes.indices.last else { return }
        if textBytes[top] == 0 && bytes.allSatisfy(\.isXMLSpace) { return }
        textBytes[top] += bytes.count
        guard textBytes[top] <= limits.maxTextBytes else { return fail(.textTooLong(limit: limits.maxTextBytes)) }
        didReceiveText(bytes)
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
