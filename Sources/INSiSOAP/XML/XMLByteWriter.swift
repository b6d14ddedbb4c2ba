/// Builds an XML document straight into bytes: answers are written for every call, and going
/// through `String` concatenation then a copy to bytes was a measurable part of a call.
///
/// The bytes gather in memory of its own and become an array once, at the end (``finish()``):
/// appended to an array piece by piece, each of a 00 answer's thirty or so pieces went through
/// the array's generic append (about 2,000 instructions an answer, against the one copy at the end).
/// Noncopyable, as it owns that memory.
struct XMLByteWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// The document written, as an array.
    consuming func finish() -> [UInt8] {
        Array(UnsafeBufferPointer(start: storage, count: count))
    }

    /// Markup written as is.
    mutating func raw(_ text: StaticString) {
        write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Text known to need no escaping (codes, dates, matricules, OIDs).
    mutating func plain(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    /// Text that may hold anything: escaped for element content and attribute values.
    mutating func escaped(_ text: String) {
        // `escape` hands back the same string, without a copy, when nothing needs escaping.
        plain(XMLEscaping.escape(text))
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if bytes.count > capacity - count { grow(toHold: count + bytes.count) }
        (storage + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    /// At least twice the room (a long escaped value).
    private mutating func grow(toHold needed: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, 2 * capacity))
        grown.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = max(needed, 2 * capacity)
    }
}
