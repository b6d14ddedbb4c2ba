/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib / PNG / Ethernet), table-driven.
/// `CRC32.checksum("123456789".utf8)` is `0xCBF43926`.
enum CRC32 {
    /// One entry per byte value: the CRC of that byte alone, without pre/post inversion.
    static let table: [UInt32] = (0...255).map { (byte: Int) -> UInt32 in
        var crc = UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// CRC-32 of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// CRC-32 of any byte sequence (copies it if it is not contiguous).
    static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
