import Foundation

/// The time of day calls are stamped with, in seconds since 1970: the journal's times, and every
/// rule that counts seconds between calls. Tests give a clock they move by hand.
public protocol WallClock: Sendable {
    func now() -> Double
}

/// The system's clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }
}
