import Foundation
@testable import INSiServer
import INSiCore
import INSiSOAP
import Logging
import Synchronization
import Testing
import TestSupport

/// State every event loop writes on every call, kept per thread (``ThreadShards``): each
/// thread's writes land in its own shard, and readers see the whole as one.
@Suite("Per-thread state")
struct ThreadShardsTests {
    /// Runs `body` on a new thread of its own, as an event loop is, and returns what it returned
    /// once it is done (checked on the test's thread).
    @discardableResult
    static func onNewThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
        ThreadResult.start(body).wait()
    }

    static var logger: Logger {
        var logger = Logger(label: "thread-shards-tests")
        logger.logLevel = .critical
        return logger
    }

    static func call(_ messageID: String) -> CallRecord {
        CallRecord(time: 0, operation: "rechercherInsAvecTraitsIdentite", messageID: messageID, idam: nil, emitter: nil, software: nil,
                   traits: [:], code: "00", fault: nil, reason: "", matricule: nil, scenario: nil, milliseconds: 1, remoteAddress: nil)
    }

    @Test("each thread writes the shard its number picks; the readers visit every shard")
    func threadsWriteTheirShards() {
        let shards = ThreadShards<[Int]>(count: 4) { [] }
        let first = ThreadIndex.current
        #expect(ThreadIndex.current == first, "a thread keeps its number")
        shards.withLocalShard { $0.append(first) }
        // New threads until one has a shard other than this thread's (other tests' threads
        // take numbers meanwhile).
        var numbers = [first]
        repeat {
            numbers.append(Self.onNewThread {
                let number = ThreadIndex.current
                shards.withLocalShard { $0.append(number) }
                return number
            })
        } while numbers.last! % 4 == first % 4 && numbers.count < 20
        #expect(Set(numbers).count == numbers.count, "every thread has a number of its own")
        #expect(numbers.last! % 4 != first % 4)
        var seen: [[Int]] = []
        shards.forEachShard { seen.append($0) }
        #expect(seen == (0..<4).map { shard in numbers.filter { $0 % 4 == shard } })
    }

    @Test("one shard for all: threads share it, and their writes all count")
    func oneShardIsShared() {
        let shards = ThreadShards<Int>(count: 1) { 0 }
        for _ in 0..<3 { Self.onNewThread { shards.withLocalShard { $0 += 1 } } }
        shards.withLocalShard { $0 += 1 }
        var total = 0
        shards.forEachShard { total += $0 }
        #expect(total == 4)
    }

    @Test("the journal shows the newest calls whatever thread journaled them, in their order")
    func journalAcrossThreads() throws {
        let journal = try Journal(capacity: 3, logger: Self.logger)
        // One thread journals most calls: the page still holds the newest three of all.
        Self.onNewThread { for index in 1...4 { journal.record(Self.call("uuid:\(index)")) } }
        journal.record(Self.call("uuid:5"))
        Self.onNewThread { journal.record(Self.call("uuid:6")) }
        let page = journal.page(Journal.Filter())
        #expect(page.calls.map(\.seq) == [4, 5, 6])
        #expect(page.calls.map(\.messageID) == ["uuid:4", "uuid:5", "uuid:6"])
        #expect(page.last == 6)
        #expect(page.oldest == 4)
        var after = Journal.Filter()
        after.after = 4
        #expect(journal.page(after).calls.map(\.seq) == [5, 6])

        // A finding reaches a call journaled by another thread.
        journal.amend(seq: 4, adding: Finding(.headerAction, "late"))
        journal.amend(seq: 5, adding: Finding(.headerAction, "late"))
        #expect(journal.page(Journal.Filter()).calls.map(\.findings.count) == [1, 1, 0])

        journal.clear()
        #expect(journal.page(Journal.Filter()).calls.isEmpty)
        #expect(journal.page(Journal.Filter()).oldest == nil)
        Self.onNewThread { journal.record(Self.call("uuid:7")) }
        let afterClear = journal.page(Journal.Filter())
        #expect(afterClear.calls.map(\.seq) == [7], "numbering goes on after a clear")
        #expect(afterClear.last == 7)
    }

    @Test("calls journaled by turns on three threads: the newest shown, about capacity held", arguments: [1, 7, 40])
    func journalRingsByTurns(capacity: Int) throws {
        let journal = try Journal(capacity: capacity, logger: Self.logger)
        let workers = (0..<3).map { _ in WorkerThread() }
        defer { workers.forEach { $0.stop() } }
        var generator = SplitMix64(seed: UInt64(capacity))
        var wrongPages = 0
        for call in 1...600 {
            // Runs of calls on one thread, then another: rings fill, stand idle, wrap and grow.
            let worker = workers[Int(generator.next() % 7 == 0 ? generator.next() % 3 : UInt64(call / 50 % 3))]
            let seq = worker.run { journal.record(Self.call("uuid:\(call)")) }
            if seq != call { wrongPages += 1 }
            let page = journal.page(Journal.Filter(limit: Int.max))
            if page.calls.map(\.seq) != Array(max(1, call - capacity + 1)...call) || page.last != call { wrongPages += 1 }
        }
        #expect(wrongPages == 0)
        // Journaling in turn, each ring lets go of its stale calls: the rings hold the window
        // and at most a stale call or two each.
        for _ in 0..<(capacity + 10) {
            for worker in workers { _ = worker.run { journal.record(Self.call("in turn")) } }
        }
        #expect(journal.heldCount <= capacity + 6)
    }

    @Test("a ring whose thread stops journaling is let go of: about capacity calls held in all")
    func staleRingsAreTrimmed() throws {
        let capacity = 10
        let journal = try Journal(capacity: capacity, logger: Self.logger)
        let (idle, busy) = (WorkerThread(), WorkerThread())
        defer { idle.stop(); busy.stop() }
        for index in 0..<capacity { _ = idle.run { journal.record(Self.call("idle \(index)")) } }
        // Its own ring trims two stale calls a call.
        for index in 0..<capacity { _ = busy.run { journal.record(Self.call("busy \(index)")) } }
        #expect(journal.heldCount == 2 * capacity, "the idle ring still holds its calls")
        for index in 0..<3 { _ = idle.run { journal.record(Self.call("again \(index)")) } }
        #expect(journal.heldCount <= 2 * capacity - 3, "each call lets go of two stale calls of its ring")
        // Every 64th call trims another ring: within 64 × shards calls, every ring is visited.
        for index in 0..<(64 * ThreadShards<Int>.defaultCount + capacity) {
            _ = busy.run { journal.record(Self.call("busy \(index)")) }
        }
        #expect(journal.heldCount <= capacity + 2, "\(journal.heldCount) calls held for a capacity of \(capacity)")
        #expect(journal.page(Journal.Filter(limit: Int.max)).calls.count == capacity)
    }

    @Test("pages read while threads journal past the capacity: every page without a gap")
    func pagesHaveNoGap() throws {
        let capacity = 50
        let journal = try Journal(capacity: capacity, logger: Self.logger)
        let total = 20_000
        let writers = (0..<3).map { thread in
            ThreadResult.start { (0..<(total / 4)).map { index in journal.record(Self.call("uuid:\(thread)-\(index)")) }.count }
        }
        let reader = ThreadResult.start { () -> (pages: Int, broken: Int) in
            var pages = 0
            var broken = 0
            var journaled = 0
            repeat {
                let page = journal.page(Journal.Filter(limit: Int.max))
                let numbers = page.calls.map(\.seq)
                if let first = numbers.first, numbers != Array(first...page.last) || page.oldest != first || numbers.count > capacity {
                    broken += 1
                }
                journaled = page.last
                pages += 1
            } while journaled < 3 * (total / 4)
            return (pages, broken)
        }
        #expect(writers.map { $0.wait() } == [total / 4, total / 4, total / 4])
        let read = reader.wait()
        #expect(read.broken == 0, "\(read.broken) of \(read.pages) pages had a gap")
    }

    @Test("calls journaled by threads at once: each has its own number, and a poller misses none")
    func journalNumbersUnderConcurrency() throws {
        let journal = try Journal(capacity: 100_000, logger: Self.logger)
        let threads = 4
        let perThread = 2_000
        // Journaling threads, and a poller reading while they journal: every page must hold
        // every number up to its `last`, the numbers after the poller's `after`.
        let writers = (0..<threads).map { thread in
            ThreadResult.start { (0..<perThread).map { index in journal.record(Self.call("uuid:\(thread)-\(index)")) } }
        }
        let poller = ThreadResult.start { () -> (pages: Int, gaps: Int) in
            var after = 0
            var pages = 0
            var gaps = 0
            while after < threads * perThread {
                var filter = Journal.Filter(limit: Int.max)
                filter.after = after
                let page = journal.page(filter)
                if page.calls.map(\.seq) != Array(stride(from: after + 1, through: page.last, by: 1)) { gaps += 1 }
                after = page.last
                pages += 1
            }
            return (pages, gaps)
        }
        let numbers = writers.flatMap { $0.wait() }
        #expect(numbers.count == threads * perThread)
        #expect(Set(numbers) == Set(1...(threads * perThread)), "each call has a number of its own")
        let polled = poller.wait()
        #expect(polled.gaps == 0, "a page missed calls numbered up to its last (\(polled.pages) pages)")
        #expect(journal.page(Journal.Filter(limit: Int.max)).calls.map(\.seq) == Array(1...(threads * perThread)))
    }

    @Test("metrics counted on several threads add up when read")
    func metricsAddUp() {
        let metrics = SimulatorMetrics()
        Self.onNewThread { metrics.record(Self.call("a")) }
        Self.onNewThread { metrics.record(Self.call("b")) }
        metrics.record(Self.call("c"))
        let text = metrics.render(SimulatorMetrics.Readings())
        #expect(text.contains("insi_calls_total{operation=\"rechercherInsAvecTraitsIdentite\",code=\"00\"} 3\n"))
        #expect(text.contains("insi_call_duration_seconds_count 3\n"))
    }

    @Test("a budget grants its limit in a second, refuses beyond, and its refusals on every thread add up")
    func rateBudget() {
        let budget = RateBudget(perSecond: 2)
        #expect(budget.take(at: 10.5))
        #expect(budget.take(at: 10.6))
        #expect(!budget.take(at: 10.7))
        #expect(!Self.onNewThread { budget.take(at: 10.8) })
        #expect(budget.refused == 2)
        // A new second, a new budget.
        #expect(budget.take(at: 11.0))
    }

    @Test("whether any scenario is active follows every change, a scenario used up included")
    func scenarioStoreEmptiness() {
        let store = ScenarioStore()
        #expect(store.isEmpty)
        let scenario = store.put(Scenario(times: 1, effect: .close))
        #expect(!store.isEmpty)
        let request = INSiRequest(headers: SOAPHeaders(), body: .traits(TraitsSearchRequest(birthName: "A", firstNames: ["B"], sex: "F", birthDate: "2000-01-01")))
        #expect(store.claim(for: request)?.scenario.id == scenario.id)
        #expect(store.isEmpty, "its one application used, it is gone")
        store.put(Scenario(id: "kept", effect: .close))
        #expect(!store.isEmpty)
        #expect(store.delete("kept"))
        #expect(store.isEmpty)
        store.put(Scenario(effect: .close))
        store.clear()
        #expect(store.isEmpty)
    }
}

/// A thread that runs what it is given, one closure at a time, until stopped: a thread that
/// stays, as an event loop does.
final class WorkerThread: @unchecked Sendable {
    // `work` and `stopping` are read and written under `lock`; `ready` counts the closures queued.
    private let lock = NSLock()
    private var work: [@Sendable () -> Void] = []
    private var stopping = false
    private let ready = DispatchSemaphore(value: 0)

    init() {
        Thread { [self] in
            while true {
                ready.wait()
                let next: (@Sendable () -> Void)? = lock.withLock { stopping ? nil : work.removeFirst() }
                guard let next else { return }
                next()
            }
        }.start()
    }

    /// Runs `body` on the thread and returns its result.
    func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
        let result = ThreadResult<Value>()
        lock.withLock { work.append { result.set(body()) } }
        ready.signal()
        return result.wait()
    }

    func stop() {
        lock.withLock { stopping = true }
        ready.signal()
    }
}
