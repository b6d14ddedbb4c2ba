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
            var generator = FuzzRandom(seed: FuzzRandom.hash(bytes))
            var lengths: [Int] = []
            var left = bytes.count
            while left > 0 {
                let length = min(left, Int(generator.next() % 64) + 1)
                lengths.append(length)
                left -= length
            }
            return lengths
        }
    }
}

/// SplitMix64: small, fast and good enough to draw cut points.
public struct FuzzRandom {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a of the bytes.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
