import INSiCore

/// How a harness cuts one input into the pieces a peer's writes may arrive in. The cuts are
/// derived from the input itself, so that a crash file replays exactly.
public enum Fragmentation: CaseIterable, Sendable {
    /// Everything at once.
    case whole
    /// One byte per read.
    case bytewise
    /// Pieces of 1 to 64 bytes, drawn from a generator seeded with the input's hash.
    case random

    /// The lengths of the pieces, adding up to `count`.
    public func pieces(of bytes: UnsafeRawBufferPointer) -> [Int] {
        switch self {
        case .whole:
            return bytes.isEmpty ? [] : [bytes.count]
        case .bytewise:
            return Array(repeating: 1, count: bytes.count)
        case .random:
            var generator = SplitMix64(seed: fuzzHash(bytes))
            var lengths: [Int] = []
            var left = bytes.count
            while left > 0 {
                let length = min(left, generator.below(64) + 1)
                lengths.append(length)
                left -= length
            }
            return lengths
        }
    }
}

/// FNV-1a of the bytes: the seed of an input's random cuts, so that a crash file replays exactly.
public func fuzzHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}
