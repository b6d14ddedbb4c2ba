import Foundation
import Testing

@testable import INSiServer

/// `ChangeLog` on real files, each test in a fresh temporary directory. Crashes are simulated by
/// leaving the files as a crash would (torn tail, stray temporary file, stale log) and reopening.
@Suite("ChangeLog")
struct ChangeLogTests {
    // MARK: - Helpers

    /// A fresh directory (not yet created: `ChangeLog` creates it), removed after `body`.
    private func withDirectory(_ body: (URL) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("changelog-tests-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try body(root.appendingPathComponent("data", isDirectory: true))
    }

    /// Opens `directory`, waiting out a lock held for a moment by a child process that another
    /// test is starting (see `waitingOutChildLocks`).
    static func open(_ directory: URL, checks: Int = 400) throws(ChangeLogError) -> ChangeLog {
        try waitingOutChildLocks(checks: checks) { () throws(ChangeLogError) in try ChangeLog(directory: directory) }
    }

    /// Runs `body`, which opens a data directory this process has just closed, again while it
    /// fails with `directoryInUse`: until it execs, a new process holds a copy of every
    /// descriptor of this one, the lock file's too, and the tests run in parallel, starting
    /// children. Only `directoryInUse` is waited out, for `checks` tries at most; any other
    /// error comes at once.
    static func waitingOutChildLocks<T, Failure: Error>(checks: Int = 400, _ body: () throws(Failure) -> T) throws(Failure) -> T {
        for _ in 1..<checks {
            do {
                return try body()
            } catch {
                guard case .directoryInUse? = error as? ChangeLogError else { throw error }
                usleep(5_000)
            }
        }
        return try body()
    }

    private func logURL(_ directory: URL) -> URL { directory.appendingPathComponent(ChangeLog.logFileName) }
    private func snapshotURL(_ directory: URL) -> URL { directory.appendingPathComponent(ChangeLog.snapshotFileName) }

    private func fileSize(_ url: URL) throws -> Int {
        try Data(contentsOf: url).count
    }

    private func appendBytes(_ bytes: [UInt8], to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
    }

    private func record(_ text: String) -> Data { Data(text.utf8) }

    /// Opens, appends `records`, closes (the object is released at the end of the call).
    private func append(_ records: [Data], in directory: URL) throws {
        let log = try Self.open(directory)
        for record in records { try log.append(record) }
    }

    // MARK: - Format

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func filesAreHumanReadable() throws {
        try withDirectory { directory in
            let payload = #"{"op":"add","id":1}"#
            try append([record(payload)], in: directory)
            let crc = RecordFraming.hex(CRC32.checksum(Array(payload.utf8)))
            let log = String(decoding: try Data(contentsOf: logURL(directory)), as: UTF8.self)
            #expect(log == "# insi-sim changes v1 generation=0\n\(crc) \(payload.utf8.count) \(payload)\n")
            let snapshot = String(decoding: try Data(contentsOf: snapshotURL(directory)), as: UTF8.self)
            #expect(snapshot == "# insi-sim snapshot v1 generation=0 records=0\n")
        }
    }

    @Test func parserRejectsOversizedAndMalformedLengths() {
        let good = RecordFraming.frame(Data("abc".utf8))
        #expect(RecordFraming.frame(in: good, at: 0) == .record(payload: 11..<14, next: 15))
        for text in ["352441c2 99999999999 abc\n", "352441c2 -3 abc\n", "352441c2  3 abc\n", "352441c2 3abc\n", "352441c"] {
            guard case .bad = RecordFraming.frame(in: Array(text.utf8), at: 0) else {
                Issue.record("accepted \(text)")
                continue
            }
        }
    }

    // MARK: - Append and reopen

    @Test func appendedRecordsComeBackInOrder() throws {
        try withDirectory { directory in
            var records = (0..<40).map { record(#"{"n":\#($0)}"#) }
            records.append(Data((0...255).map { UInt8($0) }))  // every byte value
            records.append(Data("line one\nline two\n\n".utf8))
            records.append(Data())
            records.append(Data([0x0A]))
            records.append(Data("cbf43926 9 123456789\n".utf8))  // looks like a frame itself
            records.append(Data(repeating: 0, count: 100_000))
            let header = RecordFraming.logHeader(generation: 0).count
            do {
                let log = try Self.open(directory)
                #expect(log.recovered == Recovery())
                for record in records { try log.append(record) }
                #expect(log.logRecords == records.count)
                #expect(log.logBytes == (try fileSize(logURL(directory))) - header)
            }
            let reopened = try Self.open(directory)
            #expect(reopened.recovered.snapshot.isEmpty)
            #expect(reopened.recovered.changes == records)
            #expect(reopened.recovered.warnings.isEmpty)
            #expect(reopened.logRecords == records.count)
            #expect(reopened.logBytes == (try fileSize(logURL(directory))) - header)
        }
    }

    @Test func createsMissingParentDirectories() throws {
        try withDirectory { directory in
            let nested = directory.appendingPathComponent("a/b/c", isDirectory: true)
            try append([record("x")], in: nested)
            let reopened = try Self.open(nested)
            #expect(reopened.recovered.changes == [record("x")])
            #expect(reopened.directory.path == nested.standardizedFileURL.path)
        }
    }

    // MARK: - Torn tail

    enum Cut: String, CaseIterable, Sendable {
        case midHeader, headerOnly, midPayload, missingNewline, wrongCRC, zeros

        /// What a crash during the append of `frame` may leave behind.
        func garbage(from frame: [UInt8]) -> [UInt8] {
            let payloadStart = frame.indices.filter { frame[$0] == UInt8(ascii: " ") }[1] + 1
            switch self {
            case .midHeader: return Array(frame.prefix(5))
            case .headerOnly: return Array(frame.prefix(payloadStart))
            case .midPayload: return Array(frame.prefix(payloadStart + 4))
            case .missingNewline: return Array(frame.dropLast())
            case .wrongCRC:
                var bytes = frame
                bytes[0] = bytes[0] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
                return bytes
            case .zeros: return [UInt8](repeating: 0, count: 64)  // size extended, data never written
            }
        }
    }

    @Test(arguments: Cut.allCases)
    func tornLastRecordIsReportedSkippedAndCutOff(cut: Cut) throws {
        try withDirectory { directory in
            let records = (1...3).map { record(#"{"change":\#($0),"text":"some payload"}"#) }
            try append(records, in: directory)
            let goodSize = try fileSize(logURL(directory))
            let garbage = cut.garbage(from: RecordFraming.frame(record(#"{"change":4,"text":"torn"}"#)))
            try appendBytes(garbage, to: logURL(directory))

            do {
                let log = try Self.open(directory)
                #expect(log.recovered.changes == records)
                #expect(log.recovered.warnings.count == 1)
                let warning = log.recovered.warnings.first ?? ""
                #expect(warning.contains("changes.log: torn last record at byte \(goodSize) (\(garbage.count) bytes"))
                #expect(try fileSize(logURL(directory)) == goodSize)  // truncated back
                #expect(log.logRecords == 3)
                try log.append(record("fourth"))
            }
            let reopened = try Self.open(directory)
            #expect(reopened.recovered.changes == records + [record("fourth")])
            #expect(reopened.recovered.warnings.isEmpty)
        }
    }

    // MARK: - Corruption

    enum Damage: String, CaseIterable, Sendable {
        case crcDigit, lengthDigit, payloadByte, terminator
    }

    @Test(arguments: Damage.allCases)
    func damagedRecordFollowedByValidOnesIsAnError(damage: Damage) throws {
        try withDirectory { directory in
            let records = (1...3).map { record(#"{"change":\#($0),"text":"0123456789"}"#) }
            try append(records, in: directory)
            let url = logURL(directory)
            var bytes = [UInt8](try Data(contentsOf: url))
            let second = RecordFraming.logHeader(generation: 0).count + RecordFraming.frame(records[0]).count
            let frame = RecordFraming.frame(records[1])
            let position: Int
            switch damage {
            case .crcDigit: position = second + 3
            case .lengthDigit: position = second + 9
            case .payloadByte: position = second + frame.count - 5
            case .terminator: position = second + frame.count - 1
            }
            bytes[position] ^= 0x01
            try Data(bytes).write(to: url)

            let error = #expect(throws: ChangeLogError.self) { try Self.open(directory) }
            guard case let .corruptFile(path, offset, _) = error else {
                Issue.record("expected corruptFile, got \(String(describing: error))")
                return
            }
            #expect(path == url.standardizedFileURL.path)
            #expect(offset == second)
            #expect(error?.description.contains("\(path) is corrupt at byte \(second)") == true)
            #expect([UInt8](try Data(contentsOf: url)) == bytes)  // left as it was for inspection
        }
    }

    @Test func damagedSnapshotIsAnError() throws {
        try withDirectory { directory in
            do {
                let log = try Self.open(directory)
                try log.compact(state: [record("a"), record("b")])
            }
            let url = snapshotURL(directory)
            var bytes = [UInt8](try Data(contentsOf: url))
            bytes[bytes.count - 2] ^= 0x01  // the payload of the last record
            try Data(bytes).write(to: url)
            let error = #expect(throws: ChangeLogError.self) { try Self.open(directory) }
            guard case let .corruptFile(path, _, _) = error else {
                Issue.record("expected corruptFile, got \(String(describing: error))")
                return
            }
            #expect(path == url.standardizedFileURL.path)
        }
    }

    // MARK: - Compaction

    @Test func compactionReplacesSnapshotAndEmptiesTheLog() throws {
        try withDirectory { directory in
            let state = [record("state 1"), record("state 2")]
            do {
                let log = try Self.open(directory)
                for index in 1...5 { try log.append(record("change \(index)")) }
                #expect(log.logRecords == 5)
                try log.compact(state: state)
                #expect(log.logRecords == 0)
                #expect(log.logBytes == 0)
                try log.append(record("after"))
                #expect(log.logRecords == 1)
            }
            do {
                let log = try Self.open(directory)
                #expect(log.recovered.snapshot == state)
                #expect(log.recovered.changes == [record("after")])
                #expect(log.recovered.warnings.isEmpty)
                #expect(log.logRecords == 1)
                try log.compact(state: [record("second compaction")])
            }
            let log = try Self.open(directory)
            #expect(log.recovered.snapshot == [record("second compaction")])
            #expect(log.recovered.changes.isEmpty && log.recovered.warnings.isEmpty)
            let header = try Data(contentsOf: snapshotURL(directory)).prefix(while: { $0 != 0x0A })
            #expect(String(decoding: header, as: UTF8.self) == "# insi-sim snapshot v1 generation=2 records=1")
        }
    }

    @Test func crashBeforeSnapshotRenameKeepsTheOldState() throws {
        try withDirectory { directory in
            let changes = [record("one"), record("two")]
            try append(changes, in: directory)
            // A compaction that died after writing its temporary files, before renaming them.
            let newSnapshot = RecordFraming.snapshotHeader(generation: 1, records: 1) + RecordFraming.frame(record("new"))
            try Data(newSnapshot).write(to: directory.appendingPathComponent("snapshot.jsonl.tmp"))
            try Data("# insi-sim chan".utf8).write(to: directory.appendingPathComponent("changes.log.tmp"))

            let log = try Self.open(directory)
            #expect(log.recovered.snapshot.isEmpty)
            #expect(log.recovered.changes == changes)
            #expect(log.recovered.warnings.count == 2)
            #expect(log.recovered.warnings.allSatisfy { $0.contains("interrupted compaction") })
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["changes.log", "lock", "snapshot.jsonl"])
        }
    }

    @Test func crashAfterSnapshotRenameGivesTheNewStateOnce() throws {
        try withDirectory { directory in
            let state = [record("a+b+c")]
            let oldLog: Data
            do {
                let log = try Self.open(directory)
                for change in ["a", "b", "c"] { try log.append(record(change)) }
                oldLog = try Data(contentsOf: logURL(directory))
                try log.compact(state: state)
            }
            // As if the crash came after the snapshot rename, before the new log replaced the old one.
            try oldLog.write(to: logURL(directory))

            do {
                let log = try Self.open(directory)
                #expect(log.recovered.snapshot == state)
                #expect(log.recovered.changes.isEmpty)  // already in the snapshot: not replayed twice
                #expect(log.recovered.warnings.count == 1)
                #expect(log.recovered.warnings.first?.contains("generation 0 predates the snapshot's 1") == true)
                #expect(log.logRecords == 0)
                try log.append(record("d"))
            }
            let log = try Self.open(directory)
            #expect(log.recovered.snapshot == state)
            #expect(log.recovered.changes == [record("d")])
            #expect(log.recovered.warnings.isEmpty)
        }
    }

    @Test func emptyLogFileIsStartedAfresh() throws {
        try withDirectory { directory in
            try append([], in: directory)
            try Data().write(to: logURL(directory))
            let log = try Self.open(directory)
            #expect(log.recovered.changes.isEmpty)
            #expect(log.recovered.warnings == ["changes.log: empty file without header, started afresh"])
            try log.append(record("x"))
            #expect(log.logRecords == 1)
        }
    }

    @Test func logAheadOfSnapshotIsAnError() throws {
        try withDirectory { directory in
            try append([record("a")], in: directory)
            let oldSnapshot = try Data(contentsOf: snapshotURL(directory))
            do {
                let log = try Self.open(directory)
                try log.compact(state: [record("a")])
                try log.append(record("b"))
            }
            try oldSnapshot.write(to: snapshotURL(directory))  // e.g. a backup restored alone
            let error = #expect(throws: ChangeLogError.self) { try Self.open(directory) }
            guard case .inconsistentFiles = error else {
                Issue.record("expected inconsistentFiles, got \(String(describing: error))")
                return
            }
        }
    }

    // MARK: - Concurrency

    @Test func concurrentAppendsAreAllKept() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("changelog-tests-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let log = try ChangeLog(directory: root)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for index in 0..<100 { try log.append(Data(#"{"task":\#(task),"index":\#(index)}"#.utf8)) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(log.logRecords == 800)
        }
        let reopened = try Self.open(root)
        #expect(reopened.recovered.warnings.isEmpty)
        let decoded = try reopened.recovered.changes.map {
            try JSONDecoder().decode([String: Int].self, from: $0)
        }
        #expect(decoded.count == 800)
        for task in 0..<8 {
            let indexes = decoded.filter { $0["task"] == task }.compactMap { $0["index"] }
            #expect(indexes == Array(0..<100))  // all there, in each task's order
        }
    }

    // MARK: - Opening errors

    @Test func directoryUnderARegularFileIsAClearError() throws {
        try withDirectory { directory in
            try FileManager.default.createDirectory(
                at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("not a directory".utf8).write(to: directory)  // a file where the directory should be
            let underFile = directory.appendingPathComponent("sub", isDirectory: true)
            let error = #expect(throws: ChangeLogError.self) { try ChangeLog(directory: underFile) }
            #expect(error == .cannotCreateDirectory(path: underFile.standardizedFileURL.path, errno: ENOTDIR))
            #expect(error?.description.contains("cannot create data directory \(underFile.standardizedFileURL.path)") == true)
            #expect(error?.description.contains("Not a directory") == true)

            let onFile = #expect(throws: ChangeLogError.self) { try Self.open(directory) }
            #expect(onFile == .notADirectory(path: directory.standardizedFileURL.path))
        }
    }

    @Test func aDirectoryIsUsedByOneChangeLogAtATime() throws {
        try withDirectory { directory in
            do {
                let first = try Self.open(directory)
                let error = #expect(throws: ChangeLogError.self) { try ChangeLog(directory: directory) }
                #expect(error == .directoryInUse(path: directory.standardizedFileURL.path))
                try first.append(record("still usable"))
            }
            let again = try Self.open(directory)  // the lock went with the first one
            #expect(again.recovered.changes == [record("still usable")])
        }
    }
}
