import Foundation

/// Builds the base on a second thread while the loading thread reads and validates the next
/// records: inserting a million identities into the hash indexes is a third of the load, and
/// overlapping it with the parsing brings a million-identity load well under 5 s on two cores.
///
/// The loading thread hands over batches of validated identities in file order; this thread
/// inserts them in that order, so the base and the first conflict are the same as inserting
/// one by one.
final class SeedInsertPipeline: @unchecked Sendable {
    // Everything below is guarded by `condition`, except `base` and `conflict`, which only the
    // inserting thread touches until `finished` is set, and only the loading thread after.
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var closed = false
    private var finished = false
    private var base: ReferenceBase
    private var conflict: SeedError?

    /// Validated identities and the file position (from 1) of the first one.
    struct Batch {
        var firstPosition: Int
        var identities: [Identity]
    }

    /// Batches waiting at most: bounds the memory held between the two threads.
    static let maxQueued = 8
    static let batchSize = 4_096

    init(nameMatching: NameMatching) {
        base = ReferenceBase(nameMatching: nameMatching)
        let thread = Thread { [self] in run() }
        thread.name = "seed-insert"
        thread.start()
    }

    /// Queues a batch; waits while the inserting thread is too far behind.
    func send(_ batch: Batch) {
        guard !batch.identities.isEmpty else { return }
        condition.lock()
        while queue.count >= SeedInsertPipeline.maxQueued { condition.wait() }
        queue.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Waits for every queued identity to be inserted; the base and its first conflict (a
    /// duplicate active matricule, with the record's position).
    func finish() -> (ReferenceBase, SeedError?) {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        return (base, conflict)
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            guard conflict == nil else { continue }
            for (offset, identity) in batch.identities.enumerated() {
                do {
                    try base.insert(identity)
                } catch {
                    conflict = .record(position: batch.firstPosition + offset, name: identity.traits.displayName,
                                       field: "ins.matricule", reason: error.description)
                    break
                }
            }
        }
    }
}
