import Foundation
import INSiCore

/// The on-disk format shared by `snapshot.jsonl` and `changes.log`, meant to be readable with
/// `less`/`head`:
///
/// ```
/// # insi-sim changes v1 generation=3                   <- header line (snapshot: "# insi-sim snapshot v1 generation=3 records=2")
/// 1c291ca3 13 {"op":"add"}                              <- one line per record:
/// <CRC-32 of the payload, 8 lowercase hex digits> <payload length, decimal> <payload bytes>\n
/// ```
///
/// Records are framed by their length, not by the newline: a payload may hold any byte,
/// newlines included; the final newline is only a terminator checked on reading.
enum RecordFraming {
    static let space = UInt8(ascii: " ")
    static let newline = UInt8(ascii: "\n")
    /// Longest accepted payload length field (10 digits, < 10 GB): a corrupted length cannot overflow.
    static let maxLengthDigits = 10

    static func logHeader(generation: UInt64) -> [UInt8] {
        Array("# insi-sim changes v1 generation=\(generation)\n".utf8)
    }

    static func snapshotHeader(generation: UInt64, records: Int) -> [UInt8] {
        Array("# insi-sim snapshot v1 generation=\(generation) records=\(records)\n".utf8)
    }

    /// One framed record, ready to be written with a single write(2).
    static func frame(_ payload: Data) -> [UInt8] {
        let header = hex(CRC32.checksum(payload)) + " \(payload.count) "
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.utf8.count + payload.count + 1)
        bytes.append(contentsOf: header.utf8)
        bytes.append(contentsOf: payload)
        bytes.append(newline)
        return bytes
    }

    // MARK: - Reading

    /// The header line at the start of `bytes` (without its newline) and the offset after it.
    static func headerLine(_ bytes: [UInt8]) -> (line: String, end: Int)? {
        guard let newline = bytes.prefix(256).firstIndex(of: newline) else { return nil }
        return (String(decoding: bytes[..<newline], as: UTF8.self), newline + 1)
    }

    /// Generation of a `changes.log` header line.
    static func parseLogHeader(_ line: String) -> UInt64? {
        let prefix = "# insi-sim changes v1 generation="
        guard line.hasPrefix(prefix) else { return nil }
        return UInt64(line.dropFirst(prefix.count))
    }

    /// Generation and record count of a `snapshot.jsonl` header line.
    static func parseSnapshotHeader(_ line: String) -> (generation: UInt64, records: Int)? {
        let prefix = "# insi-sim snapshot v1 generation="
        guard line.hasPrefix(prefix) else { return nil }
        let fields = line.dropFirst(prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, let generation = UInt64(fields[0]), fields[1].hasPrefix("records="),
            let records = Int(fields[1].dropFirst("records=".count)), records >= 0
        else { return nil }
        return (generation, records)
    }

    enum Frame: Equatable {
        /// A complete record with a good CRC: its payload, and the offset of what follows it.
        case record(payload: Range<Int>, next: Int)
        /// No valid record starts here; the reason says why (for messages).
        case bad(reason: String)
    }

    /// Reads the record starting at `start`.
    static func frame(in bytes: [UInt8], at start: Int) -> Frame {
        let count = bytes.count
        var index = start
        var stored: UInt32 = 0
        for _ in 0..<8 {
            guard index < count else { return .bad(reason: "incomplete header") }
            guard let digit = bytes[index].hexDigitValue else { return .bad(reason: "malformed header") }
            stored = stored << 4 | digit
            index += 1
        }
        guard index < count else { return .bad(reason: "incomplete header") }
        guard bytes[index] == space else { return .bad(reason: "malformed header") }
        index += 1
        var length = 0
        var digits = 0
        while true {
            guard index < count else { return .bad(reason: "incomplete header") }
            let byte = bytes[index]
            if byte == space, digits > 0 { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < maxLengthDigits else {
                return .bad(reason: "malformed header")
            }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        let payloadStart = index + 1
        let payloadEnd = payloadStart + length
        if payloadEnd > count {
            return .bad(reason: "incomplete payload: \(count - payloadStart) of \(length) bytes")
        }
        if payloadEnd == count { return .bad(reason: "missing end-of-record newline") }
        guard bytes[payloadEnd] == newline else { return .bad(reason: "no newline after the \(length)-byte payload") }
        let computed = bytes[payloadStart..<payloadEnd].withUnsafeBytes { CRC32.checksum($0) }
        guard computed == stored else {
            return .bad(reason: "CRC mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        return .record(payload: payloadStart..<payloadEnd, next: payloadEnd + 1)
    }

    struct Scan {
        /// The valid records, in order: where each starts, and its payload.
        var records: [(start: Int, payload: Range<Int>)] = []
        /// Offset just after the last valid record.
        var validEnd: Int
        /// The first place, if any, where no valid record starts although bytes remain.
        var firstBad: (offset: Int, reason: String)?
    }

    /// Reads records from `start` to the end or to the first bad one.
    static func scan(_ bytes: [UInt8], from start: Int) -> Scan {
        var scan = Scan(validEnd: start)
        var offset = start
        while offset < bytes.count {
            switch frame(in: bytes, at: offset) {
            case let .record(payload, next):
                scan.records.append((offset, payload))
                offset = next
                scan.validEnd = next
            case let .bad(reason):
                scan.firstBad = (offset, reason)
                return scan
            }
        }
        return scan
    }

    /// Offset of the first valid record starting anywhere after `offset`, if any. Used to tell a
    /// torn tail (nothing valid follows: the crash cut the last write) from damage in the middle
    /// (valid records follow: dropping the bad one would silently lose data). Every offset is
    /// tried, not only those after a newline, since the damage may have hit the newline itself.
    static func validRecord(in bytes: [UInt8], after offset: Int) -> Int? {
        var candidate = offset + 1
        while candidate < bytes.count {
            if bytes[candidate].hexDigitValue != nil, case .record = frame(in: bytes, at: candidate) {
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
