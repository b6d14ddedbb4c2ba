/// A birth place code (INSEE Code Officiel Géographique): a commune in France (5 characters,
/// `2A`/`2B` for Corsica) or a country for people born abroad (`99xxx`). Not a postal code.
public struct COG: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    /// Parses a COG (upper-cased); nil when it is not 5 digits or `2A`/`2B` followed by 3 digits.
    public init?(_ text: String) {
        let upper = text.utf8.contains(where: { $0 >= UInt8(ascii: "a") }) ? text.uppercased() : text
        // Read on the string's own bytes: a copy into an array was an allocation per search.
        let bytes = upper.utf8
        guard bytes.count == 5 else { return nil }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let first = bytes[bytes.startIndex]
        let second = bytes[bytes.index(after: bytes.startIndex)]
        let corsica = first == UInt8(ascii: "2") && (second == UInt8(ascii: "A") || second == UInt8(ascii: "B"))
        guard (isDigit(first) && isDigit(second)) || corsica else { return nil }
        guard bytes.dropFirst(2).allSatisfy(isDigit) else { return nil }
        code = upper
    }

    /// True for a country code (`99xxx`): born abroad.
    public var isAbroad: Bool { code.hasPrefix("99") }

    public var description: String { code }
}
