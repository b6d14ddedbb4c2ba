import Glibc

/// Decodes a chunked body (RFC 9112 §7.1) incrementally.
///
/// Chunk extensions are checked against their grammar, then ignored; trailer fields are checked
/// like header fields, then discarded (§7.1.1, §7.1.2): the application never needs them here,
/// and merging trailers into the headers is unsafe. Checking both matters because a lenient
/// reader of either is a known request-smuggling vector (a bare CR or a NUL read differently by
/// two parties on the path).
struct ChunkedBodyDecoder {
    enum Result: Equatable {
        case needMoreData
        case done
        case failure(HTTPServerError)
    }

    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer(seen: Int, fields: Int)
    }

    private var state = State.size

    /// Decodes from `input`, appending chunk data to `body`; `consumed` is set to the bytes used.
    mutating func decode(
        _ input: UnsafeBufferPointer<UInt8>,
        into body: inout [UInt8],
        limits: HTTPServerConfiguration.Limits,
        consumed: inout Int
    ) -> Result {
        var index = 0
        defer { consumed = index }
        while true {
            switch state {
            case .size:
                // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                guard let lf = Self.lineFeed(in: input, from: index) else {
                    if Self.unfinishedLineBytes(input, from: index) > limits.maxChunkLineBytes {
                        return .failure(.malformedRequest("chunk-size line too long"))
                    }
                    return .needMoreData
                }
                guard lf - index <= limits.maxChunkLineBytes + 1 else {
                    return .failure(.malformedRequest("chunk-size line too long"))
                }
                guard lf > index, input[lf - 1] == ASCII.cr else {
                    return .failure(.malformedRequest("bad chunk-size line ending"))
                }
                let lineEnd = lf - 1
                var size = 0
                var digits = 0
                var position = index
                while position < lineEnd, let value = Self.hexValue(input[position]) {
                    guard size <= (Int.max >> 4) else {
                        return .failure(.bodyTooLarge(limit: limits.maxBodyBytes))
                    }
                    size = size << 4 | value
                    digits += 1
                    position += 1
                }
                guard digits > 0 else {
                    return .failure(.malformedRequest("invalid chunk size"))
                }
                guard position == lineEnd || input[position] == UInt8(ascii: ";") || ASCII.isWhitespace(input[position]) else {
                    return .failure(.malformedRequest("invalid chunk size"))
                }
                guard Self.isValidExtensionList(input, from: position, to: lineEnd) else {
                    return .failure(.malformedRequest("invalid chunk extension"))
                }
                index = lf + 1
                if size == 0 {
                    state = .trailer(seen: 0, fields: 0)
                } else {
                    guard size <= limits.maxBodyBytes - body.count else {
                        return .failure(.bodyTooLarge(limit: limits.maxBodyBytes))
                    }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let take = min(remaining, input.count - index)
                guard take > 0 else { return .needMoreData }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                if take == remaining {
                    state = .dataEnd
                } else {
                    state = .data(remaining: remaining - take)
                    return .needMoreData
                }
            case .dataEnd:
                guard input.count - index >= 2 else { return .needMoreData }
                guard input[index] == ASCII.cr, input[index + 1] == ASCII.lf else {
                    return .failure(.malformedRequest("missing CRLF after chunk data"))
                }
                index += 2
                state = .size
            case .trailer(let seen, let fields):
                // trailer-section = *( field-line CRLF ), then the final CRLF.
                guard let lf = Self.lineFeed(in: input, from: index) else {
                    if seen + Self.unfinishedLineBytes(input, from: index) > limits.maxHeaderBytes {
                        return .failure(.headersTooLarge)
                    }
                    return .needMoreData
                }
                guard lf > index, input[lf - 1] == ASCII.cr else {
                    return .failure(.malformedRequest("bad trailer line ending"))
                }
                if lf == index + 1 {
                    index = lf + 1
                    state = .size
                    return .done
                }
                let total = seen + lf + 1 - index
                if total > limits.maxHeaderBytes || fields >= limits.maxHeaderCount {
                    return .failure(.headersTooLarge)
                }
                if case .failure(let error) = FieldLine.parse(input, from: index, to: lf - 1) {
                    return .failure(error)
                }
                index = lf + 1
                state = .trailer(seen: total, fields: fields + 1)
            }
        }
    }

    /// `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )` with
    /// `chunk-ext-val = token / quoted-string` (RFC 9112 §7.1.1, RFC 9110 §5.6).
    static func isValidExtensionList(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var position = start
        func skipWhitespace() {
            while position < end && ASCII.isWhitespace(input[position]) { position += 1 }
        }
        func token() -> Bool {
            let first = position
            while position < end && ASCII.isTokenChar(input[position]) { position += 1 }
            return position > first
        }
        func quotedString() -> Bool {
            position += 1
            while position < end {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") { position += 1; return true }
                if byte == UInt8(ascii: "\\") {
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                    guard position + 1 < end, FieldLine.isValueByte(input[position + 1]) else { return false }
                    position += 2
                } else {
                    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                    guard FieldLine.isValueByte(byte) else { return false }
                    position += 1
                }
            }
            return false
        }
        // BWS only before ";" and around "=": white space that ends the line is refused, as the
        // grammar has no place for it.
        while position < end {
            skipWhitespace()
            guard position < end, input[position] == UInt8(ascii: ";") else { return false }
            position += 1
            skipWhitespace()
            guard token() else { return false }
            let afterName = position
            skipWhitespace()
            if position < end && input[position] == UInt8(ascii: "=") {
                position += 1
                skipWhitespace()
                if position < end && input[position] == UInt8(ascii: "\"") {
                    guard quotedString() else { return false }
                } else {
                    guard token() else { return false }
                }
            } else {
                position = afterName
            }
        }
        return true
    }

    private static func lineFeed(in input: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
        guard index < input.count, let base = input.baseAddress,
              let found = memchr(base + index, Int32(ASCII.lf), input.count - index) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Bytes of a line whose LF has not arrived yet. A CR last may be the first half of its CRLF
    /// and is not counted: otherwise a line at the limit would be refused or not depending on
    /// where the reads split it.
    private static func unfinishedLineBytes(_ input: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        let count = input.count - index
        return count > 0 && input[input.count - 1] == ASCII.cr ? count - 1 : count
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
