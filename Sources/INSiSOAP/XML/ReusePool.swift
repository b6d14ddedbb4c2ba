import Synchronization

/// Up to `capacity` values kept for reuse between parses, behind a lock: the storage of
/// ``ParserContextPool`` and ``INSiRequestEventReader/Pool``, which decide what is worth
/// keeping and how a value is readied again.
final class ReusePool<Element: Sendable>: Sendable {
    private let capacity: Int
    private let kept: Mutex<[Element]>

    init(capacity: Int) {
        self.capacity = capacity
        var kept: [Element] = []
        kept.reserveCapacity(capacity)
        self.kept = Mutex(kept)
    }

    /// The value kept last, if any.
    func take() -> Element? {
        kept.withLock { $0.popLast() }
    }

    /// Keeps `element`; false when the pool is full, and then the caller disposes of it.
    func give(_ element: Element) -> Bool {
        kept.withLock { kept in
            guard kept.count < capacity else { return false }
            kept.append(element)
            return true
        }
    }

    /// Values kept (tests).
    var count: Int { kept.withLock { $0.count } }
}
