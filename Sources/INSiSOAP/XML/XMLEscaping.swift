/// Escaping of text and attribute values for the XML we write.
public enum XMLEscaping {
    /// Escapes `&`, `<`, `>`, and quotes (so the result is safe in attributes too). Characters
    /// XML 1.0 cannot carry at all (most C0 controls) are replaced by U+FFFD rather than
    /// producing a document the client cannot parse.
    public static func escape(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) {
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
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
