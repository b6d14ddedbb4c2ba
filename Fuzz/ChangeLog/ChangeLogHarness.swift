#if DEBUG || FUZZING
import Foundation
import FuzzSupport
@testable import INSiServer

/// Change-log recovery: a valid data directory (snapshot + log, written by `ChangeLog` itself)
/// is damaged as the input says (bytes flipped, the log cut, bytes appended), then opened.
///
/// API used: `ChangeLog(directory:)`, `.recovered`, `.append(_:)`, `.compact(state:)`,
/// `ChangeLog.snapshotFileName`/`.logFileName`, `ChangeLogError`, and `CRC32.checksum`
/// (internal) to recognise appended bytes that happen to be a well-formed record.
///
/// Input: byte 0 chooses the directory (bit 0: fresh, or compacted once), the damaged file
/// (bits 1-2: log, snapshot, both) and whether the log is cut (bit 3) at the offset in bytes 1-2;
/// byte 3 is the number of flips (0-7), 3 bytes each (offset, XOR mask); the rest is appended
/// to the damaged file.
///
/// Invariants:
/// 1. opening either refuses with `corruptFile` at an offset inside the file, or
///    `inconsistentFiles`, or recovers: the snapshot's records exactly, and a prefix of the
///    acknowledged changes (those written, then any well-formed records appended);
/// 2. a recovery without warning has read the whole log: nothing but the records recovered;
/// 3. recovery is stable: reopening gives the same records and no warning, and a change
///    appended after recovery is there at the next opening.
enum ChangeLogHarness {
    struct Pristine {
        var snapshotFile: [UInt8]
        var logFile: [UInt8]
        var snapshot: [Data]
        var changes: [Data]
    }

    static let root: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(folder)/insi-sim-fuzz-change-log-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }()

    static let payloads: [Data] = [
        Data(#"{"op":"add","identity":{"birthName":"ADRTROIS","firstNames":["DOMINIQUE"]}}"#.utf8),
        Data(),
        Data("two\nlines".utf8),
        Data([0, 1, 0xFF, 0x0A, 0x20, 0x39]),
        Data(String(repeating: "9", count: 40).utf8),
    ]

    /// Two directories made by `ChangeLog`: generation 0 with changes only, and generation 1
    /// (compacted once) with a snapshot and changes after it.
    static let pristine: [Pristine] = [
        make("fresh", snapshot: nil, changes: payloads),
        make("compacted", snapshot: Array(payloads.prefix(3)), changes: [Data("c1".utf8), Data("c2\n".utf8), Data(), Data("c4".utf8)]),
    ]

    static func make(_ name: String, snapshot: [Data]?, changes: [Data]) -> Pristine {
        let directory = URL(fileURLWithPath: "\(root)/\(name)")
        do {
            let log = try ChangeLog(directory: directory)
            if let snapshot {
                for record in snapshot { try log.append(record) }
                try log.compact(state: snapshot)
            }
            for record in changes { try log.append(record) }
        } catch {
            fatalError("cannot write the pristine change log: \(error)")
        }
        let files = (read(directory.path + "/" + ChangeLog.snapshotFileName), read(directory.path + "/" + ChangeLog.logFileName))
        return Pristine(snapshotFile: files.0, logFile: files.1, snapshot: snapshot ?? [], changes: changes)
    }

    static func run(_ input: UnsafeRawBufferPointer) {
        var reader = InputReader(input)
        let control = reader.byte()
        let base = pristine[Int(control & 1)]
        let target = Int(control >> 1) & 3 // 0: log, 1: snapshot, 2 and 3: both
        let cut = control & 8 != 0 ? Int(reader.uint16()) : nil
        var snapshotFile = base.snapshotFile
        var logFile = base.logFile
        let flips = Int(reader.byte() % 8)
        for _ in 0..<flips {
            let offset = Int(reader.uint16())
            let mask = max(reader.byte(), 1)
            if target != 0 && !snapshotFile.isEmpty { snapshotFile[offset % snapshotFile.count] ^= mask }
            if target != 1 && !logFile.isEmpty { logFile[offset % logFile.count] ^= mask }
        }
        if let cut { logFile = Array(logFile.prefix(cut % (logFile.count + 1))) }
        let appended = reader.rest()
        if target != 0 { snapshotFile += appended }
        if target != 1 { logFile += appended }
        // What a writer could have acknowledged: the changes written, then any records appended
        // bytes happen to hold, as long as they follow an intact log.
        var acknowledged = base.changes
        if target != 1 && cut == nil { acknowledged += frames(in: appended).records }

        let directory = "\(root)/work"
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        write(snapshotFile, to: directory + "/" + ChangeLog.snapshotFileName)
        write(logFile, to: directory + "/" + ChangeLog.logFileName)
        let url = URL(fileURLWithPath: directory)
        let context = "directory \(control & 1), target \(target), cut \(cut.map(String.init) ?? "none"), \(flips) flips, \(appended.count) bytes appended"

        let recovered: Recovery
        do {
            recovered = try ChangeLog(directory: url).recovered
        } catch {
            switch error {
            case .corruptFile(let path, let offset, _):
                let size = path.hasSuffix(ChangeLog.logFileName) ? logFile.count : snapshotFile.count
                fuzzCheck(offset >= 0 && offset <= size, "corrupt at \(offset), outside the \(size)-byte file: \(error); \(context)")
            case .inconsistentFiles:
                break
            default:
                fuzzCheck(false, "opening failed otherwise than for damage: \(error); \(context)")
            }
            return
        }
        fuzzCheck(recovered.snapshot == base.snapshot, "the snapshot recovered differs from the one written; \(context)")
        fuzzCheck(recovered.changes.count <= acknowledged.count && Array(acknowledged.prefix(recovered.changes.count)) == recovered.changes,
                  "recovered changes \(recovered.changes.map { fuzzDescribe($0) }) are not a prefix of \(acknowledged.map { fuzzDescribe($0) }); \(context)")
        if recovered.warnings.isEmpty, let newline = logFile.firstIndex(of: 0x0A) {
            // Silence means the log was read whole: it is nothing but the records recovered.
            let body = Array(logFile[(newline + 1)...])
            let (records, end) = frames(in: body)
            fuzzCheck(end == body.count && records == recovered.changes,
                      "log bytes \(end)..<\(body.count) left unread without a warning; \(context)")
        }

        // Stable: the same again, silently; then an append after recovery survives.
        do {
            let again = try ChangeLog(directory: url)
            fuzzCheck(again.recovered.snapshot == recovered.snapshot && again.recovered.changes == recovered.changes,
                      "a second opening recovers something else; \(context)")
            fuzzCheck(again.recovered.warnings.isEmpty, "a second opening warns again: \(again.recovered.warnings); \(context)")
            try again.append(Data("after recovery".utf8))
        } catch {
            fuzzCheck(false, "a second opening or an append after recovery failed: \(error); \(context)")
        }
        do {
            let third = try ChangeLog(directory: url)
            fuzzCheck(third.recovered.changes == recovered.changes + [Data("after recovery".utf8)],
                      "the change appended after recovery is not recovered: \(third.recovered.changes.map { fuzzDescribe($0) }); \(context)")
        } catch {
            fuzzCheck(false, "opening after an append following recovery failed: \(error); \(context)")
        }
    }

    /// The records at the start of `bytes`, read by this harness's own reading of the framing
    /// (`<crc32 hex8> <length> <payload>\n`), up to the first thing that is not one.
    static func frames(in bytes: [UInt8]) -> (records: [Data], end: Int) {
        var records: [Data] = []
        var index = 0
        while index + 11 <= bytes.count {
            guard let crc = UInt32(String(decoding: bytes[index..<(index + 8)], as: UTF8.self), radix: 16),
                  bytes[index..<(index + 8)].allSatisfy(isHexDigit),
                  bytes[index + 8] == 0x20,
                  let space = bytes[(index + 9)...].firstIndex(of: 0x20), space > index + 9, space - index - 9 <= 10,
                  bytes[(index + 9)..<space].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let length = Int(String(decoding: bytes[(index + 9)..<space], as: UTF8.self)),
                  space + 1 + length < bytes.count, bytes[space + 1 + length] == 0x0A
            else { break }
            let payload = Array(bytes[(space + 1)..<(space + 1 + length)])
            guard CRC32.checksum(payload) == crc else { break }
            records.append(Data(payload))
            index = space + 2 + length
        }
        return (records, index)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func read(_ path: String) -> [UInt8] {
        (try? Array(Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    static func write(_ bytes: [UInt8], to path: String) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write \(path)")
        }
    }
}

/// Reads the input's fields, giving zeros once it runs out.
struct InputReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func uint16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }

    mutating func rest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-change-log", ChangeLogHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ChangeLogHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-change-log") }
}
#endif
