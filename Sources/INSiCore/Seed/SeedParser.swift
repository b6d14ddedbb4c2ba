import Foundation

/// A byte-level reader of the seed format, for bases of a million identities: it decodes
/// records straight from the bytes (no `JSONDecoder`, no intermediate JSON tree, no whole-file
/// copy) into the same `IdentityRecord` and `VitaleCardRecord` values, and reports wrong types
/// the way `JSONDecoder` did. Unknown keys are skipped, `null` is an absent field.
final class SeedParser {
    private let reader: SeedByteReader

    init(reader: SeedByteReader) {
        self.reader = reader
    }

    // MARK: The document

    /// The header and the cards; identities are handed to `identity` one by one, in file order.
    struct Document {
        var format: String?
        var version: Int?
        var cards: [VitaleCardRecord]?
    }

    func document(identity: (IdentityRecord) throws(SeedParseError) -> Void) throws(SeedParseError) -> Document {
        var document = Document()
        guard let first = try reader.peekNonWhitespace() else { throw .syntax("the file is empty") }
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "t") || first == UInt8(ascii: "f")
                || first == UInt8(ascii: "n") || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
                try skipValue()
                try expectEnd()
                throw .mismatch(path: [], expected: "an object")
            }
            throw unexpected(first)
        }
        try object(Keys.document) { (key) throws(SeedParseError) in
            switch key {
            case 0: document.format = try optionalString()
            case 1: document.version = try optionalInt()
            case 2:
                guard try !isNull() else { return }
                try array { (_) throws(SeedParseError) in
                    guard try !isNull() else { throw .mismatch(path: [], expected: "an object") }
                    try identity(identityRecord())
                }
            default:
                guard try !isNull() else { return }
                var cards: [VitaleCardRecord] = []
                try array { (_) throws(SeedParseError) in
                    guard try !isNull() else { throw .mismatch(path: [], expected: "an object") }
                    cards.append(try cardRecord())
                }
                document.cards = cards
            }
        }
        try expectEnd()
        return document
    }

    private enum Keys {
        static let document = KeySet(["format", "version", "identities", "vitaleCards"])
        static let identity = KeySet(["note", "birthName", "firstNames", "sex", "birthDate", "birthPlace", "ins", "history", "keyCheck"])
        static let ins = KeySet(["matricule", "key", "oid", "dateStart", "dateEnd"])
        static let card = KeySet(["note", "ouvrantDroit", "beneficiaries"])
        static let beneficiary = KeySet(["matricule", "birthDate", "rank"])
    }

    // MARK: Records

    private func identityRecord() throws(SeedParseError) -> IdentityRecord {
        var record = IdentityRecord()
        try object(Keys.identity) { (key) throws(SeedParseError) in
            switch key {
            case 0: record.note = try optionalString()
            case 1: record.birthName = try optionalString()
            case 2: record.firstNames = try optionalStrings()
            case 3: record.sex = try optionalString()
            case 4: record.birthDate = try optionalString()
            case 5: record.birthPlace = try optionalString()
            case 6: record.ins = try isNull() ? nil : insRecord()
            case 7:
                guard try !isNull() else { record.history = nil; return }
                var history: [INSRecord] = []
                try array { (_) throws(SeedParseError) in
                    guard try !isNull() else { throw .mismatch(path: [], expected: "an object") }
                    history.append(try insRecord())
                }
                record.history = history
            default: record.keyCheck = try optionalBool()
            }
        }
        return record
    }

    private func insRecord() throws(SeedParseError) -> INSRecord {
        var record = INSRecord()
        try object(Keys.ins) { (key) throws(SeedParseError) in
            switch key {
            case 0: record.matricule = try optionalString()
            case 1: record.key = try optionalString()
            case 2: record.oid = try optionalString()
            case 3: record.dateStart = try optionalString()
            default: record.dateEnd = try optionalString()
            }
        }
        return record
    }

    private func cardRecord() throws(SeedParseError) -> VitaleCardRecord {
        var record = VitaleCardRecord()
        try object(Keys.card) { (key) throws(SeedParseError) in
            switch key {
            case 0: record.note = try optionalString()
            case 1: record.ouvrantDroit = try isNull() ? nil : insRecord()
            default:
                guard try !isNull() else { record.beneficiaries = nil; return }
                var list: [VitaleCardRecord.BeneficiaryRecord] = []
                try array { (_) throws(SeedParseError) in
                    guard try !isNull() else { throw .mismatch(path: [], expected: "an object") }
                    var beneficiary = VitaleCardRecord.BeneficiaryRecord()
                    try object(Keys.beneficiary) { (key) throws(SeedParseError) in
                        switch key {
                        case 0: beneficiary.matricule = try optionalString()
                        case 1: beneficiary.birthDate = try optionalString()
                        default: beneficiary.rank = try optionalInt()
                        }
                    }
                    list.append(beneficiary)
                }
                record.beneficiaries = list
            }
        }
        return record
    }

    // MARK: Containers

    /// Known keys of an object, compared as bytes so that no key becomes a String.
    struct KeySet {
        let keys: [[UInt8]]
        let names: [String]
        init(_ names: [String]) {
            self.names = names
            keys = names.map { Array($0.utf8) }
        }
        func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            for (index, key) in keys.enumerated() where key.count == bytes.count {
                // Keys are a few bytes: a plain loop beats a call to memcmp.
                var same = true
                for position in 0..<key.count where key[position] != bytes[position] {
                    same = false
                    break
                }
                if same { return index }
            }
            return nil
        }
    }

    /// Reads an object; `member` reads the value of each known key (by its index in `keys`);
    /// other keys are skipped. Type errors come out with the key in their path.
    private func object(_ keys: KeySet, member: (Int) throws(SeedParseError) -> Void) throws(SeedParseError) {
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
            let key = try keyIndex(keys)
            guard let colon = try reader.peekNonWhitespace() else { throw endOfFile() }
            guard colon == UInt8(ascii: ":") else { throw unexpected(colon) }
            reader.advance()
            switch key {
            case .known(let index):
                guard seen & (1 << index) == 0 else {
                    throw .syntax("the key \"\(keys.names[index])\" appears twice in one object at \(reader.location)")
                }
                seen |= 1 << index
                do {
                    try member(index)
                } catch {
                    throw error.within(.key(keys.names[index]))
                }
            case .other:
                try skipValue()
            }
            guard let next = try reader.peekNonWhitespace() else { throw endOfFile() }
            reader.advance()
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw unexpected(next) }
        }
    }

    /// Reads a list; `element` reads each value (given its index).
    private func array(element: (Int) throws(SeedParseError) -> Void) throws(SeedParseError) {
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

    private enum Key {
        case known(Int)
        case other
    }

    private func keyIndex(_ keys: KeySet) throws(SeedParseError) -> Key {
        guard let quote = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard quote == UInt8(ascii: "\"") else { throw unexpected(quote) }
        if let (start, stop, ascii) = try plainString() {
            let bytes = reader.bytes(from: start, to: stop)
            let index = keys.index(of: bytes)
            // Known keys are ASCII; any other key is checked as a string value would be, so that
            // the file is refused as JSON whatever key holds the bad byte.
            if index == nil && !ascii && String(validating: bytes, as: UTF8.self) == nil {
                throw .syntax("a key is not valid UTF-8 at \(reader.location)")
            }
            reader.advance(by: stop + 1 - reader.position)
            return index.map(Key.known) ?? .other
        }
        let text = try escapedString()
        var bytes = Array(text.utf8)
        let index = bytes.withUnsafeMutableBufferPointer { keys.index(of: UnsafeBufferPointer($0)) }
        return index.map(Key.known) ?? .other
    }

    // MARK: Values

    /// True (and consumed) when the next value is `null`.
    private func isNull() throws(SeedParseError) -> Bool {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        guard byte == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private func optionalString() throws(SeedParseError) -> String? {
        guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
        if byte == UInt8(ascii: "\"") { return try string() }
        if byte == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        throw try wrongType(expected: "a string")
    }

    private func optionalStrings() throws(SeedParseError) -> [String]? {
        guard try !isNull() else { return nil }
        var list: [String] = []
        try array { (_) throws(SeedParseError) in
            guard let byte = try reader.peekNonWhitespace() else { throw endOfFile() }
            guard byte == UInt8(ascii: "\"") else { throw try wrongType(expected: "a string") }
            list.append(try string())
        }
        return list
    }

    private func optionalBool() throws(SeedParseError) -> Bool? {
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

    private func optionalInt() throws(SeedParseError) -> Int? {
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
                        guard let digit = SeedParser.hexValue(hex) else { throw .syntax("an invalid \\u escape at \(reader.location)") }
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

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
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
        guard SeedParser.isJSONNumber(text) else { throw .syntax("'\(text)' is not a number at \(reader.location)") }
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
    private func skipValue() throws(SeedParseError) {
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

    private func expectEnd() throws(SeedParseError) {
        if let extra = try reader.peekNonWhitespace() { throw unexpected(extra) }
    }

    private func endOfFile() -> SeedParseError {
        .syntax("unexpected end of the file at \(reader.location)")
    }

    private func unexpected(_ byte: UInt8) -> SeedParseError {
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return .syntax("unexpected character \(shown) at \(reader.location)")
    }
}
