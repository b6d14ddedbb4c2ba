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
