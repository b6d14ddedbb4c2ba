/// One way of rewriting a birth name held locally into the form INSi may hold: since INSi
/// compares birth names strictly, a hyphen or an apostrophe where the reference has a space (or
/// nothing) gives 01, and the ANS advises retrying without it.
///
/// Each rule rewrites the whole name; runs of spaces it creates become one space.
public enum NameVariantRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// `--` becomes a space: `BERNARD--PETIT` → `BERNARD PETIT` (single hyphens kept).
    case doubleHyphenToSpace
    /// Every hyphen or run of hyphens becomes a space: `MARTIN-DURAND` → `MARTIN DURAND`.
    case hyphensToSpace
    /// A single hyphen becomes `--`, the separator of double names since 2005:
    /// `DUBOIS-LAMBERT` → `DUBOIS--LAMBERT`.
    case hyphenToDoubleHyphen
    /// Apostrophes are removed: `N'DIAYE` → `NDIAYE`.
    case apostropheRemoved
    /// Apostrophes become a space: `N'DIAYE` → `N DIAYE`.
    case apostropheToSpace
    /// Names holding both: hyphens and apostrophes become spaces.
    case separatorsToSpace
    /// Names holding both: hyphens become spaces, apostrophes are removed.
    case hyphensToSpaceApostrophesRemoved

    /// Characters taken for a hyphen: ASCII and the Unicode hyphens word processors insert.
    static let hyphens: Set<Character> = ["-", "\u{2010}", "\u{2011}"]
    /// Characters taken for an apostrophe: ASCII and the typographic one.
    static let apostrophes: Set<Character> = ["'", "\u{2019}"]

    /// The name rewritten; the name itself when the rule does not apply.
    public func apply(to name: String) -> String {
        var out = ""
        let characters = Array(name)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if NameVariantRule.hyphens.contains(character) {
                var end = index
                while end < characters.count && NameVariantRule.hyphens.contains(characters[end]) { end += 1 }
                let run = String(characters[index..<end])
                out += rewriteHyphens(run)
                index = end
                continue
            }
            if NameVariantRule.apostrophes.contains(character) {
                out += rewriteApostrophe(character)
            } else {
                out.append(character)
            }
            index += 1
        }
        return NameVariantRule.collapsingSpaces(out)
    }

    private func rewriteHyphens(_ run: String) -> String {
        switch self {
        case .doubleHyphenToSpace: return run.count == 2 ? " " : run
        case .hyphensToSpace, .separatorsToSpace, .hyphensToSpaceApostrophesRemoved: return " "
        case .hyphenToDoubleHyphen: return run.count == 1 ? "--" : run
        case .apostropheRemoved, .apostropheToSpace: return run
        }
    }

    private func rewriteApostrophe(_ apostrophe: Character) -> String {
        switch self {
        case .apostropheRemoved, .hyphensToSpaceApostrophesRemoved: return ""
        case .apostropheToSpace, .separatorsToSpace: return " "
        case .doubleHyphenToSpace, .hyphensToSpace, .hyphenToDoubleHyphen: return String(apostrophe)
        }
    }

    static func collapsingSpaces(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// A birth name produced by a rule.
public struct NameVariant: Sendable, Hashable, Codable {
    /// The rule that produced the name: the trail names it, so that a reader sees why this form
    /// was sent.
    public var rule: NameVariantRule
    /// The birth name as it is sent.
    public var name: String

    /// Public so that tests can state the variants they expect.
    public init(rule: NameVariantRule, name: String) {
        self.rule = rule
        self.name = name
    }
}

/// The birth name variants a lookup tries, in order.
public struct NameVariants: Sendable, Hashable, Codable {
    /// The rules, in the order their variants are tried: put first the rewrite your users' data
    /// most often needs.
    public var rules: [NameVariantRule]

    /// Variants of your own choosing; ``standard`` is every rule, the ANS advice first.
    public init(rules: [NameVariantRule]) {
        self.rules = rules
    }

    /// Every rule, in the order of ``NameVariantRule``: the ANS advice first (remove the hyphen),
    /// then the double-name separator, then apostrophes, then names holding both.
    public static let standard = NameVariants(rules: NameVariantRule.allCases)

    /// No variant: the birth name is only sent as held.
    public static let none = NameVariants(rules: [])

    /// True when a name holds a hyphen or an apostrophe: the only names that get variants.
    public static func hasSeparator(_ name: String) -> Bool {
        name.contains { NameVariantRule.hyphens.contains($0) || NameVariantRule.apostrophes.contains($0) }
    }

    /// The variants of `name`, in rule order, without the name itself and without repeats
    /// (`BERNARD--PETIT` gives `BERNARD PETIT` once, from the first rule that produces it).
    public func variants(of name: String) -> [NameVariant] {
        guard NameVariants.hasSeparator(name) else { return [] }
        var seen: Set<String> = [NameVariantRule.collapsingSpaces(name).uppercased()]
        var result: [NameVariant] = []
        for rule in rules {
            let rewritten = rule.apply(to: name)
            guard !rewritten.isEmpty, seen.insert(rewritten.uppercased()).inserted else { continue }
            result.append(NameVariant(rule: rule, name: rewritten))
        }
        return result
    }
}
