import Glibc

/// The `Date` header line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second.
/// Each event loop owns one, so no locking is needed.
struct DateCache {
    private var second: Int = -1
    private(set) var line: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for the current second.
    mutating func currentLine() -> [UInt8] {
        var now = time(nil)
        if now != second {
            second = now
            var parts = tm()
            gmtime_r(&now, &parts)
            line = Self.format(parts)
        }
        return line
    }

    static func format(_ parts: tm) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40)
        func two(_ value: Int32) {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (value / 10) % 10))
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
        }
        bytes.append(contentsOf: "Date: ".utf8)
        bytes.append(contentsOf: days[Int(parts.tm_wday).clamped(0, 6)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        two(parts.tm_mday)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: months[Int(parts.tm_mon).clamped(0, 11)].utf8)
        bytes.append(ASCII.space)
        ASCII.appendDecimal(Int(parts.tm_year) + 1900, to: &bytes)
        bytes.append(ASCII.space)
        two(parts.tm_hour)
        bytes.append(ASCII.colon)
        two(parts.tm_min)
        bytes.append(ASCII.colon)
        two(parts.tm_sec)
        bytes.append(contentsOf: " GMT\r\n".utf8)
        return bytes
    }
}

extension Int {
    fileprivate func clamped(_ low: Int, _ high: Int) -> Int {
        Swift.min(Swift.max(self, low), high)
    }
}
