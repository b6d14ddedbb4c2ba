import Foundation
import Glibc
import INSiCore
import Logging
import Synchronization

/// The calls the server answered, newest last: kept in memory (bounded) for `GET /admin/journal`
/// and, with `--journal PATH`, appended to a JSON Lines file.
public final class Journal: Sendable {
    /// Filters of `GET /admin/journal`.
    public struct Filter: Sendable {
        public var messageID: String?
        /// Prefix of the birth name sent (upper-cased).
        public var birthName: String?
        /// "00", "01", "02" or "fault".
        public var code: String?
        /// Seconds since 1970.
        public var since: Double?
        /// Only calls journaled after this number (``CallRecord/seq``): what a poller has not seen.
        public var after: Int?
        /// A client's ``ClientIdentity/id``.
        public var client: String?
        /// Only calls with a finding of this rule id (`any` for any finding).
        public var rule: String?
        public var limit: Int

        public init(messageID: String? = nil, birthName: String? = nil, code: String? = nil, since: Double? = nil, limit: Int = 100) {
            self.messageID = messageID
            self.birthName = birthName
            self.code = code
            self.since = since
            self.limit = limit
        }

        func accepts(_ record: CallRecord) -> Bool {
            if let after, record.seq <= after { return false }
            if let messageID, record.messageID != messageID { return false }
            if let code, record.code != code { return false }
            if let since, record.time < since { return false }
            if let client, record.client?.id != client { return false }
            if let rule {
                guard rule == "any" ? !record.findings.isEmpty : record.findings.contains(where: { $0.rule.rawValue == rule }) else { return false }
            }
            if let birthName {
                guard let sent = record.traits["NomNaissance"], sent.uppercased().hasPrefix(birthName.uppercased()) else { return false }
            }
            return true
        }
    }

    private struct Ring {
        var records: [CallRecord] = []
        var start = 0
        var total = 0
    }

    public let capacity: Int
    // Protects the ring of recent calls: appended by every event loop, read by the admin API.
    private let ring: Mutex<Ring>
    private let file: JournalFile?

    /// - Parameter path: a JSON Lines file to append every call to, created when absent.
    public init(capacity: Int = 10_000, path: String? = nil, logger: Logger) throws {
        self.capacity = max(1, capacity)
        ring = Mutex(Ring())
        file = try path.map { try JournalFile(path: $0, logger: logger) }
    }

    /// Keeps the call and gives it its number (``CallRecord/seq``), which it returns.
    @discardableResult
    public func record(_ call: CallRecord) -> Int {
        var call = call
        // The record pushed out of a full ring is freed after the lock is released: freeing
        // its strings is most of this call's work, and the other event loops wait for the lock.
        let (seq, pushedOut) = ring.withLock { ring -> (Int, CallRecord?) in
            ring.total += 1
            call.seq = ring.total
            guard ring.records.count >= capacity else {
                ring.records.append(call)
                return (ring.total, nil)
            }
            let old = ring.records[ring.start]
            ring.records[ring.start] = call
            ring.start = (ring.start + 1) % capacity
            return (ring.total, old)
        }
        withExtendedLifetime(pushedOut) {}
        file?.append(call)
        return seq
    }

    /// Adds a finding to the call `seq` while the journal still holds it in memory (the file
    /// keeps the line as written: a finding that shows later is in memory and in the reports).
    public func amend(seq: Int, adding finding: Finding) {
        ring.withLock { ring in
            let oldest = ring.total - ring.records.count + 1
            guard seq >= oldest, seq <= ring.total else { return }
            let index = (ring.start + (seq - oldest)) % ring.records.count
            guard ring.records[index].seq == seq else { return }
            ring.records[index].findings.append(finding)
        }
    }

    /// A page of the journal, read at one instant.
    public struct Page: Sendable {
        /// How many calls held in memory match the filter (before the limit).
        public var total: Int
        /// The matching calls, oldest first, at most the filter's limit (the newest ones).
        public var calls: [CallRecord]
        /// The number of the last call journaled when the page was read: a poller asking for
        /// the calls `after` it next misses none (read under the same lock as the calls).
        public var last: Int
        /// The number of the oldest call held; nil when none is.
        public var oldest: Int?
    }

    /// Matching calls, oldest first, at most `filter.limit` (the newest ones).
    public func page(_ filter: Filter) -> Page {
        let (snapshot, last) = ring.withLock { ring in
            (Array(ring.records[ring.start...] + ring.records[..<ring.start]), ring.total)
        }
        let matching = snapshot.filter(filter.accepts)
        return Page(total: matching.count, calls: Array(matching.suffix(max(0, filter.limit))), last: last,
                    oldest: snapshot.isEmpty ? nil : last - snapshot.count + 1)
    }

    /// Matching calls, oldest first, at most `filter.limit` (the newest ones), and how many calls
    /// held in memory match the filter (before the limit).
    public func calls(_ filter: Filter) -> (total: Int, calls: [CallRecord]) {
        let page = page(filter)
        return (page.total, page.calls)
    }

    /// Forgets the calls held in memory; numbering goes on.
    public func clear() {
        ring.withLock { ring in ring = Ring(records: [], start: 0, total: ring.total) }
    }

    /// Waits until every call handed to the file is written (tests, shutdown).
    public func flush() { file?.flush() }

    /// Lines the journal file dropped because the disk could not keep up (0 without a file).
    public var droppedLines: Int { file?.droppedLines ?? 0 }
}

/// Appends journal lines on a serial queue, off the event loops: a slow disk must not slow calls.
final class JournalFile: Sendable {
    /// Lines waiting for the disk before new ones are dropped (and counted) rather than queued.
    static let maxPending = 10_000

    private let file: FileDescriptor
    private let queue = DispatchQueue(label: "insi-sim.journal")
    private let logger: Logger
    // Lines queued and not yet written; lines dropped because the disk could not keep up.
    private let pending = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    init(path: String, logger: Logger) throws {
        // O_APPEND: every line lands at the end of the file, even when another process (log
        // rotation, a second writer) moved it meanwhile.
        do {
            file = try POSIXFile.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)
        } catch {
            throw JournalError(description: "cannot open the journal file: \(error)")
        }
        self.logger = logger
    }

    var droppedLines: Int { dropped.load(ordering: .relaxed) }

    func append(_ call: CallRecord) {
        guard pending.add(1, ordering: .relaxed).newValue <= JournalFile.maxPending else {
            pending.subtract(1, ordering: .relaxed)
            let count = dropped.add(1, ordering: .relaxed).newValue
            if count == 1 || count % 10_000 == 0 {
                logger.warning("journal file: the disk does not keep up; lines are dropped (see insi_journal_lines_dropped_total)",
                               metadata: ["dropped": "\(count)"])
            }
            return
        }
        queue.async { [self] in
            defer { pending.subtract(1, ordering: .relaxed) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                var line = try encoder.encode(call)
                line.append(0x0A)
                try POSIXFile.writeAll(file, Array(line))
            } catch {
                logger.warning("journal file: a line could not be written", metadata: ["error": "\(error)"])
            }
        }
    }

    func flush() { queue.sync {} }
}

struct JournalError: Error, CustomStringConvertible {
    let description: String
}
