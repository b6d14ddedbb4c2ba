/// Escaping of text and attribute values for the XML we write.
///
/// Only what XML requires is escaped, as the real service does: `&`, `<`, `>` everywhere, and in
/// an attribute the `"` that delimits it. Apostrophes stay raw (`L'accès…`): some INSi clients
/// read answers with regular expressions on the raw text and compare whole answers as strings.
public enum XMLEscaping {
    /// Where the escaped text goes.
    public enum Context: Sendable {
        /// Element content.
        case text
        /// An attribute value delimited by `"`.
        case attribute
    }

    /// Escapes `text` for `context`. Characters XML 1.0 cannot carry at all (most C0 controls,
    /// U+FFFE, U+FFFF) are replaced by U+FFFD rather than producing a document the client cannot parse.
    public static func escape(_ text: String, for context: Context = .text) -> String {
        // A native string's bytes read as a buffer: its view, iterated, checks at every byte how
        // the string is stored (an answer escapes every value it writes).
        let plain = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: { needsWork($0, context) }) }
            ?? !text.utf8.contains(where: { needsWork($0, context) })
        guard !plain else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where context == .attribute: out += "&quot;"
            // A parser turns a literal CR into LF, so the reader would see another text; in an
            // attribute, value normalisation (XML 1.0 §3.3.3) turns TAB and LF into spaces.
            case "\r": out += "&#13;"
            case "\t" where context == .attribute: out += "&#9;"
            case "\n" where context == .attribute: out += "&#10;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 §2.2: Char excludes the C0 controls but TAB, LF, CR, and U+FFFE, U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func needsWork(_ byte: UInt8, _ context: Context) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"): return true
        case UInt8(ascii: "\""): return context == .attribute
        case 0x0D: return true
        case 0x09, 0x0A: return context == .attribute
        // The lead byte of U+F000...U+FFFF, among which U+FFFE and U+FFFF: looked at closely.
        case 0xEF: return true
        default: return byte < 0x20
        }
    }
}
