import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a `ChangeLog` found on disk when it was opened.
public struct Recovery: Sendable, Equatable {
    /// One record and where it is, so that a record that reads back but cannot be used is
    /// reported by its place in the file.
    public struct Record: Sendable, Equatable {
        public var payload: Data
        /// The file holding it.
        public var path: String
        /// Where its frame starts in that file, in bytes.
        public var offset: Int

        public init(payload: Data, path: String, offset: Int) {
            self.payload = payload
            self.path = path
            self.offset = offset
        }
    }

    /// The records of the last compaction's snapshot, in order.
    public var snapshotRecords: [Record]
    /// The records appended since, in order: replay them over the snapshot's.
    public var changeRecords: [Record]
    /// Human-readable warnings, e.g. "changes.log: torn last record at byte 1234 (37 bytes, ...) skipped".
    public var warnings: [String]

    public init(snapshotRecords: [Record] = [], changeRecords: [Record] = [], warnings: [String] = []) {
        self.snapshotRecords = snapshotRecords
        self.changeRecords = changeRecords
        self.warnings = warnings
    }

    /// The snapshot's payloads, in order.
    public var snapshot: [Data] { snapshotRecords.map(\.payload) }
    /// The payloads appended since the snapshot, in order.
    public var changes: [Data] { changeRecords.map(\.payload) }
}

/// Crash-safe append-only log in a directory: `snapshot.jsonl` + `changes.log` (+ a `lock` file).
///
/// Records are opaque `Data`. Both files use the framing of `RecordFraming` (one
/// `<crc32 hex8> <length> <payload>\n` line per record, after a one-line header). Each header
/// carries a *generation*, bumped by every compaction: the log only applies to the snapshot of
/// the same generation, which makes compaction crash-safe without relying on the log truncation
/// happening atomically with the snapshot rename:
///
/// - `append`: one write(2) of the framed record (O_APPEND), then fsync, before returning.
/// - `compact`: snapshot written to `snapshot.jsonl.tmp`, fsynced, renamed over `snapshot.jsonl`,
///   directory fsynced (the commit point: from then on the old log is stale, since its generation
///   is older than the snapshot's); then a fresh log (header only) is written to `changes.log.tmp`,
///   fsynced, renamed over `changes.log`, directory fsynced.
/// - opening: stray `*.tmp` files (a compaction interrupted before its rename) are removed; a log
///   older than the snapshot (a compaction interrupted after its snapshot rename) is discarded as
///   already contained in the snapshot; a torn last record is reported, and the log truncated
///   back to the last good record; a bad record followed by valid ones is corruption: opening
///   throws instead of dropping data.
///
/// Thread-safe: the open log file and its counters are behind one `Mutex`, held by `append` for
/// its write *and* its fsync, so at most one record is ever unsynced. (Group commit would allow
/// several, and a power loss could then leave a damaged record followed by intact ones, which
/// opening could not tell from real corruption.) An exclusive `flock` on `lock` keeps a second
/// process, or a second `ChangeLog` on the same directory, out while this one lives.
public final class ChangeLog: Sendable {
    public static let snapshotFileName = "snapshot.jsonl"
    public static let logFileName = "changes.log"
    public static let lockFileName = "lock"
    static let temporarySuffix = ".tmp"

    /// The data directory.
    public let directory: URL
    /// What was on disk at open time: the snapshot's records, then the log's records, in order.
    public let recovered: Recovery

    private let paths: Paths
    /// Holds the directory's flock for the lifetime of this object.
    private let lockFile: FileDescriptor
    // Protects the open log file, its size, record count and generation, and the "unusable" mark:
    // `append` and `compact` hold it for their whole duration, I/O included.
    private let state: Mutex<State>

    struct Paths: Sendable {
        var directory: String
        var snapshot: String { directory + "/" + ChangeLog.snapshotFileName }
        var snapshotTemporary: String { snapshot + ChangeLog.temporarySuffix }
        var log: String { directory + "/" + ChangeLog.logFileName }
        var logTemporary: String { log + ChangeLog.temporarySuffix }
        var lock: String { directory + "/" + ChangeLog.lockFileName }
    }

    struct State {
        /// `changes.log`, opened O_WRONLY | O_APPEND.
        var log: FileDescriptor
        /// Generation of the current snapshot (and of the log, unless `unusable` says otherwise).
        var generation: UInt64
        var headerBytes: Int
        /// Size of `changes.log` up to the end of the last durable record.
        var fileBytes: Int
        var records: Int
        /// Set when a failure left the log where more appends could be lost; cleared by `compact`.
        var unusable: String?
    }

    /// Opens (creating the directory and files if needed) and reads what is there.
    public init(directory: URL) throws(ChangeLogError) {
        let paths = Paths(directory: directory.standardizedFileURL.path)
        try POSIXFile.makeDirectories(paths.directory)
        let lockFile = try POSIXFile.open(paths.lock, O_RDWR | O_CREAT | O_CLOEXEC)
        try POSIXFile.lockExclusively(lockFile, directory: paths.directory)

        var warnings: [String] = []
        var removedTemporary = false
        for (path, name) in [
            (paths.snapshotTemporary, Self.snapshotFileName + Self.temporarySuffix),
            (paths.logTemporary, Self.logFileName + Self.temporarySuffix),
        ] where try POSIXFile.removeIfPresent(path) {
            warnings.append("\(name): left by an interrupted compaction, removed (the state before it is kept)")
            removedTemporary = true
        }
        if removedTemporary { try POSIXFile.syncDirectory(paths.directory) }

        // The snapshot.
        let snapshotBytes = try POSIXFile.readAll(paths.snapshot)
        let logBytes = try POSIXFile.readAll(paths.log)
        var generation: UInt64 = 0
        var snapshot: [Recovery.Record] = []
        if let snapshotBytes {
            (generation, snapshot) = try Self.readSnapshot(snapshotBytes, path: paths.snapshot)
        } else {
            if let logBytes, let (line, _) = RecordFraming.headerLine(logBytes),
                let logGeneration = RecordFraming.parseLogHeader(line), logGeneration > 0
            {
                throw .inconsistentFiles(
                    directory: paths.directory,
                    reason: "\(Self.snapshotFileName) is missing but \(Self.logFileName) continues the snapshot "
                        + "of generation \(logGeneration)")
            }
            try Self.writeAtomically(
                RecordFraming.snapshotHeader(generation: 0, records: 0),
                temporary: paths.snapshotTemporary, final: paths.snapshot, directory: paths.directory)
        }

        // The log.
        var changes: [Recovery.Record] = []
        var log: FileDescriptor?
        var headerBytes = 0
        var fileBytes = 0
        if let logBytes {
            if logBytes.isEmpty {
                warnings.append("\(Self.logFileName): empty file without header, started afresh")
            } else if let (line, headerEnd) = RecordFraming.headerLine(logBytes),
                let logGeneration = RecordFraming.parseLogHeader(line)
            {
                if logGeneration < generation {
                    warnings.append(
                        "\(Self.logFileName): generation \(logGeneration) predates the snapshot's \(generation) "
                            + "(a compaction was interrupted after writing the snapshot): its "
                            + "\(logBytes.count - headerEnd) bytes of changes are already in the snapshot, discarded")
                } else if logGeneration > generation {
                    throw .inconsistentFiles(
                        directory: paths.directory,
                        reason: "\(Self.logFileName) continues the snapshot of generation \(logGeneration) but "
                            + "\(Self.snapshotFileName) is of generation \(generation)")
                } else {
                    let file = try POSIXFile.open(paths.log, O_WRONLY | O_APPEND | O_CLOEXEC)
                    let (records, validEnd, warning) = try Self.readLog(logBytes, from: headerEnd, path: paths.log)
                    changes = records
                    if let warning {
                        warnings.append(warning)
                        try POSIXFile.truncate(file, to: validEnd)
                        try POSIXFile.sync(file)
                    }
                    log = file
                    headerBytes = headerEnd
                    fileBytes = validEnd
                }
            } else {
                throw .corruptFile(path: paths.log, offset: 0, reason: "unrecognised header line")
            }
        } else if generation > 0 {
            warnings.append(
                "\(Self.logFileName): missing, started afresh (changes made after the last compaction, if any, are lost)")
        }
        if log == nil {
            let header = RecordFraming.logHeader(generation: generation)
            log = try Self.writeAtomically(
                header, temporary: paths.logTemporary, final: paths.log, directory: paths.directory,
                keepOpenForAppending: true)
            headerBytes = header.count
            fileBytes = header.count
        }
        guard let log else {
            throw .ioFailure(operation: "open", path: paths.log, errno: EBADF)
        }

        self.directory = URL(fileURLWithPath: paths.directory, isDirectory: true)
        self.paths = paths
        self.lockFile = lockFile
        self.recovered = Recovery(snapshotRecords: snapshot, changeRecords: changes, warnings: warnings)
        self.state = Mutex(
            State(
                log: log, generation: generation, headerBytes: headerBytes, fileBytes: fileBytes,
                records: changes.count, unusable: nil))
    }

    /// Appends one record and returns only once it is on disk (write + fsync). Throws on any I/O
    /// error (disk full...): the record is then not in the log (a partial write is cut off).
    /// After a failed fsync the log refuses further appends (the kernel may have dropped data
    /// silently) until `compact` succeeds.
    public func append(_ record: Data) throws(ChangeLogError) {
        let frame = RecordFraming.frame(record)
        let path = paths.log
        try state.withLock { (state: inout State) throws(ChangeLogError) in
            if let reason = state.unusable { throw .logUnusable(path: path, reason: reason) }
            do throws(ChangeLogError) {
                try POSIXFile.writeAll(state.log, frame)
            } catch {
                // Cut off a partial record so that the next append does not follow garbage.
                do throws(ChangeLogError) {
                    try POSIXFile.truncate(state.log, to: state.fileBytes)
                } catch let truncation {
                    state.unusable = "a failed write left a partial record that could not be removed (\(truncation))"
                }
                throw error
            }
            do throws(ChangeLogError) {
                try POSIXFile.sync(state.log)
            } catch {
                state.unusable = "an fsync failed (\(error))"
                // The caller is told the change was not recorded: try not to let it come back.
                try? POSIXFile.truncate(state.log, to: state.fileBytes)
                throw error
            }
            state.fileBytes += frame.count
            state.records += 1
        }
    }

    /// Replaces snapshot + log by `state` (the full current state as records). Crash-safe at every
    /// step: reopening gives either the old snapshot + log or the new snapshot + an empty log.
    /// The caller must make sure `state` includes every change appended so far.
    public func compact(state records: [Data]) throws(ChangeLogError) {
        var body: [UInt8] = []
        for record in records { body.append(contentsOf: RecordFraming.frame(record)) }
        let paths = self.paths
        try state.withLock { (state: inout State) throws(ChangeLogError) in
            let generation = state.generation + 1
            // 1. The new snapshot, under its temporary name then renamed: the commit point.
            do throws(ChangeLogError) {
                try Self.writeFile(
                    RecordFraming.snapshotHeader(generation: generation, records: records.count) + body,
                    path: paths.snapshotTemporary)
                try POSIXFile.rename(paths.snapshotTemporary, to: paths.snapshot)
            } catch {
                _ = try? POSIXFile.removeIfPresent(paths.snapshotTemporary)
                throw error
            }
            // From here the new snapshot may be what a restart finds, which makes the current log
            // stale: appending to it would be in vain until the new log is in place.
            state.generation = generation
            do throws(ChangeLogError) {
                try POSIXFile.syncDirectory(paths.directory)
                let header = RecordFraming.logHeader(generation: generation)
                let log = try Self.writeAtomically(
                    header, temporary: paths.logTemporary, final: paths.log, directory: paths.directory,
                    keepOpenForAppending: true)
                guard let log else { throw .ioFailure(operation: "open", path: paths.log, errno: EBADF) }
                state.log = log
                state.headerBytes = header.count
                state.fileBytes = header.count
                state.records = 0
                state.unusable = nil
            } catch {
                state.unusable = "a compaction wrote a new snapshot but could not start a new log (\(error))"
                throw error
            }
        }
    }

    /// Bytes of records in the log since the last compaction (the header line not counted).
    public var logBytes: Int { state.withLock { $0.fileBytes - $0.headerBytes } }

    /// Records in the log since the last compaction (recovered ones included).
    public var logRecords: Int { state.withLock { $0.records } }

    // MARK: - Reading

    private static func readSnapshot(_ bytes: [UInt8], path: String) throws(ChangeLogError) -> (UInt64, [Recovery.Record]) {
        guard let (line, headerEnd) = RecordFraming.headerLine(bytes),
            let (generation, expected) = RecordFraming.parseSnapshotHeader(line)
        else {
            throw .corruptFile(path: path, offset: 0, reason: "unrecognised header line")
        }
        // The snapshot is only ever renamed into place complete and fsynced: any defect is damage.
        let scan = RecordFraming.scan(bytes, from: headerEnd)
        if let bad = scan.firstBad {
            throw .corruptFile(path: path, offset: bad.offset, reason: "bad record (\(bad.reason))")
        }
        guard scan.records.count == expected else {
            throw .corruptFile(
                path: path, offset: scan.validEnd,
                reason: "\(scan.records.count) records where the header announces \(expected)")
        }
        return (generation, records(of: scan, in: bytes, path: path))
    }

    /// The log's records, the offset after the last valid one, and a warning if a torn last record follows it.
    private static func readLog(
        _ bytes: [UInt8], from start: Int, path: String
    ) throws(ChangeLogError) -> ([Recovery.Record], Int, String?) {
        let scan = RecordFraming.scan(bytes, from: start)
        let records = records(of: scan, in: bytes, path: path)
        guard let bad = scan.firstBad else { return (records, scan.validEnd, nil) }
        if let next = RecordFraming.validRecord(in: bytes, after: bad.offset) {
            throw .corruptFile(
                path: path, offset: bad.offset,
                reason: "bad record (\(bad.reason)) followed by a valid record at byte \(next)")
        }
        let warning =
            "\(logFileName): torn last record at byte \(bad.offset) (\(bytes.count - bad.offset) bytes, "
            + "\(bad.reason)) skipped; file truncated to \(bad.offset) bytes"
        return (records, scan.validEnd, warning)
    }

    private static func records(of scan: RecordFraming.Scan, in bytes: [UInt8], path: String) -> [Recovery.Record] {
        scan.records.map { Recovery.Record(payload: Data(bytes[$0.payload]), path: path, offset: $0.start) }
    }

    // MARK: - Writing whole files

    /// Creates (or empties) `path`, writes `bytes` and fsyncs.
    private static func writeFile(_ bytes: [UInt8], path: String) throws(ChangeLogError) {
        let file = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        try POSIXFile.writeAll(file, bytes)
        try POSIXFile.sync(file)
    }

    /// Writes `bytes` to `temporary`, fsyncs, renames it to `final` and fsyncs the directory, so
    /// that `final` is either its old self or complete. With `keepOpenForAppending`, returns
    /// `final` opened O_WRONLY | O_APPEND.
    @discardableResult
    private static func writeAtomically(
        _ bytes: [UInt8], temporary: String, final: String, directory: String, keepOpenForAppending: Bool = false
    ) throws(ChangeLogError) -> FileDescriptor? {
        do throws(ChangeLogError) {
            try writeFile(bytes, path: temporary)
            try POSIXFile.rename(temporary, to: final)
        } catch {
            _ = try? POSIXFile.removeIfPresent(temporary)
            throw error
        }
        try POSIXFile.syncDirectory(directory)
        return keepOpenForAppending ? try POSIXFile.open(final, O_WRONLY | O_APPEND | O_CLOEXEC) : nil
    }
}
