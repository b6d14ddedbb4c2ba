#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading parameters of a `Content-Type` header value (RFC 9110 §8.3.1), on bytes: it runs
/// for every call.
public enum ContentType {
    /// The media type, lower case, without parameters (`application/soap+xml`).
    public static func mediaType(_ header: String) -> String {
        let bytes = Array(header.utf8)
        let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
        return String(decoding: trim(bytes[0..<end]), as: UTF8.self).lowercased()
    }

    /// A parameter's value, unquoted (backslash escapes honoured); names are case-insensitive.
    public static func parameter(_ name: String, in header: String) -> String? {
        var header = header
        return header.withUTF8 { bytes in
            guard let found = locate(name, in: bytes) else { return nil }
            return found.escaped ? unescaped(found.value) : String(decoding: found.value, as: UTF8.self)
        }
    }

    /// A parameter looked for once and compared with the value expected (``parameter(_:in:comparedWith:)``).
    public enum Comparison: Equatable, Sendable {
        /// No parameter of that name.
        case absent
        /// The parameter holds the expected value, byte for byte: no string is made of it.
        case sameBytes
        /// Another value, as ``parameter(_:in:)`` reads it. It may still equal the expected one
        /// as a `String`, whose equality is canonical equivalence (a KELVIN SIGN equals a `K`).
        case other(String)
    }

    /// The parameter `name` compared with `value` in one pass (the `action` of every call): the
    /// usual match costs no string.
    public static func parameter(_ name: String, in header: String, comparedWith value: String) -> Comparison {
        var header = header
        var value = value
        return header.withUTF8 { bytes in
            guard let found = locate(name, in: bytes) else { return .absent }
            let text = found.escaped ? unescaped(found.value) : nil
            let same = value.withUTF8 { wanted in
                if let text { return text.utf8.elementsEqual(wanted) }
                guard wanted.count == found.value.count, let left = wanted.baseAddress, let right = found.value.baseAddress else {
                    return wanted.isEmpty && found.value.isEmpty
                }
                return memcmp(left, right, wanted.count) == 0
            }
            return same ? .sameBytes : .other(text ?? String(decoding: found.value, as: UTF8.self))
        }
    }

    /// The value of the first parameter `name`: its bytes between the quotes, if quoted (still
    /// escaped when `escaped`), else trimmed.
    private static func locate(_ name: String, in bytes: UnsafeBufferPointer<UInt8>)
        -> (value: UnsafeBufferPointer<UInt8>, escaped: Bool)? {
        var name = name
        return name.withUTF8 { wanted in
            guard var index = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
            while index < bytes.count {
                index += 1  // past ';'
                while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
                let nameStart = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "=") && bytes[index] != UInt8(ascii: ";") { index += 1 }
                let key = trim(bytes[nameStart..<index])
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
                var matches = key.count == wanted.count
                if matches {
                    for (offset, byte) in key.enumerated() where lowered(byte) != lowered(wanted[offset]) {
                        matches = false
                        break
                    }
                }
                if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                    index += 1
                    let start = index
                    var escaped = false
                    // The usual value, with no backslash, found with memchr (the loop below cost
                    // about nine instructions a byte, on an action's 63 to 66).
                    if let base = bytes.baseAddress, let quote = memchr(base + index, 0x22, bytes.count - index),
                       memchr(base + index, 0x5C, UnsafeRawPointer(quote) - UnsafeRawPointer(base + index)) == nil {
                        index += UnsafeRawPointer(quote) - UnsafeRawPointer(base + index)
                    }
                    while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                        if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count {
                            escaped = true
                            index += 1
                        }
                        index += 1
                    }
                    let quoted = UnsafeBufferPointer(rebasing: bytes[start..<min(index, bytes.count)])
                    while index < bytes.count && bytes[index] != UInt8(ascii: ";") { index += 1 }
                    if matches { return (quoted, escaped) }
                } else {
                    let start = index
                    while index < bytes.count && bytes[index] != UInt8(ascii: ";") { index += 1 }
                    if matches { return (UnsafeBufferPointer(rebasing: trim(UnsafeBufferPointer(rebasing: bytes[start..<index]))), false) }
                }
            }
            return nil
        }
    }

    /// A quoted-string's content with its backslash escapes removed (RFC 9110 §5.6.4).
    private static func unescaped(_ quoted: UnsafeBufferPointer<UInt8>) -> String {
        var value: [UInt8] = []
        value.reserveCapacity(quoted.count)
        var index = 0
        while index < quoted.count {
            if quoted[index] == UInt8(ascii: "\\") && index + 1 < quoted.count { index += 1 }
            value.append(quoted[index])
            index += 1
        }
        return String(decoding: value, as: UTF8.self)
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func trim<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var slice = bytes[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}
