import Testing
@testable import INSiCore

@Suite("Name rules")
struct NameMatchingTests {
    @Test("strict keeps every separator and diacritic, folds case")
    func strict() {
        let rule = NameMatching.strict
        #expect(rule.key("martin durand") == "MARTIN DURAND")
        #expect(rule.key("MARTIN-DURAND") != rule.key("MARTIN DURAND"))
        #expect(rule.key("DUBOIS--LAMBERT") != rule.key("DUBOIS-LAMBERT"))
        #expect(rule.key("N'DIAYE") != rule.key("NDIAYE"))
        #expect(rule.key("HÉLÈNE") != rule.key("HELENE"))
        #expect(rule.key("  ADRTROIS ") == "ADRTROIS")
    }

    @Test("relaxed makes hyphen, double hyphen, space and apostrophe one separator and folds diacritics")
    func relaxed() {
        let rule = NameMatching.relaxed
        #expect(rule.key("MARTIN-DURAND") == rule.key("MARTIN DURAND"))
        #expect(rule.key("DUBOIS--LAMBERT") == rule.key("DUBOIS LAMBERT"))
        #expect(rule.key("D'ALMEIDA") == rule.key("D ALMEIDA"))
        #expect(rule.key("D\u{2019}ALMEIDA") == rule.key("D'ALMEIDA"))
        #expect(rule.key("hélène") == "HELENE")
        #expect(rule.key("Ç") == "C")
        // Removing the apostrophe entirely is a different name, even relaxed.
        #expect(rule.key("N'DIAYE") != rule.key("NDIAYE"))
    }

    @Test("first names: the first one or the complete list, in order")
    func firstNames() {
        let reference = ["CATARINA", "BELLA"]
        func strict(_ names: [String]) -> Bool { FirstNameRule(names, nameMatching: .strict).matches(reference) }
        #expect(strict(["CATARINA"]))
        #expect(strict(["catarina"]))
        #expect(strict(["CATARINA", "BELLA"]))
        #expect(!strict(["BELLA"]))
        #expect(!strict(["BELLA", "CATARINA"]))
        #expect(!strict(["CATARINA", "BELLA", "OLA"]))
        let hyphenated = ["PIERRE-ALAIN", "MURIEL", "FLORIANT"]
        #expect(FirstNameRule(["PIERRE-ALAIN"], nameMatching: .strict).matches(hyphenated))
        #expect(!FirstNameRule(["PIERRE", "ALAIN"], nameMatching: .strict).matches(hyphenated))
        #expect(FirstNameRule(["PIERRE", "ALAIN"], nameMatching: .relaxed).matches(hyphenated))
        #expect(!FirstNameRule(["PIERRE-ALAIN", "MURIEL"], nameMatching: .relaxed).matches(hyphenated))
    }
}
