import Glibc

extension Array where Element == UInt8 {
    /// Appends `count` zero bytes (room a read then fills): a zero-filled array made with one
    /// memset, appended in one copy. `append(contentsOf: repeatElement(0, count:))` means the
    /// same, but where the module is built without optimisation (the debug builds tests run)
    /// it goes through generic iteration byte by byte: seconds of CPU over a test run's
    /// connection buffers. For growth, which is rare: it allocates the temporary array.
    mutating func appendZeros(_ count: Int) {
        guard count > 0 else { return }
        self += [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { memset(base, 0, count) }
            initialized = count
        }
    }
}
