/// Escaping of text and attribute values for the XML we write.
public enum XMLEscaping {
    /// Escapes element content: `&`, `<`, `>`, quotes, and CR as `&#13;` (a parser turns a literal
    /// CR into LF, so the reader would see another text). Characters XML 1.0 cannot carry at all
    /// (most C0 controls) are replaced by U+FFFD rather than producing a document the client
    /// cannot parse.
    public static func escape(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    /// Escapes an attribute value: as `escape`, and TAB and LF as character references too, since
    /// attribute-value normalisation (XML 1.0 §3.3.3) would turn them into spaces.
    public static func escapeAttribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var needsWork = false
        for byte in text.utf8 where byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0x0D
            || (byte < 0x20 && (inAttribute || (byte != 0x09 && byte != 0x0A))) {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\t": if inAttribute { out += "&#9;" } else { out.unicodeScalars.append(scalar) }
            case "\n": if inAttribute { out += "&#10;" } else { out.unicodeScalars.append(scalar) }
            default:
                if scalar.value < 0x20 { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
