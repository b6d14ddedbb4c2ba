import Glibc

/// Decodes a chunked body (RFC 9112 §7.1) incrementally.
///
/// Chunk extensions are ignored and trailer fields are read and discarded (§7.1.1, §7.1.2): the
/// application never needs them here, and merging trailers into the headers is unsafe.
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
        case trailer(seen: Int)
    }

    private var state = State.size

    /// Decodes from `input`, appending chunk data to `body`; `consumed` is set to the bytes used.
    mutating func decode(
        _ input: UnsafeBufferPointer<UInt8>,
        into body: inout [UInt8],
        limits: HTTPParserLimits,
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
                // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): skipped.
                while position < lineEnd && ASCII.isWhitespace(input[position]) { position += 1 }
                guard position == lineEnd || input[position] == UInt8(ascii: ";") else {
                    return .failure(.malformedRequest("invalid chunk size"))
                }
                index = lf + 1
                if size == 0 {
                    state = .trailer(seen: 0)
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
            case .trailer(let seen):
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
                if total > limits.maxHeaderBytes {
                    return .failure(.headersTooLarge)
                }
                index = lf + 1
                state = .trailer(seen: total)
            }
        }
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
