/// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5), checked the same way in the
/// header section and in a chunked body's trailer section (§7.1.2).
enum FieldLine {
    /// Checks the line `bytes[start..<end]` (its CRLF excluded) and returns where its name and
    /// value are, the value without surrounding whitespace.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) -> Result<(name: Range<Int>, value: Range<Int>), HTTPServerError> {
        guard start < end else { return .failure(.malformedRequest("empty header field line")) }
        let first = bytes[start]
        if first == ASCII.space || first == ASCII.tab {
            // RFC 9112 §5.2: obs-fold may be rejected with 400.
            return .failure(.malformedRequest("obsolete header line folding"))
        }
        var colon = start
        while colon < end && ASCII.isTokenChar(bytes[colon]) { colon += 1 }
        // RFC 9112 §5.1: no whitespace is allowed between the field name and the colon.
        guard colon > start, colon < end, bytes[colon] == ASCII.colon else {
            return .failure(.malformedRequest("invalid header field name"))
        }
        var valueStart = colon + 1
        var valueEnd = end
        while valueStart < valueEnd && ASCII.isWhitespace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && ASCII.isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        for position in valueStart..<valueEnd where !isValueByte(bytes[position]) {
            return .failure(.malformedRequest("invalid character in header field value"))
        }
        return .success((start..<colon, valueStart..<valueEnd))
    }

    /// RFC 9110 §5.5: CR, LF and NUL (and the other controls but HTAB) are never valid in a value.
    @inline(__always)
    static func isValueByte(_ byte: UInt8) -> Bool {
        (byte >= 0x20 || byte == ASCII.tab) && byte != 0x7F
    }
}
