#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import INSiSOAP
import Synchronization

/// State that every event loop writes on every call (the journal's recent calls, the metrics'
/// counters), kept in one copy per thread, each under its own lock in cache lines of its own.
/// A thread works on its shard (``withLocalShard(_:)``); readers visit every shard.
///
/// Why: one copy written by both loops moved its cache lines, and its lock's, from core to core
/// on every call, and the records a loop pushed out of a shared journal ring had been allocated
/// by the other loop (freeing them went through the other thread's memory). Two threads calling
/// at once cost 8.85 to 8.95 µs a call where one cost 7.85 (`insi-sim-call-bench --threads 2`,
/// medians); with the journal, the metrics and the judge's refusals kept per thread, 8.2 to 8.5
/// against 7.8 to 8.0 (the log lines, tried too, stay in one buffer for their order).
///
/// Shards are picked by ``ThreadIndex``: the first `count` threads to ask get shards of their
/// own; later ones share (correct, as every shard has its lock, only not apart).
final class ThreadShards<State: Sendable>: @unchecked Sendable {
    // Sendable: the shards are made in `init` and never replaced; each one's state is reached
    // only through its Mutex.
    private let shards: UnsafeMutablePointer<Shard>

    /// How many shards there are.
    let count: Int

    /// Shards made when no count is given: twice the cores, 16 at least, a power of two: more
    /// than the threads that write on every call (the event loops, one per core by default or
    /// as many as `--event-loops` asks up to twice the cores, the judge's worker), so that each
    /// of them mostly gets one of its own.
    static var defaultCount: Int {
        var count = 16
        while count < 2 * ProcessInfo.processInfo.activeProcessorCount { count *= 2 }
        return count
    }

    init(count: Int = ThreadShards.defaultCount, _ makeState: () -> State) {
        self.count = max(1, count)
        shards = .allocate(capacity: self.count)
        for index in 0..<self.count {
            (shards + index).initialize(to: Shard(makeState()))
        }
    }

    deinit {
        shards.deinitialize(count: count)
        shards.deallocate()
    }

    /// Runs `body` on the calling thread's shard, under that shard's lock.
    func withLocalShard<Result, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try shards[ThreadIndex.current % count].withLock(body)
    }

    /// Runs `body` on the shard `index` (below ``count``) if no other thread holds its lock
    /// now; nil when one does.
    func withShardIfAvailable<Result: Sendable>(at index: Int, _ body: (inout State) -> Result) -> Result? {
        shards[index].withLockIfAvailable(body)
    }

    /// Runs `body` on each shard in turn, each under its lock, until it returns true; whether it did.
    func firstShard(where body: (inout State) -> Bool) -> Bool {
        for index in 0..<count where shards[index].withLock(body) { return true }
        return false
    }

    /// Runs `body` on each shard in turn, each under its lock (one lock held at a time).
    func forEachShard(_ body: (inout State) -> Void) {
        for index in 0..<count {
            shards[index].withLock(body)
        }
    }

    /// One shard: its state and lock between two blocks never written, so that nothing allocated
    /// next to it shares their cache lines.
    private final class Shard: @unchecked Sendable {
        // Sendable: `state` is read and written only while `lock` is held. A pointer rather than
        // a stored property: the property's every access was checked for exclusivity at run time.
        private let before = CacheLinePadding()
        private let lock = Mutex<Void>(())
        private let state: UnsafeMutablePointer<State>
        private let after = CacheLinePadding()

        init(_ state: State) {
            // Whole cache lines of its own: the shards' states, allocated one after the other,
            // would otherwise share lines.
            let lines = (MemoryLayout<State>.stride + 127) / 128
            let memory = UnsafeMutableRawPointer.allocate(byteCount: max(1, lines) * 128, alignment: 128)
            self.state = memory.bindMemory(to: State.self, capacity: 1)
            self.state.initialize(to: state)
        }

        deinit {
            state.deinitialize(count: 1)
            UnsafeMutableRawPointer(state).deallocate()
        }

        func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
            try lock.withLock { (_: inout Void) throws(Failure) -> Result in try body(&state.pointee) }
        }

        func withLockIfAvailable<Result: Sendable>(_ body: (inout State) -> Result) -> Result? {
            lock.withLockIfAvailable { (_: inout Void) -> Result in body(&state.pointee) }
        }
    }
}

/// A small number per thread: 0, 1, 2... in the order threads first ask, kept for the thread's
/// life. ``ThreadShards`` picks a shard with it.
enum ThreadIndex {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key, nil)
        precondition(created == 0, "pthread_key_create failed (\(created)): the process has used up its thread-specific keys")
        return key
    }()

    private static let next = Atomic<Int>(0)

    /// The calling thread's number.
    static var current: Int {
        let key = key
        // Stored as the number plus one: a thread that never asked reads nil.
        if let stored = pthread_getspecific(key) {
            return Int(bitPattern: stored) - 1
        }
        let index = next.add(1, ordering: .relaxed).oldValue
        let stored = pthread_setspecific(key, UnsafeRawPointer(bitPattern: index + 1))
        // Fails only without memory for the thread's table of keys.
        precondition(stored == 0, "pthread_setspecific failed (\(stored))")
        return index
    }
}
