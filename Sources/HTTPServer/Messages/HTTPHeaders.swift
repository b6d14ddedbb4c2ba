/// An ordered list of header fields with case-insensitive name lookup (RFC 9110 §5.1).
///
/// Field order and the original spelling of names are kept, so what a handler adds is what goes
/// on the wire.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Element = (name: String, value: String)

    var fields: [Element]

    /// Creates headers from `(name, value)` pairs, keeping their order.
    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Headers of one field.
    public init(_ name: String, _ value: String) {
        fields = [(name: name, value: value)]
    }

    init(reservingCapacity capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    /// Number of fields (a name present twice counts twice).
    public var count: Int { fields.count }

    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of the field `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.namesEqual(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of the field `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { HTTPHeaders.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// Appends a field, keeping any existing field with the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field called `name` with a single one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    /// Removes every field called `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { HTTPHeaders.namesEqual($0.name, name) }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPHeaders.namesEqual($0.name, name) }
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// True when some field `name` holds `token` in its comma-separated list, ignoring case
    /// (the list syntax of RFC 9110 §5.6.1, used by Connection and Expect).
    func containsToken(_ token: String, in name: String) -> Bool {
        fields.contains { HTTPHeaders.namesEqual($0.name, name) && HTTPHeaders.list($0.value, contains: token) }
    }

    /// True when the comma-separated `value` has a member equal to `token`, ignoring case.
    static func list(_ value: String, contains token: String) -> Bool {
        value.utf8.split(separator: UInt8(ascii: ",")).contains {
            ASCII.equalsIgnoringCase(ASCII.trimmingWhitespace($0), token.utf8)
        }
    }

    /// Field names are ASCII tokens, so comparing UTF-8 bytes with ASCII case folding is exact
    /// and avoids allocating lowercased copies on every lookup.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        // Native and small strings read as buffers: their views, iterated, cost about 500
        // instructions a lookup (two or three lookups a call).
        let inPlace = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { ASCII.equalsIgnoringCase(leftBytes, $0) }
        }
        if let inPlace = inPlace ?? nil { return inPlace }
        return ASCII.equalsIgnoringCase(left, right)
    }
}

extension HTTPHeaders: Equatable {
    /// Equal when the same fields appear in the same order; names compare case-insensitively.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        for (l, r) in zip(lhs.fields, rhs.fields) where !namesEqual(l.name, r.name) || l.value != r.value {
            return false
        }
        return true
    }
}
