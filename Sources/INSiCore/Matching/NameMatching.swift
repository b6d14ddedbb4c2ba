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
            return NameMatching.trimmed(name).uppercased()
        case .relaxed:
            return NameMatching.relaxedKey(name)
        }
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
