import Glibc

/// The time the event loops judge timeouts by: nanoseconds on a monotonic scale, where only
/// differences matter. The server uses ``MonotonicClock``; tests give a clock they move by hand,
/// so that a 60-second idle timeout is checked without waiting a minute.
public protocol ServerClock: Sendable {
    func nanoseconds() -> UInt64
}

/// `CLOCK_MONOTONIC`.
public struct MonotonicClock: ServerClock {
    public init() {}

    public func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
