/// A 13-character INS matricule: a NIR (social security number) or a NIA (waiting number).
///
/// Layout: sex digit, year (2), month (2), department (2: digits, or `2A`/`2B` for Corsica),
/// commune (3), order (3). The value is stored upper-cased; validity of the syntax is guaranteed
/// by the failable initialiser, the key is a separate concern (see ``key``).
public struct Matricule: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 13 characters, upper case.
    public let value: String

    /// Parses a matricule, or explains what is wrong with it.
    public static func parse(_ text: String) -> Result<Matricule, MatriculeSyntaxError> {
        let upper = text.uppercased()
        let bytes = Array(upper.utf8)
        guard bytes.count == 13 else { return .failure(.length(bytes.count)) }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 6:
                // The department's second character: a digit, or A/B after a 2 (Corsica).
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                let isCorsica = (byte == UInt8(ascii: "A") || byte == UInt8(ascii: "B")) && bytes[5] == UInt8(ascii: "2")
                guard isDigit || isCorsica else { return .failure(.character(position: index + 1)) }
            default:
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                    return .failure(.character(position: index + 1))
                }
            }
        }
        return .success(Matricule(validated: upper))
    }

    /// Parses a matricule; nil when its syntax is wrong.
    public init?(_ text: String) {
        guard case .success(let matricule) = Matricule.parse(text) else { return nil }
        self = matricule
    }

    private init(validated: String) { value = validated }

    /// The key: 97 - (n mod 97), n being the 13 digits after `2A` -> `19` and `2B` -> `18`.
    public var key: String {
        var remainder = 0
        let bytes = Array(value.utf8)
        for (index, byte) in bytes.enumerated() {
            var digit: Int
            if index == 6 && byte == UInt8(ascii: "A") {
                digit = 9
            } else if index == 6 && byte == UInt8(ascii: "B") {
                digit = 8
            } else {
                digit = Int(byte - UInt8(ascii: "0"))
            }
            // Corsica replaces the whole department: 2A -> 19, 2B -> 18, so the 6th character becomes 1.
            if index == 5 && (bytes[6] == UInt8(ascii: "A") || bytes[6] == UInt8(ascii: "B")) {
                digit = 1
            }
            remainder = (remainder * 10 + digit) % 97
        }
        let key = 97 - remainder
        return key < 10 ? "0\(key)" : "\(key)"
    }

    /// True when `key` is the right key for this matricule.
    public func isValidKey(_ key: String) -> Bool { key == self.key }

    /// The department of birth (`2A`, `2B`, `99` abroad, ...).
    public var department: Substring { value.dropFirst(5).prefix(2) }

    public var description: String { value }

    public static func < (lhs: Matricule, rhs: Matricule) -> Bool { lhs.value < rhs.value }
}

/// Why a text is not a matricule.
public enum MatriculeSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    case length(Int)
    case character(position: Int)

    public var description: String {
        switch self {
        case .length(let count): return "a matricule has 13 characters, not \(count)"
        case .character(let position):
            return "character \(position) of the matricule is not allowed (digits only, 2A/2B for Corsica)"
        }
    }
}

/// A key as written on the wire: exactly two digits.
public enum MatriculeKey {
    /// True when `text` is two ASCII digits.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 2 && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
