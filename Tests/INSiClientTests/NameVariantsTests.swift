import INSiClient
import Testing

@Suite("Birth name variants")
struct NameVariantsTests {
    private func names(_ name: String) -> [String] {
        NameVariants.standard.variants(of: name).map(\.name)
    }

    @Test("Each rule on its own")
    func rules() {
        #expect(NameVariantRule.doubleHyphenToSpace.apply(to: "BERNARD--PETIT") == "BERNARD PETIT")
        #expect(NameVariantRule.doubleHyphenToSpace.apply(to: "MARTIN-DURAND") == "MARTIN-DURAND")
        #expect(NameVariantRule.hyphensToSpace.apply(to: "MARTIN-DURAND") == "MARTIN DURAND")
        #expect(NameVariantRule.hyphensToSpace.apply(to: "A--B-C") == "A B C")
        #expect(NameVariantRule.hyphenToDoubleHyphen.apply(to: "DUBOIS-LAMBERT") == "DUBOIS--LAMBERT")
        #expect(NameVariantRule.hyphenToDoubleHyphen.apply(to: "DUBOIS--LAMBERT") == "DUBOIS--LAMBERT")
        #expect(NameVariantRule.apostropheRemoved.apply(to: "N'DIAYE") == "NDIAYE")
        #expect(NameVariantRule.apostropheRemoved.apply(to: "N\u{2019}DIAYE") == "NDIAYE")
        #expect(NameVariantRule.apostropheToSpace.apply(to: "D'ALMEIDA") == "D ALMEIDA")
        #expect(NameVariantRule.separatorsToSpace.apply(to: "D'ALMEIDA-COSTA") == "D ALMEIDA COSTA")
        #expect(NameVariantRule.hyphensToSpaceApostrophesRemoved.apply(to: "D'ALMEIDA-COSTA") == "DALMEIDA COSTA")
        #expect(NameVariantRule.hyphensToSpace.apply(to: "MARTIN - DURAND") == "MARTIN DURAND")
    }

    @Test("The standard list: in rule order, without the name itself nor repeats")
    func standard() {
        #expect(names("MARTIN-DURAND") == ["MARTIN DURAND", "MARTIN--DURAND"])
        #expect(names("BERNARD--PETIT") == ["BERNARD PETIT"])
        #expect(names("N'DIAYE") == ["NDIAYE", "N DIAYE"])
        #expect(names("D'ALMEIDA-COSTA") == [
            "D'ALMEIDA COSTA", "D'ALMEIDA--COSTA", "DALMEIDA-COSTA", "D ALMEIDA-COSTA", "D ALMEIDA COSTA", "DALMEIDA COSTA",
        ])
        #expect(NameVariants.standard.variants(of: "BERNARD--PETIT").map(\.rule) == [.doubleHyphenToSpace])
    }

    @Test("Names without hyphen or apostrophe get no variant")
    func none() {
        #expect(names("DE VINCI").isEmpty)
        #expect(names("HOUILLES").isEmpty)
        #expect(NameVariants.none.variants(of: "MARTIN-DURAND").isEmpty)
    }
}
