#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock of log lines: seconds since 1970 and the local time's offset from UTC at a
/// given second. Tests inject fixed ones; the default reads the system's.
public struct LogClock: Sendable {
    public var seconds: @Sendable () -> Int
    /// Seconds east of UTC of local time at the given second (the time zone's rules, summer time).
    public var utcOffset: @Sendable (Int) -> Int

    public init(seconds: @escaping @Sendable () -> Int, utcOffset: @escaping @Sendable (Int) -> Int) {
        self.seconds = seconds
        self.utcOffset = utcOffset
    }

    /// The system's clock and time zone, as `StreamLogHandler` uses them (`localtime`).
    public static let system = LogClock(
        seconds: { Int(time(nil)) },
        utcOffset: { seconds in
            var time = time_t(seconds)
            var local = tm()
            guard localtime_r(&time, &local) != nil else { return 0 }
            return Int(local.tm_gmtoff)
        }
    )
}

/// The timestamp of the current second, formatted once per second rather than once per line:
/// `2026-11-23T08:40:55+0100` (what `StreamLogHandler` writes) and, for JSON, the RFC 3339
/// spelling `2026-11-23T08:40:55+01:00`.
struct LogTimestamp {
    private(set) var second = Int.min
    private(set) var text: [UInt8] = []
    private(set) var rfc3339: [UInt8] = []

    /// Brings the cached texts to `second`; `utcOffset` is only asked when the second changed.
    mutating func update(to second: Int, utcOffset: (Int) -> Int) {
        guard second != self.second else { return }
        self.second = second
        let offset = utcOffset(second)
        var shifted = time_t(second + offset)
        var fields = tm()
        _ = gmtime_r(&shifted, &fields)
        var date: [UInt8] = []
        date.reserveCapacity(32)
        Self.digits(Int(fields.tm_year) + 1900, 4, into: &date)
        date.append(UInt8(ascii: "-"))
        Self.digits(Int(fields.tm_mon) + 1, 2, into: &date)
        date.append(UInt8(ascii: "-"))
        Self.digits(Int(fields.tm_mday), 2, into: &date)
        date.append(UInt8(ascii: "T"))
        Self.digits(Int(fields.tm_hour), 2, into: &date)
        date.append(UInt8(ascii: ":"))
        Self.digits(Int(fields.tm_min), 2, into: &date)
        date.append(UInt8(ascii: ":"))
        Self.digits(Int(fields.tm_sec), 2, into: &date)
        date.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let minutes = abs(offset) / 60
        text = date
        Self.digits(minutes / 60, 2, into: &text)
        Self.digits(minutes % 60, 2, into: &text)
        rfc3339 = date
        Self.digits(minutes / 60, 2, into: &rfc3339)
        rfc3339.append(UInt8(ascii: ":"))
        Self.digits(minutes % 60, 2, into: &rfc3339)
    }

    private static func digits(_ value: Int, _ width: Int, into bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
