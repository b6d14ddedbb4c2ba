import INSiCore
import INSiSOAP

/// The rules judged on one call alone, on the event loop: headers and traits. Each is a few
/// byte scans; a well-written call allocates nothing (its findings array stays empty).
/// The rules that need the schemas, the base or earlier calls run on the ``Judge``'s worker.
enum CallChecks {
    /// How far ContexteLPS/Temps may be from the server's clock.
    static let clockTolerance = 300.0

    /// - Parameters:
    ///   - hasContentTypeAction: whether the Content-Type carried an `action` parameter.
    ///   - now: the server's time, seconds since 1970.
    static func findings(for request: INSiRequest, hasContentTypeAction: Bool, now: Double) -> [Finding] {
        var findings: [Finding] = []
        headers(request.headers, hasContentTypeAction: hasContentTypeAction, now: now, into: &findings)
        switch request.body {
        case .traits(let traits):
            if let name = traits.birthName, !name.isEmpty { TraitChecks.name(name, kind: .birthName, into: &findings) }
            TraitChecks.firstNames(traits.firstNames, into: &findings)
            TraitChecks.birthDate(traits.birthDate, into: &findings)
            TraitChecks.birthPlace(traits.birthPlace, into: &findings)
        case .vitale(let vitale):
            if let name = vitale.birthName, !name.isEmpty { TraitChecks.name(name, kind: .birthName, into: &findings) }
            if let date = vitale.birthDate, !date.isEmpty {
                TraitChecks.birthDate(date, into: &findings)
            } else {
                findings.append(Finding(.vitaleBeneficiary, "no DateNaissance: the service picks the card's beneficiary by birth date"))
            }
        }
        return findings
    }

    static func headers(_ headers: SOAPHeaders, hasContentTypeAction: Bool, now: Double, into findings: inout [Finding]) {
        if let lps = headers.lps {
            func absent(_ value: String?) -> Bool { value?.isEmpty ?? true }
            // Checked before any array is made: this runs for every call.
            if absent(lps.idam) || absent(lps.version) || absent(lps.instance) || absent(lps.name) {
                let missing = [("IDAM", lps.idam), ("Version", lps.version), ("Instance", lps.instance), ("Nom", lps.name)]
                    .filter { absent($0.1) }.map(\.0)
                findings.append(Finding(.headerContext, "ContexteLPS/LPS lacks \(missing.joined(separator: ", "))"))
            }
            time(lps.time, now: now, into: &findings)
        } else {
            findings.append(Finding(.headerContext, "no ContexteLPS header: the service identifies the software by its LPS/IDAM"))
        }
        if let messageID = headers.messageID, !messageID.isEmpty {
            if !isUUIDMessageID(messageID) {
                findings.append(Finding(.headerMessageID, "wsa:MessageID '\(CallRecord.capped(messageID) ?? "")' is not of the form uuid:<UUID>"))
            }
        } else {
            findings.append(Finding(.headerMessageID, "no wsa:MessageID header"))
        }
        if headers.action?.isEmpty ?? true {
            findings.append(Finding(.headerAction, "no wsa:Action header"))
        }
        if !hasContentTypeAction {
            findings.append(Finding(.headerAction, "the Content-Type carries no action parameter"))
        }
    }

    static func time(_ text: String?, now: Double, into findings: inout [Finding]) {
        guard let text, !text.isEmpty else {
            findings.append(Finding(.headerTime, "no ContexteLPS/Temps"))
            return
        }
        guard let parsed = XSDateTime.seconds(text) else {
            findings.append(Finding(.headerTime, "ContexteLPS/Temps '\(CallRecord.capped(text) ?? "")' is not an xs:dateTime (2026-11-23T10:00:00.000Z)"))
            return
        }
        let skew = parsed.seconds - now
        guard abs(skew) > clockTolerance else { return }
        let minutes = Int((abs(skew) / 60).rounded())
        let zone = parsed.hasZone ? "" : " (it carries no time zone: read as UTC)"
        findings.append(Finding(.headerTime, "ContexteLPS/Temps \(text) is \(minutes) min \(skew > 0 ? "ahead of" : "behind") the server's clock\(zone)"))
    }

    private static let actionPattern: [UInt8] = Array("action=".utf8)

    /// Whether a Content-Type carries a non-empty `action` parameter, read without allocating
    /// (the request reader has checked what it names).
    static func hasActionParameter(_ contentType: String) -> Bool {
        let pattern = actionPattern
        var copy = contentType
        return copy.withUTF8 { bytes in
            guard bytes.count > pattern.count else { return false }
            for start in 0..<(bytes.count - pattern.count) {
                var matched = true
                for offset in 0..<pattern.count where bytes[start + offset] | 0x20 != pattern[offset] | 0x20 {
                    matched = false
                    break
                }
                guard matched else { continue }
                let previous = start == 0 ? UInt8(ascii: ";") : bytes[start - 1]
                guard previous == UInt8(ascii: ";") || previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") else { continue }
                let next = bytes[start + pattern.count]
                return next != UInt8(ascii: ";") && next != UInt8(ascii: "\"") || (next == UInt8(ascii: "\"") && start + pattern.count + 1 < bytes.count
                    && bytes[start + pattern.count + 1] != UInt8(ascii: "\""))
            }
            return false
        }
    }

    /// `uuid:` followed by a UUID (8-4-4-4-12 hexadecimal digits, either case).
    static func isUUIDMessageID(_ text: String) -> Bool {
        guard text.utf8.count == 41, text.hasPrefix("uuid:") else { return false }
        var copy = text
        return copy.withUTF8 { bytes in
            for index in 5..<41 {
                let byte = bytes[index]
                if index == 13 || index == 18 || index == 23 || index == 28 {
                    guard byte == UInt8(ascii: "-") else { return false }
                } else {
                    let hex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
                    guard hex else { return false }
                }
            }
            return true
        }
    }
}

/// `xs:dateTime` read by hand: `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`.
enum XSDateTime {
    /// Seconds since 1970 (a time without zone read as UTC), and whether a zone was given.
    static func seconds(_ text: String) -> (seconds: Double, hasZone: Bool)? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (seconds: Double, hasZone: Bool)? {
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < b.count, b[index] >= 0x30, b[index] <= 0x39 else { return nil }
                value = value * 10 + Int(b[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), day >= 1, day <= LunarDate.daysIn(month: month, year: year),
              hour <= 24, minute <= 59, second <= 59 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                fraction += Double(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        var hasZone = false
        if index < b.count {
            if b[index] == UInt8(ascii: "Z") {
                hasZone = true
                index += 1
            } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
                guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                      let hours = number((index + 1)..<(index + 3)), let minutes = number((index + 4)..<(index + 6)),
                      hours <= 14, minutes <= 59 else { return nil }
                offset = (hours * 60 + minutes) * 60 * (b[index] == UInt8(ascii: "+") ? 1 : -1)
                hasZone = true
                index += 6
            }
        }
        guard index == b.count else { return nil }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
        return (seconds, hasZone)
    }
}
