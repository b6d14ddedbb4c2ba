import Synchronization

/// At most `limit` grants a second, asked from any thread without a lock: the judge's bounds on
/// the work a load test can cause (schema validations, judged calls). Two threads crossing into
/// a new second at once may grant a few more than the limit: the budget is approximate.
final class RateBudget: Sendable {
    let limit: Int
    // The second being counted (seconds since 1970), and the grants made in it.
    private let second = Atomic<Int>(0)
    private let used = Atomic<Int>(0)
    // Refusals since start, counted by each thread apart: refusing is what every call does once
    // the second's budget is spent, and one shared count moved between the cores on each.
    private let refusals = ThreadShards { 0 }

    init(perSecond limit: Int) {
        self.limit = limit
    }

    /// Whether one more is granted at `time` (seconds since 1970).
    func take(at time: Double) -> Bool {
        let now = Int(time)
        if second.load(ordering: .relaxed) != now {
            second.store(now, ordering: .relaxed)
            used.store(0, ordering: .relaxed)
        }
        // Once the budget is spent, refused without writing the shared count.
        guard used.load(ordering: .relaxed) < limit, used.add(1, ordering: .relaxed).newValue <= limit else {
            refusals.withLocalShard { $0 += 1 }
            return false
        }
        return true
    }

    /// Refusals since start.
    var refused: Int {
        var total = 0
        refusals.forEachShard { total += $0 }
        return total
    }
}
