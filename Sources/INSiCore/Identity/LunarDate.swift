/// A birth date as INSi writes it, `YYYY-MM-DD`, where the month and/or the day may be `00`
/// when unknown ("lunar" dates). Two lunar dates are equal only when identical.
///
/// Stored packed (4 bytes) because a base holds a million of them.
public struct LunarDate: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let year: UInt16
    /// 0 when unknown.
    public let month: UInt8
    /// 0 when unknown.
    public let day: UInt8

    /// Parses `YYYY-MM-DD`; nil when the shape is wrong or the date impossible (2021-02-30, month 13).
    public init?(_ text: String) {
        var parsed: (Int, Int, Int)?
        var copy = text
        copy.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return }
            parsed = (year, month, day)
        }
        guard let (year, month, day) = parsed else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Builds a date from its parts; nil when impossible. Month or day 0 means unknown.
    public init?(year: Int, month: Int, day: Int) {
        guard (1800...9999).contains(year), (0...12).contains(month), (0...31).contains(day) else { return nil }
        if month != 0 && day != 0 {
            guard day <= LunarDate.daysIn(month: month, year: year) else { return nil }
        }
        self.year = UInt16(year)
        self.month = UInt8(month)
        self.day = UInt8(day)
    }

    /// `YYYY-MM-DD`.
    public var text: String {
        // Ten ASCII bytes: a small string, written in place, without interpolation or an array
        // (an allocation and 250 instructions: it is written in every answer).
        let zero = UInt8(ascii: "0")
        let y = Int(year)
        return String(unsafeUninitializedCapacity: 10) { bytes in
            bytes[0] = zero + UInt8(y / 1000 % 10)
            bytes[1] = zero + UInt8(y / 100 % 10)
            bytes[2] = zero + UInt8(y / 10 % 10)
            bytes[3] = zero + UInt8(y % 10)
            bytes[4] = UInt8(ascii: "-")
            bytes[5] = zero + month / 10
            bytes[6] = zero + month % 10
            bytes[7] = UInt8(ascii: "-")
            bytes[8] = zero + day / 10
            bytes[9] = zero + day % 10
            return 10
        }
    }

    /// True when the month or the day is unknown.
    public var isLunar: Bool { month == 0 || day == 0 }

    public var description: String { text }

    public static func < (lhs: LunarDate, rhs: LunarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
