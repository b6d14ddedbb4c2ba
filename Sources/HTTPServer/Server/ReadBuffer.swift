/// Bytes received on one connection and not yet consumed by the parser.
///
/// The storage is reused from request to request: compaction moves the unconsumed tail to the
/// front instead of allocating, and the array only grows up to the configured maximum.
struct ReadBuffer {
    private var storage: [UInt8] = []
    private var readIndex = 0
    private var writeIndex = 0

    var readableCount: Int { writeIndex - readIndex }
    var isEmpty: Bool { readIndex == writeIndex }
    var capacity: Int { storage.count }

    /// Makes room for at least `minimum` more bytes when `maxCapacity` allows it, and returns
    /// the free space now available at the end.
    mutating func reserveFreeSpace(_ minimum: Int, maxCapacity: Int) -> Int {
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
        if storage.count - writeIndex >= minimum { return storage.count - writeIndex }
        if readIndex > 0 {
            let count = writeIndex - readIndex
            storage.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                (base).update(from: base + readIndex, count: count)
            }
            readIndex = 0
            writeIndex = count
        }
        let needed = writeIndex + minimum
        if storage.count < needed && storage.count < maxCapacity {
            var newCapacity = max(storage.count * 2, 4096)
            while newCapacity < needed { newCapacity *= 2 }
            newCapacity = max(min(newCapacity, maxCapacity), storage.count)
            storage.appendZeros(newCapacity - storage.count)
        }
        return storage.count - writeIndex
    }

    /// Receives from `socket` into the free space (call `reserveFreeSpace` first).
    /// Returns the byte count (0 at end of stream).
    mutating func receive(from socket: Socket) -> Result<Int, SocketError> {
        let start = writeIndex
        let result = storage.withUnsafeMutableBytes { raw in
            Result { () throws(SocketError) -> Int in
                try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
            }
        }
        if case .success(let count) = result {
            writeIndex += count
        }
        return result
    }

    /// Receives plaintext from a TLS session into the free space (call `reserveFreeSpace` first).
    mutating func receive(from tls: TLSSession, socket: Socket, scratch: UnsafeMutableRawBufferPointer) -> TLSSession.ReadOutcome {
        let start = writeIndex
        let outcome = storage.withUnsafeMutableBytes { raw in
            tls.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...]), socket: socket, scratch: scratch)
        }
        if case .bytes(let count) = outcome {
            writeIndex += count
        }
        return outcome
    }

    /// Appends bytes (used by tests and to replay data).
    mutating func append(_ bytes: [UInt8]) {
        _ = reserveFreeSpace(bytes.count, maxCapacity: Int.max)
        storage.replaceSubrange(writeIndex..<(writeIndex + bytes.count), with: bytes)
        writeIndex += bytes.count
    }

    func withReadableBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        storage.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[readIndex..<writeIndex]))
        }
    }

    mutating func consume(_ count: Int) {
        readIndex = min(readIndex + count, writeIndex)
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    /// Gives memory back after an unusually large request, once nothing is buffered.
    mutating func shrink(above limit: Int) {
        if isEmpty && storage.count > limit {
            storage = []
            readIndex = 0
            writeIndex = 0
        }
    }

    mutating func removeAll() {
        storage = []
        readIndex = 0
        writeIndex = 0
    }
}
