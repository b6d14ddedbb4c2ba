/// Builds an XML document straight into bytes: answers are written for every call, and going
/// through `String` concatenation then a copy to bytes was a measurable part of a call.
struct XMLByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Markup written as is.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text known to need no escaping (codes, dates, matricules, OIDs).
    mutating func plain(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Text that may hold anything: escaped for element content and attribute values.
    mutating func escaped(_ text: String) {
        // `escape` hands back the same string, without a copy, when nothing needs escaping.
        bytes.append(contentsOf: XMLEscaping.escape(text).utf8)
    }
}
