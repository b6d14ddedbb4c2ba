import HTTPServer
import Synchronization

/// A server clock the test moves by hand: a 60-second timeout is checked without waiting.
final class ManualClock: ServerClock {
    private let value = Atomic<UInt64>(1_000_000_000_000)

    func nanoseconds() -> UInt64 { value.load(ordering: .acquiring) }

    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        value.add(UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000), ordering: .releasing)
    }
}

extension TestClient {
    /// Moves `clock` by `step` until `read` gives something (at most 100 moves). The server may
    /// see the client's bytes after any of the moves: each move past a timeout from then on
    /// fires it at the loop's next sweep, which `read` waits for briefly.
    func moving<T>(_ clock: ManualClock, by step: Duration, until read: (TestClient) -> T?) -> T? {
        for _ in 0..<100 {
            clock.advance(by: step)
            if let value = read(self) { return value }
        }
        return nil
    }
}
