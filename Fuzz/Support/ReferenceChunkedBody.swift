/// A second reading of a chunked body (RFC 9112 §7.1), written from the grammar and not from
/// `ChunkedBodyDecoder`: whole-buffer, line by line, no state carried between calls. The
/// harnesses hold the server's incremental decoder to what this one says of the same bytes.
public enum ReferenceChunkedBody {
    /// How much of the chunk-ext and trailer grammar is checked.
    public enum Syntax: Sendable {
        /// What the framing needs and the server promises today: `chunk-size` in hex, lines ended
        /// by CRLF, data then CRLF; after the size, optional white space then `;` and any bytes
        /// but LF; trailer lines of any bytes but LF.
        case framing
        /// RFC 9112 in full: chunk-ext as `*( BWS ";" BWS token [ BWS "=" BWS ( token /
        /// quoted-string ) ] )`, trailer lines as field lines (RFC 9110 §5).
        case rfc9112
    }

    public struct Limits: Sendable {
        public var maxBodyBytes: Int
        /// Longest size line, extensions included, CRLF excluded.
        public var maxChunkLineBytes: Int
        /// Largest trailer section, each field line counted with its CRLF, the final CRLF not.
        public var maxTrailerBytes: Int

        public init(maxBodyBytes: Int, maxChunkLineBytes: Int, maxTrailerBytes: Int) {
            self.maxBodyBytes = maxBodyBytes
            self.maxChunkLineBytes = maxChunkLineBytes
            self.maxTrailerBytes = maxTrailerBytes
        }
    }

    public enum Outcome: Equatable, CustomStringConvertible {
        /// The body is complete: its data, and the length of the chunked encoding (final CRLF included).
        case complete(body: [UInt8], length: Int)
        /// Every byte is a valid prefix and no limit is certain to be exceeded: more is needed.
        case incomplete(body: [UInt8])
        /// No continuation can make it valid. `limit` when a size limit is what is exceeded;
        /// `decidable` when the bytes that show it are complete (a decoder must not wait then).
        case invalid(reason: String, limit: Bool, decidable: Bool)

        public var description: String {
            switch self {
            case .complete(let body, let length): "complete(\(body.count) body bytes, length \(length))"
            case .incomplete(let body): "incomplete(\(body.count) body bytes so far)"
            case .invalid(let reason, let limit, let decidable):
                "invalid(\(reason)\(limit ? ", limit" : "")\(decidable ? "" : ", on an unfinished line"))"
            }
        }
    }

    static let cr: UInt8 = 0x0D
    static let newline: UInt8 = 0x0A

    public static func read(_ bytes: ArraySlice<UInt8>, syntax: Syntax, limits: Limits) -> Outcome {
        let bytes = Array(bytes)
        let count = bytes.count
        var index = 0
        var body: [UInt8] = []

        func firstLF(from start: Int) -> Int? {
            var position = start
            while position < count {
                if bytes[position] == newline { return position }
                position += 1
            }
            return nil
        }

        // *chunk last-chunk
        while true {
            guard let lf = firstLF(from: index) else {
                var length = count - index
                if length > 0 && bytes[count - 1] == cr { length -= 1 }
                if length > limits.maxChunkLineBytes {
                    return .invalid(reason: "size line too long", limit: true, decidable: false)
                }
                return .incomplete(body: body)
            }
            guard lf > index, bytes[lf - 1] == cr else {
                return .invalid(reason: "size line not ended by CRLF", limit: false, decidable: true)
            }
            let line = bytes[index..<(lf - 1)]
            guard line.count <= limits.maxChunkLineBytes else {
                return .invalid(reason: "size line too long", limit: true, decidable: true)
            }
            var position = line.startIndex
            var size = 0
            while position < line.endIndex, let digit = hexDigit(line[position]) {
                size = size > limits.maxBodyBytes ? size : size * 16 + digit
                position += 1
            }
            guard position > line.startIndex else {
                return .invalid(reason: "no chunk-size digit", limit: false, decidable: true)
            }
            guard isValidExtension(line[position...], syntax: syntax) else {
                return .invalid(reason: "invalid chunk-ext", limit: false, decidable: true)
            }
            index = lf + 1
            if size == 0 { break }
            guard size <= limits.maxBodyBytes - body.count else {
                return .invalid(reason: "body too large", limit: true, decidable: true)
            }
            if count - index < size {
                body.append(contentsOf: bytes[index...])
                return .incomplete(body: body)
            }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size
            if count - index < 2 {
                if count - index == 1 && bytes[index] != cr {
                    return .invalid(reason: "chunk data not followed by CRLF", limit: false, decidable: false)
                }
                return .incomplete(body: body)
            }
            guard bytes[index] == cr, bytes[index + 1] == newline else {
                return .invalid(reason: "chunk data not followed by CRLF", limit: false, decidable: true)
            }
            index += 2
        }

        // trailer-section CRLF
        var trailerBytes = 0
        while true {
            guard let lf = firstLF(from: index) else {
                let tail = bytes[index...]
                if tail.isEmpty || (tail.count == 1 && tail.first == cr) { return .incomplete(body: body) }
                let shortest = trailerBytes + tail.count + (tail.last == cr ? 1 : 2)
                if shortest > limits.maxTrailerBytes {
                    return .invalid(reason: "trailer section too large", limit: true, decidable: false)
                }
                return .incomplete(body: body)
            }
            guard lf > index, bytes[lf - 1] == cr else {
                return .invalid(reason: "trailer line not ended by CRLF", limit: false, decidable: true)
            }
            if lf == index + 1 { return .complete(body: body, length: lf + 1) }
            trailerBytes += lf + 1 - index
            guard trailerBytes <= limits.maxTrailerBytes else {
                return .invalid(reason: "trailer section too large", limit: true, decidable: true)
            }
            if syntax == .rfc9112 && !isFieldLine(bytes[index..<(lf - 1)]) {
                return .invalid(reason: "invalid trailer field line", limit: false, decidable: true)
            }
            index = lf + 1
        }
    }

    // MARK: Grammar

    static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    static func isBWS(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// tchar (RFC 9110 §5.6.2).
    public static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// What may follow the size digits on a size line.
    static func isValidExtension(_ rest: ArraySlice<UInt8>, syntax: Syntax) -> Bool {
        var index = rest.startIndex
        let end = rest.endIndex
        switch syntax {
        case .framing:
            while index < end && isBWS(rest[index]) { index += 1 }
            return index == end || rest[index] == 0x3B
        case .rfc9112:
            func skipBWS() { while index < end && isBWS(rest[index]) { index += 1 } }
            func token() -> Bool {
                let start = index
                while index < end && isTokenChar(rest[index]) { index += 1 }
                return index > start
            }
            func quotedString() -> Bool {
                index += 1
                while index < end {
                    let byte = rest[index]
                    if byte == 0x22 { index += 1; return true }
                    if byte == 0x5C {
                        index += 1
                        guard index < end, isFieldVisible(rest[index]) || isBWS(rest[index]) else { return false }
                    } else if !(isBWS(byte) || (isFieldVisible(byte) && byte != 0x22)) {
                        return false
                    }
                    index += 1
                }
                return false
            }
            while true {
                if index == end { return true }
                skipBWS()
                guard index < end, rest[index] == 0x3B else { return false }
                index += 1
                skipBWS()
                guard token() else { return false }
                let beforeValue = index
                skipBWS()
                if index < end && rest[index] == 0x3D {
                    index += 1
                    skipBWS()
                    if index < end && rest[index] == 0x22 {
                        guard quotedString() else { return false }
                    } else {
                        guard token() else { return false }
                    }
                } else {
                    index = beforeValue
                }
            }
        }
    }

    /// VCHAR or obs-text.
    static func isFieldVisible(_ byte: UInt8) -> Bool { (byte >= 0x21 && byte <= 0x7E) || byte >= 0x80 }

    /// field-line = field-name ":" OWS field-value OWS, with no CTL in the value (RFC 9112 §5).
    public static func isFieldLine(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        while index < line.endIndex && isTokenChar(line[index]) { index += 1 }
        guard index > line.startIndex, index < line.endIndex, line[index] == 0x3A else { return false }
        return line[(index + 1)...].allSatisfy { isFieldVisible($0) || isBWS($0) }
    }
}
