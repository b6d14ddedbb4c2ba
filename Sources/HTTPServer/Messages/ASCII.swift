/// Byte-level helpers for the ASCII parts of HTTP (names, tokens, numbers).
enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Against a literal: its bytes read in place, where a `String`'s view is iterated step by step.
    static func equalsIgnoringCase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: StaticString) -> Bool {
        equalsIgnoringCase(lhs, UnsafeBufferPointer(start: rhs.utf8Start, count: rhs.utf8CodeUnitCount))
    }

    static func equalsIgnoringCase<L: Collection, R: Collection>(_ lhs: L, _ rhs: R) -> Bool
    where L.Element == UInt8, R.Element == UInt8 {
        guard lhs.count == rhs.count else { return false }
        var r = rhs.makeIterator()
        for l in lhs {
            guard let rb = r.next(), lowercased(l) == lowercased(rb) else { return false }
        }
        return true
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    static func trimmingWhitespace<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence where C.Element == UInt8 {
        var slice = bytes[...]
        while let first = slice.first, isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    /// tchar from RFC 9110 §5.6.2: the characters allowed in methods and field names (digits,
    /// letters and ``!#$%&'*+-.^_`|~``), one bit per byte value below 128. Constants rather than
    /// a table built once: reading a `static let` table checked its one-time initialisation on
    /// every header field.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        switch byte {
        case 0..<64: return (low >> UInt64(byte)) & 1 == 1
        case 64..<128: return (high >> UInt64(byte - 64)) & 1 == 1
        default: return false
        }
    }

    /// Appends the decimal digits of a non-negative integer (0 for a negative one) without
    /// going through String.
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        withDecimalDigits(value) { buffer.append(contentsOf: $0) }
    }

    /// Calls `body` with the decimal digits of a non-negative integer (0 for a negative one),
    /// written on the stack.
    static func withDecimalDigits<Result>(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        // 19 digits at most (`Int.max`).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = max(value, 0)
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0 && start > 0
            return body(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
