import Foundation

/// How birth names and first names are compared.
///
/// `strict` is what INSi does since its latest version: a hyphen where the reference has a
/// space gives 01. ANS said the rule may be relaxed; `relaxed` lets editors test that future.
public enum NameMatching: String, Sendable, CaseIterable, Codable {
    /// Identical after upper-casing: hyphen, space, apostrophe, double hyphen and diacritics count.
    case strict
    /// Hyphen, double hyphen, space and apostrophe are one separator; diacritics are folded.
    case relaxed

    /// The comparison key of a name under this rule. Two names match when their keys are equal.
    public func key(_ name: String) -> String {
        switch self {
        case .strict:
            // Fast path for what nearly every request holds: an upper-case ASCII name without
            // surrounding spaces is its own key (no allocation).
            if NameMatching.isCanonicalASCII(name) { return name }
            return NameMatching.trimmed(name).uppercased()
        case .relaxed:
            return NameMatching.relaxedKey(name)
        }
    }

    static func isCanonicalASCII(_ name: String) -> Bool {
        // A native string's bytes read as a buffer: its view, iterated, checks at every byte how
        // the string is stored.
        name.utf8.withContiguousStorageIfAvailable(isCanonicalASCII) ?? isCanonicalASCII(name.utf8)
    }

    private static func isCanonicalASCII<Bytes: Collection<UInt8>>(_ name: Bytes) -> Bool {
        var result = true
        var last: UInt8 = 0
        for (index, byte) in name.enumerated() {
            let allowed = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "'") || (byte == UInt8(ascii: " ") && index > 0)
            if !allowed { result = false; break }
            last = byte
        }
        return result && last != UInt8(ascii: " ") && !name.isEmpty
    }

    static func trimmed(_ name: String) -> Substring {
        var slice = Substring(name)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }

    /// Upper case, diacritics removed, every run of separators (hyphens, apostrophes,
    /// white space) turned into one space.
    static func relaxedKey(_ name: String) -> String {
        let upper = name.uppercased()
        var out = String.UnicodeScalarView()
        var pendingSeparator = false
        for scalar in upper.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue  // the accent of a decomposed letter
            default:
                break
            }
            if separators.contains(scalar) || scalar.properties.isWhitespace {
                pendingSeparator = true
                continue
            }
            if pendingSeparator && !out.isEmpty { out.append(" ") }
            pendingSeparator = false
            out.append(scalar)
        }
        return String(out)
    }

    private static let separators: Set<Unicode.Scalar> = ["-", "'", "\u{2019}", "\u{2010}", "\u{2011}", "\u{00B4}", "`"]
}
