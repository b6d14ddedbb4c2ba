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

    @Test("canonical ASCII names and control characters, read on the strings' bytes")
    func byteChecksOfStrings() {
        // Literals, and strings made at run time (stored on the heap).
        for make in [{ (text: String) in text }, { (text: String) in String(decoding: Array(text.utf8) + Array("-X".utf8), as: UTF8.self).dropLast(2).description }] {
            #expect(NameMatching.isCanonicalASCII(make("DE LA FONTAINE-MARTIN")))
            #expect(NameMatching.isCanonicalASCII(make("D'ARC")))
            #expect(!NameMatching.isCanonicalASCII(make(" MARTIN")))
            #expect(!NameMatching.isCanonicalASCII(make("MARTIN ")))
            #expect(!NameMatching.isCanonicalASCII(make("Martin")))
            #expect(!NameMatching.isCanonicalASCII(make("HÉLÈNE")))
            #expect(!NameMatching.isCanonicalASCII(make("")))
            #expect(TraitsQuery.controlCharacter(in: make("MARTIN"), allowingLineBreaks: false) == nil)
            #expect(TraitsQuery.controlCharacter(in: make("MAR\u{7F}TIN"), allowingLineBreaks: false) == "\u{7F}")
            #expect(TraitsQuery.controlCharacter(in: make("MAR\tTIN"), allowingLineBreaks: false) == "\t")
            #expect(TraitsQuery.controlCharacter(in: make("MAR\tTIN"), allowingLineBreaks: true) == nil)
            // Past the first non-ASCII byte the scalars decide: U+0085 is a C1 control.
            #expect(TraitsQuery.controlCharacter(in: make("HÉLÈNE"), allowingLineBreaks: false) == nil)
            #expect(TraitsQuery.controlCharacter(in: make("HÉ\u{85}LÈNE"), allowingLineBreaks: false) == "\u{85}")
            #expect(TraitsQuery.controlCharacter(in: make("É\u{1}"), allowingLineBreaks: false) == "\u{1}")
        }
    }
}
