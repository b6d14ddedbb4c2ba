import Foundation

/// A pull parser of JSON over bytes, for files too big to decode whole (a seed of a million
/// identities): the caller asks for the value it expects next (an object with known keys, a
/// list, a string...), nothing becomes an intermediate tree, and only known keys' values become
/// Swift values. Wrong types are reported the way `JSONDecoder` reports them, with their path;
/// `null` is an absent value.
final class JSONPullParser {
    let reader: SeedByteReader

    init(reader: SeedByteReader) {
        self.reader = reader
    }

    /// The first byte of the document, skipping white space; nil for an empty input.
    func firstByte() throws(SeedParseError) -> UInt8? {
        try reader.peekNonWhitespace()
    }

    // MARK: Containers

    /// Reads an object whose known keys are the cases of `Key`; `member` reads the value of each
    /// known key, other keys are skipped. Type errors come out with the key in their path.
    func object<Key: JSONKey>(_: Key.Type, member: (Key) throws(SeedParseError) -> Void) throws(SeedParseError) {
        guard let open = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard open == UInt8(ascii: "{") else { throw try wrongType(expected: "an object") }
        reader.advance()
        guard let first = try reader.peekNonWhitespace() else { throw endOfFile() }
        if first == UInt8(ascii: "}") {
            reader.advance()
            return
        }
        // Known keys already read: a second one is refused rather than one of the two values
        // silently winning (JSONDecoder kept the first, this reader would keep the last).
        var seen: UInt32 = 0
        while true {
            let known: (key: Key, index: Int)? = try knownKey()
            guard let colon = try reader.peekNonWhitespace() else { throw endOfFile() }
            guard colon == UInt8(ascii: ":") else { throw unexpected(colon) }
            reader.advance()
            if let (key, index) = known {
                guard seen & (1 << index) == 0 else {
                    throw .syntax("the key \"\(key.rawValue)\" appears twice in one object at \(reader.location)")
                }
                seen |= 1 << index
                do {
                    try member(key)
                } catch {
                    throw error.within(.key(key.rawValue))
                }
            } else {
                try skipValue()
            }
            guard let next = try reader.peekNonWhitespace() else { throw endOfFile() }
            reader.advance()
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw unexpected(next) }
        }
    }

    /// Reads a list; `element` reads each value (given its index).
    func array(element: (Int) throws(SeedParseError) -> Void) throws(SeedParseError) {
        guard let open = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard open == UInt8(ascii: "[") else { throw try wrongType(expected: "a list") }
        reader.advance()
        guard let first = try reader.peekNonWhitespace() else { throw endOfFile() }
        if first == UInt8(ascii: "]") {
            reader.advance()
            return
        }
        var index = 0
        while true {
            do {
                try element(index)
            } catch {
                throw error.within(.index(index))
            }
            index += 1
            guard let next = try reader.peekNonWhitespace() else { throw endOfFile() }
            reader.advance()
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw unexpected(next) }
        }
    }

    /// The key the reader is on and its position among `Key`'s cases, if it is one of them;
    /// consumed either way.
    private func knownKey<Key: JSONKey>() throws(SeedParseError) -> (key: Key, index: Int)? {
        guard let quote = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard quote == UInt8(ascii: "\"") else { throw unexpected(quote) }
        if let (start, stop, ascii) = try plainString() {
            let bytes = reader.bytes(from: start, to: stop)
            let known = Key.matching(bytes)
            // Known keys are ASCII; any other key is checked as a string value would be, so that
            // the file is refused as JSON whatever key holds the bad byte.
            if known == nil && !ascii && String(validating: bytes, as: UTF8.self) == nil {
                throw .syntax("a key is not valid UTF-8 at \(reader.location)")
            }
            reader.advance(by: stop + 1 - reader.position)
            return known
        }
        let text = try escapedString()
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { Key.matching(UnsafeBufferPointer($0)) }
    }

    // MARK: Values

    /// True (and consumed) when the next value is `null`.
    func isNull() throws(SeedParseError) -> Bool {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard byte == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    func optionalString() throws(SeedParseError) -> String? {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        if byte == UInt8(ascii: "\"") { return try string() }
        if byte == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        throw try wrongType(expected: "a string")
    }

    func optionalStrings() throws(SeedParseError) -> [String]? {
        guard try !isNull() else { return nil }
        var list: [String] = []
        try array { (_) throws(SeedParseError) in
            guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
            guard byte == UInt8(ascii: "\"") else { throw try wrongType(expected: "a string") }
            list.append(try string())
        }
        return list
    }

    func optionalBool() throws(SeedParseError) -> Bool? {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        switch byte {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        default:
            throw try wrongType(expected: "true or false")
        }
    }

    func optionalInt() throws(SeedParseError) -> Int? {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        if byte == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        guard byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else {
            throw try wrongType(expected: "a whole number")
        }
        let text = try numberText()
        // 1, -3; also 2.0 or 1e2 when they are whole, as JSONDecoder accepts.
        if let value = Int(text) { return value }
        if let value = Double(text), value.rounded() == value, abs(value) < 9e15 { return Int(value) }
        throw .mismatch(path: [], expected: "a whole number")
    }

    /// A string value (the reader is on its opening quote).
    private func string() throws(SeedParseError) -> String {
        if let (start, stop, ascii) = try plainString() {
            let bytes = reader.bytes(from: start, to: stop)
            // ASCII needs no validation (and decoding it is the stdlib's fastest path); a generic
            // validation per string cost a sixth of the load of a million identities.
            let decoded = ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            guard let text = decoded else { throw .syntax("a string is not valid UTF-8 at \(reader.location)") }
            reader.advance(by: stop + 1 - reader.position)
            return text
        }
        return try escapedString()
    }

    /// The buffer range of a string without escapes (the reader stays on the opening quote, the
    /// closing quote is at `stop`) and whether it is all ASCII; nil when it holds a backslash.
    private func plainString() throws(SeedParseError) -> (Int, Int, Bool)? {
        var index = reader.position + 1
        var high: UInt8 = 0
        while true {
            if index == reader.end {
                let relative = index - reader.position
                guard try reader.refill() else { throw endOfFile() }
                index = reader.position + relative
                continue
            }
            let byte = reader.byte(at: index)
            if byte == UInt8(ascii: "\"") { return (reader.position + 1, index, high < 0x80) }
            if byte == UInt8(ascii: "\\") { return nil }
            if byte < 0x20 { throw .syntax("a control character is not allowed in a string at \(reader.location)") }
            high |= byte
            index += 1
        }
    }

    /// A string with escapes, decoded byte by byte (rare in a seed file).
    private func escapedString() throws(SeedParseError) -> String {
        reader.advance()  // the opening quote
        var bytes: [UInt8] = []
        var pendingHighSurrogate: UInt32?
        func nextByte() throws(SeedParseError) -> UInt8 {
            guard try reader.ensure(1) else { throw endOfFile() }
            let byte = reader.byte(at: reader.position)
            reader.advance()
            return byte
        }
        func append(scalar value: UInt32) throws(SeedParseError) {
            guard let scalar = Unicode.Scalar(value) else { throw .syntax("an invalid \\u escape at \(reader.location)") }
            bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        while true {
            let byte = try nextByte()
            if byte != UInt8(ascii: "\\") && pendingHighSurrogate != nil {
                throw .syntax("a lone surrogate \\u escape at \(reader.location)")
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw .syntax("a string is not valid UTF-8 at \(reader.location)")
                }
                return text
            case UInt8(ascii: "\\"):
                let escape = try nextByte()
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var value: UInt32 = 0
                    for _ in 0..<4 {
                        let hex = try nextByte()
                        guard let digit = hex.hexDigitValue else { throw .syntax("an invalid \\u escape at \(reader.location)") }
                        value = value << 4 | digit
                    }
                    if let high = pendingHighSurrogate {
                        guard (0xDC00...0xDFFF).contains(value) else { throw .syntax("a lone surrogate \\u escape at \(reader.location)") }
                        pendingHighSurrogate = nil
                        try append(scalar: 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
                    } else if (0xD800...0xDBFF).contains(value) {
                        pendingHighSurrogate = value
                    } else {
                        try append(scalar: value)
                    }
                default:
                    throw .syntax("an invalid escape \\\(Character(Unicode.Scalar(escape))) at \(reader.location)")
                }
            default:
                if byte < 0x20 { throw .syntax("a control character is not allowed in a string at \(reader.location)") }
                bytes.append(byte)
            }
        }
    }

    /// The text of a number, checked against the JSON grammar.
    private func numberText() throws(SeedParseError) -> String {
        var text = ""
        while true {
            guard try reader.ensure(1) else { break }
            let byte = reader.byte(at: reader.position)
            let isNumberByte = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            guard isNumberByte else { break }
            text.append(Character(Unicode.Scalar(byte)))
            reader.advance()
        }
        guard JSONPullParser.isJSONNumber(text) else { throw .syntax("'\(text)' is not a number at \(reader.location)") }
        return text
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    private func literal(_ word: StaticString) throws(SeedParseError) {
        let count = word.utf8CodeUnitCount
        guard try reader.ensure(count) else { throw endOfFile() }
        for index in 0..<count where reader.byte(at: reader.position + index) != word.utf8Start[index] {
            throw unexpected(reader.byte(at: reader.position))
        }
        reader.advance(by: count)
    }

    /// Skips any JSON value (an unknown key's), checking its syntax.
    func skipValue() throws(SeedParseError) {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        switch byte {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "{"):
            reader.advance()
            guard let first = try reader.peekNonWhitespace() else { throw endOfFile() }
            if first == UInt8(ascii: "}") {
                reader.advance()
                return
            }
            while true {
                guard let quote = try reader.peekNonWhitespace() else { throw endOfFile() }
                guard quote == UInt8(ascii: "\"") else { throw unexpected(quote) }
                _ = try string()
                guard let colon = try reader.peekNonWhitespace() else { throw endOfFile() }
                guard colon == UInt8(ascii: ":") else { throw unexpected(colon) }
                reader.advance()
                try skipValue()
                guard let next = try reader.peekNonWhitespace() else { throw endOfFile() }
                reader.advance()
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else { throw unexpected(next) }
            }
        case UInt8(ascii: "["):
            reader.advance()
            guard let first = try reader.peekNonWhitespace() else { throw endOfFile() }
            if first == UInt8(ascii: "]") {
                reader.advance()
                return
            }
            while true {
                try skipValue()
                guard let next = try reader.peekNonWhitespace() else { throw endOfFile() }
                reader.advance()
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else { throw unexpected(next) }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try numberText()
        default:
            throw unexpected(byte)
        }
    }

    /// A value of another type than expected: checked to be well-formed JSON first, so that
    /// a syntax error is reported as such.
    private func wrongType(expected: String) throws(SeedParseError) -> SeedParseError {
        try skipValue()
        return .mismatch(path: [], expected: expected)
    }

    func expectEnd() throws(SeedParseError) {
        if let extra = try reader.peekNonWhitespace() { throw unexpected(extra) }
    }

    private func endOfFile() -> SeedParseError {
        .syntax("unexpected end of the file at \(reader.location)")
    }

    func unexpected(_ byte: UInt8) -> SeedParseError {
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return .syntax("unexpected character \(shown) at \(reader.location)")
    }
}

/// The known keys of a JSON object, as an enum whose raw values are the keys. Keys are matched
/// as bytes, so that no key of the file becomes a String.
protocol JSONKey: RawRepresentable<String>, CaseIterable {
    /// The UTF-8 of every case's raw value, in `allCases` order; built once per type.
    static var utf8Keys: [(key: Self, bytes: [UInt8])] { get }
}

extension JSONKey {
    /// The case whose raw value is `bytes`, and its position in `utf8Keys`.
    static func matching(_ bytes: UnsafeBufferPointer<UInt8>) -> (key: Self, index: Int)? {
        for (index, (key, candidate)) in utf8Keys.enumerated() where candidate.count == bytes.count {
            // Keys are a few bytes: a plain loop beats a call to memcmp.
            var same = true
            for position in 0..<candidate.count where candidate[position] != bytes[position] {
                same = false
                break
            }
            if same { return (key, index) }
        }
        return nil
    }

    /// For `utf8Keys`: `static let utf8Keys = Self.makeUTF8Keys()`.
    static func makeUTF8Keys() -> [(key: Self, bytes: [UInt8])] {
        allCases.map { ($0, Array($0.rawValue.utf8)) }
    }
}
