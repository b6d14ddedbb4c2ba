import Foundation

/// The bytes of a seed file for `SeedParser`: read from a file descriptor in 1 MiB chunks (a
/// million-identity base never sits whole in memory) or taken from memory. Keeps the line and
/// column of the current position for syntax messages.
final class SeedByteReader {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Next byte to read, in `buffer`.
    private(set) var position = 0
    /// End of the valid bytes in `buffer`.
    private(set) var end = 0
    /// -1 when every byte is already in the buffer.
    private let fileDescriptor: Int32
    private var atEndOfInput: Bool
    /// Bytes dropped from the front of the buffer so far.
    private var discarded = 0
    private var line = 1
    private var lineStart = 0
    /// Size of the input, for progress (0 when unknown).
    let totalBytes: Int

    static let chunkSize = 1 << 20

    /// Reads from an open file; the caller closes it.
    init(fileDescriptor: Int32, totalBytes: Int) {
        self.fileDescriptor = fileDescriptor
        self.totalBytes = totalBytes
        capacity = SeedByteReader.chunkSize
        buffer = .allocate(capacity: capacity)
        atEndOfInput = false
    }

    /// Reads from memory (a copy: the buffer is ours to scan without Data's bounds checks).
    init(data: Data) {
        fileDescriptor = -1
        totalBytes = data.count
        capacity = max(data.count, 1)
        buffer = .allocate(capacity: capacity)
        data.copyBytes(to: buffer, count: data.count)
        end = data.count
        atEndOfInput = true
    }

    deinit { buffer.deallocate() }

    /// Bytes consumed from the start of the input.
    var offset: Int { discarded + position }

    /// Where the reader is, for messages: `line 3, column 14`.
    var location: String { "line \(line), column \(offset - lineStart + 1)" }

    @inline(__always) func byte(at index: Int) -> UInt8 { buffer[index] }

    /// Moves the unread bytes to the front and reads more. False when the input is exhausted.
    /// Indexes into the buffer taken before the call are shifted by the old `position`.
    func refill() throws(SeedParseError) -> Bool {
        if atEndOfInput { return false }
        let kept = end - position
        if position > 0 {
            buffer.update(from: buffer + position, count: kept)
            discarded += position
            position = 0
            end = kept
        }
        if end == capacity {
            // A single token longer than the buffer: grow it.
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        while true {
            let count = read(fileDescriptor, buffer + end, capacity - end)
            if count > 0 {
                end += count
                return true
            }
            if count == 0 {
                atEndOfInput = true
                return false
            }
            if errno == EINTR { continue }
            throw .syntax("the file could not be read: \(String(cString: strerror(errno)))")
        }
    }

    /// The next byte that is not white space, not consumed; nil at the end of the input.
    @inline(__always) func peekNonWhitespace() throws(SeedParseError) -> UInt8? {
        while true {
            if position == end {
                guard try refill() else { return nil }
            }
            let byte = buffer[position]
            switch byte {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = offset
            default:
                return byte
            }
        }
    }

    /// Consumes one byte (already peeked).
    @inline(__always) func advance() { position += 1 }

    /// Consumes `count` bytes starting at the current position (already checked).
    @inline(__always) func advance(by count: Int) { position += count }

    /// Makes sure `count` bytes from the current position are in the buffer.
    func ensure(_ count: Int) throws(SeedParseError) -> Bool {
        while end - position < count {
            guard try refill() else { return false }
        }
        return true
    }

    /// The bytes between two buffer indexes, as a pointer valid until the next refill.
    @inline(__always) func bytes(from start: Int, to stop: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer + start, count: stop - start)
    }
}
