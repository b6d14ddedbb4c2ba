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

    /// One thread's recent calls, oldest first from `start`, in the order of their numbers.
    private struct Ring {
        /// Up to the journal's capacity slots, reused in turn; nil where a call was let go.
        var slots: [CallRecord?] = []
        var start = 0
        var count = 0

        /// The calls held, oldest first.
        var calls: some Sequence<CallRecord> {
            (0..<count).lazy.compactMap { [slots, start] in slots[(start + $0) % slots.count] }
        }

        /// Where the call `seq` is held, if it is.
        func index(of seq: Int) -> Int? {
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                let index = (start + middle) % slots.count
                guard let held = slots[index]?.seq else { return nil }
                if held == seq { return index }
                if held < seq { low = middle + 1 } else { high = middle }
            }
            return nil
        }

        /// The oldest call, taken out.
        mutating func removeOldest() -> CallRecord? {
            guard count > 0 else { return nil }
            let oldest = slots[start].take()
            start = (start + 1) % slots.count
            count -= 1
            return oldest
        }

        /// Adds the newest call; returns the oldest when every slot of `capacity` was taken.
        mutating func append(_ call: CallRecord, capacity: Int) -> CallRecord? {
            if count == slots.count && slots.count < capacity {
                grow(to: min(capacity, max(16, slots.count * 2)))
            }
            let pushedOut = count == slots.count ? removeOldest() : nil
            slots[(start + count) % slots.count] = call
            count += 1
            return pushedOut
        }

        /// More slots, the calls held moved to the first ones in order (doubling: a ring that
        /// grows to a million slots moves each call a few times, not once per slot added).
        private mutating func grow(to size: Int) {
            var grown: [CallRecord?] = []
            grown.reserveCapacity(size)
            for offset in 0..<count { grown.append(slots[(start + offset) % slots.count].take()) }
            grown.append(contentsOf: repeatElement(nil, count: size - count))
            slots = grown
            start = 0
        }

        /// The oldest call, taken out when it is too old to be shown (numbered `oldestShown` - 1
        /// or less: the other rings hold newer ones); nil when it is not, or none is held.
        mutating func removeOldest(before oldestShown: Int) -> CallRecord? {
            guard count > 0, let oldest = slots[start], oldest.seq < oldestShown else { return nil }
            return removeOldest()
        }
    }

    /// How many of the newest calls `GET /admin/journal` can show.
    public let capacity: Int
    // The calls, kept by the thread that journaled them (each event loop, the judge's worker):
    // one ring written by every loop moved its lines between the cores on every call, and freed
    // records the other loop had allocated. Each ring keeps up to `capacity` calls, so the rings
    // together hold the newest `capacity` calls whatever the loops' shares (a call among them has
    // fewer than `capacity` newer ones, so its ring still holds it); and a ring lets go of calls
    // older than those as it journals, so that the rings together hold about `capacity` calls,
    // not `capacity` each. Read by the admin API.
    private let rings: ThreadShards<Ring>
    // The number of the last call journaled. Taken under the lock of the ring the call goes to:
    // a reader that loads it, then visits the rings, finds every call numbered up to it.
    private let lastNumber = Atomic<Int>(0)
    private let file: JournalFile?

    /// - Parameter path: a JSON Lines file to append every call to, created when absent.
    public init(capacity: Int = 10_000, path: String? = nil, logger: Logger) throws {
        self.capacity = max(1, capacity)
        rings = ThreadShards { Ring() }
        file = try path.map { try JournalFile(path: $0, logger: logger) }
    }

    /// Keeps the call and gives it its number (``CallRecord/seq``), which it returns.
    @discardableResult
    public func record(_ call: CallRecord) -> Int {
        var call = call
        // The calls let go of are freed after the lock is released: freeing their strings is
        // most of this call's work.
        let (seq, pushedOut, dropped) = rings.withLocalShard { ring -> (Int, CallRecord?, (CallRecord?, CallRecord?)) in
            call.seq = lastNumber.add(1, ordering: .acquiringAndReleasing).newValue
            // Two, so that a ring that stood idle empties as it journals again, one call at a time.
            let oldestShown = call.seq - capacity + 1
            let dropped = (ring.removeOldest(before: oldestShown), ring.removeOldest(before: oldestShown))
            return (call.seq, ring.append(call, capacity: capacity), dropped)
        }
        withExtendedLifetime((pushedOut, dropped)) {}
        // Every 64th call, a look at another ring: a ring whose thread stopped journaling (a
        // Dispatch worker that went away) keeps calls too old to be shown until trimmed here.
        if seq & 63 == 0 { trimStaleCalls(ring: (seq >> 6) % rings.count, oldestShown: seq - capacity + 1) }
        file?.append(call)
        return seq
    }

    /// Lets go of every call of the ring `index` too old to be shown, unless its thread holds
    /// its lock now (it trims its own ring as it journals).
    private func trimStaleCalls(ring index: Int, oldestShown: Int) {
        let dropped = rings.withShardIfAvailable(at: index) { ring -> [CallRecord] in
            var dropped: [CallRecord] = []
            while let oldest = ring.removeOldest(before: oldestShown) { dropped.append(oldest) }
            // An emptied ring gives its slots back.
            if ring.count == 0 && !ring.slots.isEmpty { ring = Ring() }
            return dropped
        }
        withExtendedLifetime(dropped) {}
    }

    /// Adds a finding to the call `seq` while the journal still holds it in memory (the file
    /// keeps the line as written: a finding that shows later is in memory and in the reports).
    public func amend(seq: Int, adding finding: Finding) {
        _ = rings.firstShard { ring in
            guard let index = ring.index(of: seq) else { return false }
            ring.slots[index]?.findings.append(finding)
            return true
        }
    }

    /// A page of the journal.
    public struct Page: Sendable {
        /// How many calls held in memory match the filter (before the limit).
        public var total: Int
        /// The matching calls, oldest first, at most the filter's limit (the newest ones).
        public var calls: [CallRecord]
        /// The number of the last call journaled when the page was read: a poller asking for
        /// the calls `after` it next misses none (every call numbered up to it is in the page
        /// when it matches and is still held).
        public var last: Int
        /// The number of the oldest call held; nil when none is. Every call numbered from it to
        /// `last` is held (none was let go of since), unless the journal was cleared meanwhile.
        public var oldest: Int?
    }

    /// Matching calls, oldest first, at most `filter.limit` (the newest ones).
    public func page(_ filter: Filter) -> Page {
        let (held, last) = heldCalls()
        let matching = held.filter(filter.accepts)
        return Page(total: matching.count, calls: Array(matching.suffix(max(0, filter.limit))), last: last,
                    oldest: held.first?.seq)
    }

    /// The calls held, oldest first, numbered up to `last`, with no gap: the newest `capacity`
    /// (fewer when calls came while the rings were visited).
    private func heldCalls() -> (calls: [CallRecord], last: Int) {
        // Loaded before the rings are visited: a call numbered up to it was put in its ring
        // under the ring's lock, which this visit takes after; calls numbered later are left
        // for the next page.
        let last = lastNumber.load(ordering: .acquiring)
        var held: [CallRecord] = []
        rings.forEachShard { ring in
            held.append(contentsOf: ring.calls.lazy.filter { $0.seq <= last })
        }
        // Loaded again after: a ring visited late may have let go of calls a ring visited early
        // still showed. Every call let go of meanwhile is numbered below the window this number
        // ends, so the calls kept from there up have no gap.
        let end = lastNumber.load(ordering: .acquiring)
        held.removeAll { $0.seq <= end - capacity }
        held.sort { $0.seq < $1.seq }
        return (held, last)
    }

    /// Calls held in memory, shown or not yet let go of (tests).
    var heldCount: Int {
        var held = 0
        rings.forEachShard { held += $0.count }
        return held
    }

    /// Matching calls, oldest first, at most `filter.limit` (the newest ones), and how many calls
    /// held in memory match the filter (before the limit).
    public func calls(_ filter: Filter) -> (total: Int, calls: [CallRecord]) {
        let page = page(filter)
        return (page.total, page.calls)
    }

    /// Forgets the calls held in memory; numbering goes on.
    public func clear() {
        // Ring by ring: every call journaled before is forgotten; one journaled meanwhile may be kept.
        rings.forEachShard { ring in ring = Ring() }
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
