import Foundation

/// The trait rules of ``CallRule``: how the INS writes names, dates and birth places, checked on
/// the values a call sent. Pure functions; the usual well-written value is judged on its bytes
/// without allocating.
public enum TraitChecks {
    /// Which name a value is: the rules differ (a double hyphen is allowed in birth names only).
    public enum NameKind: Sendable {
        case birthName
        case firstName

        var wireName: String { self == .birthName ? "NomNaissance" : "Prenom" }
    }

    /// Findings for a name as sent (trimmed by the reader: leading and trailing spaces are judged
    /// on the raw text, see ``surroundingSpaces(_:field:into:)``).
    public static func name(_ value: String, kind: NameKind, into findings: inout [Finding]) {
        if isWellWritten(value, kind: kind) { return }
        let field = kind.wireName
        var lower = false
        var accented = false
        var others: [Character] = []
        for character in value {
            if character == " " || character == "-" || character == "'" { continue }
            if character.isASCII {
                if ("A"..."Z").contains(character) { continue }
                if ("a"..."z").contains(character) { lower = true; continue }
                if kind == .firstName && (character == "," || character == ";") { continue }  // traits.first-names says it
                if !others.contains(character) { others.append(character) }
                continue
            }
            if character.isLetter {
                if character.isLowercase { lower = true }
                let base = stripDiacritics(String(character))
                if !base.isEmpty && base.allSatisfy({ $0.isASCII && $0.isLetter }) {
                    accented = true
                    continue
                }
            }
            if !others.contains(character) { others.append(character) }
        }
        if lower { findings.append(Finding(.traitsUpperCase, "\(field) '\(value)' holds lower-case letters: send '\(folded(value))'")) }
        if accented {
            findings.append(Finding(.traitsDiacritics, "\(field) '\(value)' holds accented letters: send '\(folded(value))'"))
        }
        if !others.isEmpty {
            let listed = others.prefix(5).map { character -> String in
                let scalar = character.unicodeScalars.first.map { String($0.value, radix: 16, uppercase: true) } ?? "?"
                return "'\(character)' (U+\(String(repeating: "0", count: max(0, 4 - scalar.count)) + scalar))"
            }
            var advice = ""
            if others.contains("\u{2019}") { advice = "; the typographic apostrophe ’ is written '" }
            findings.append(Finding(.traitsCharacters, "\(field) '\(value)' holds \(listed.joined(separator: ", ")): only A–Z, space, hyphen and apostrophe\(advice)"))
        }
        if value.contains("---") {
            findings.append(Finding(.traitsDoubleHyphen, "\(field) '\(value)' holds three hyphens or more"))
        } else if kind == .firstName && value.contains("--") {
            findings.append(Finding(.traitsDoubleHyphen, "Prenom '\(value)' holds a double hyphen: it only separates the parts of a birth name"))
        }
        if value.contains("  ") {
            findings.append(Finding(.traitsSpaces, "\(field) '\(value)' holds doubled spaces"))
        } else if value.contains(" -") || value.contains("- ") || value.contains(" '") || value.contains("' ") {
            findings.append(Finding(.traitsSpaces, "\(field) '\(value)' has a space next to a hyphen or an apostrophe"))
        }
    }

    /// The `Prenom` elements of a traits call: each name checked, and the way they are split.
    public static func firstNames(_ elements: [String], into findings: inout [Finding]) {
        for value in elements {
            if value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") }) {
                findings.append(Finding(.traitsFirstNames,
                                        "Prenom '\(value)' separates first names with a comma or semicolon: send one Prenom per name, or one list separated by spaces"))
            }
            name(value, kind: .firstName, into: &findings)
        }
        if elements.count > 1, let mixed = elements.first(where: { $0.utf8.contains(UInt8(ascii: " ")) }) {
            findings.append(Finding(.traitsFirstNames,
                                    "\(elements.count) Prenom elements, and '\(mixed)' holds several names: send either one Prenom per name or a single space-separated list"))
        }
        if elements.contains(where: { $0.isEmpty }) {
            findings.append(Finding(.traitsFirstNames, "an empty Prenom element was sent"))
        }
    }

    /// A leading or trailing space in the raw text of a name (the request reader trims them).
    public static func surroundingSpaces(_ raw: String, field: String, into findings: inout [Finding]) {
        guard let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last else { return }
        if first.properties.isWhitespace || last.properties.isWhitespace {
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { return }
            findings.append(Finding(.traitsSpaces, "\(field) '\(raw)' has a leading or trailing space: send '\(trimmed)'"))
        }
    }

    /// `DateNaissance`: a possible date, `00` allowed for an unknown month or day.
    public static func birthDate(_ value: String?, into findings: inout [Finding]) {
        guard let value, !value.isEmpty else { return }  // missing: the service's fault says it
        guard LunarDate(value) == nil else { return }
        var hint = "expected YYYY-MM-DD (00 for an unknown month or day)"
        if value.count == 10, value.dropFirst(2).first == "/" || value.dropFirst(2).first == "." {
            hint = "a French-style date: send YYYY-MM-DD"
        }
        findings.append(Finding(.traitsBirthDate, "DateNaissance '\(value)' is not a valid date: \(hint)"))
    }

    /// `LieuNaissance`: a COG, and not one of the big cities' classic mistakes.
    public static func birthPlace(_ value: String?, into findings: inout [Finding]) {
        guard let value, !value.isEmpty else { return }
        guard isCOG(value) else {
            findings.append(Finding(.traitsBirthPlace,
                                    "LieuNaissance '\(value)' is not a COG: 5 characters, digits, 2A/2B for Corsica, 99xxx for a country"))
            return
        }
        // Only Paris, Lyon and Marseille codes can be these mistakes: most places stop here.
        guard value.hasPrefix("75") || value.hasPrefix("69") || value.hasPrefix("13") else { return }
        if let detail = bigCityMistakes[value] {
            findings.append(Finding(.traitsPostalCode, "LieuNaissance \(value) \(detail)"))
        }
    }

    /// The postal codes of the arrondissements and the codes of the communes as a whole, with
    /// what to send instead; made once.
    static let bigCityMistakes: [String: String] = {
        var mistakes: [String: String] = [:]
        for city in BigCity.allCases {
            let cogs = city.arrondissementCOGs
            mistakes[city.communeCode] = "is the code of \(city.rawValue) as a whole, never a birth place: send the arrondissement's COG (\(cogs.first ?? "")–\(cogs.last ?? ""))"
            for number in 1...city.arrondissementCount {
                let postal = city.postalCode(number)
                // 75116 is also the COG of Paris 16e: not a mistake.
                guard BigCity.arrondissement(ofCOG: postal) == nil else { continue }
                mistakes[postal] = "is the postal code of \(city.rawValue) \(number)\(number == 1 ? "er" : "e"): its COG is \(city.arrondissementCOG(number))"
            }
        }
        return mistakes
    }()

    /// The shape of a COG, read on the bytes (``COG/init(_:)`` copies them): five digits, or
    /// `2A`/`2B` and three digits.
    static func isCOG(_ value: String) -> Bool {
        let bytes = value.utf8
        guard bytes.count == 5 else { return false }
        var index = 0
        var corsica = false
        for byte in bytes {
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if index == 1 && corsica && (byte | 0x20 == UInt8(ascii: "a") || byte | 0x20 == UInt8(ascii: "b")) {
                index += 1
                continue
            }
            guard digit else { return false }
            if index == 0 && byte == UInt8(ascii: "2") { corsica = true }
            index += 1
        }
        return true
    }

    /// True for the usual value: upper-case ASCII letters with single inner spaces, hyphens and
    /// apostrophes, nothing a rule would say anything about.
    static func isWellWritten(_ value: String, kind: NameKind) -> Bool {
        var previous: UInt8 = 0
        var hyphens = 0
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                hyphens = 0
            case UInt8(ascii: "-"):
                hyphens += 1
                if hyphens > (kind == .birthName ? 2 : 1) || previous == UInt8(ascii: " ") { return false }
            case UInt8(ascii: "'"):
                if previous == UInt8(ascii: " ") { return false }
                hyphens = 0
            case UInt8(ascii: " "):
                if previous == UInt8(ascii: " ") || previous == UInt8(ascii: "-") || previous == UInt8(ascii: "'") { return false }
                hyphens = 0
            default:
                return false
            }
            previous = byte
        }
        return true
    }

    /// Diacritics removed, upper-cased: what the name should have been sent as.
    static func folded(_ value: String) -> String {
        stripDiacritics(value).uppercased()
    }

    /// The text with the combining marks of its decomposed letters removed (É → E).
    static func stripDiacritics(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in value.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
