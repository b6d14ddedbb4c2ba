/// A fixed block of memory log lines are formatted into. It never grows: a line that does not
/// fit is rolled back and reported, so memory stays bounded whatever the output does.
///
/// Not thread-safe by itself: `@unchecked` because a `LogSink` touches each buffer only under
/// one of its two locks (the one being filled under `state`, the one being written under `writer`).
final class LogBuffer: @unchecked Sendable {
    let capacity: Int
    private let storage: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    /// Complete lines held.
    private(set) var lines = 0
    /// Where the line being written starts, and whether it ran past the capacity.
    private var lineStart = 0
    private var overflowed = false

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    func removeAll() {
        count = 0
        lines = 0
        lineStart = 0
        overflowed = false
    }

    // MARK: Lines

    func beginLine() {
        lineStart = count
        overflowed = false
    }

    /// Ends the line begun last: true when it fit, else it is removed and false returned.
    func endLine() -> Bool {
        guard !overflowed else {
            count = lineStart
            overflowed = false
            return false
        }
        lines += 1
        return true
    }

    // MARK: Writing

    @inline(__always)
    func append(_ byte: UInt8) {
        guard count < capacity else { overflowed = true; return }
        storage[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard bytes.count <= capacity - count else { overflowed = true; return }
        (storage + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    func append(_ text: String) {
        // Read in place (native and small strings), not copied first to be made contiguous.
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) != nil { return }
        var text = text
        text.withUTF8 { append($0) }
    }

    func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `text` as the inside of a JSON string: `"`, `\` and control characters escaped.
    func appendJSONEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
                case 0x0A: append(UInt8(ascii: "n"))
                case 0x0D: append(UInt8(ascii: "r"))
                case 0x09: append(UInt8(ascii: "t"))
                default:
                    append("u00" as StaticString)
                    append(Self.hexDigit(byte >> 4))
                    append(Self.hexDigit(byte & 0x0F))
                }
                runStart = index + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
