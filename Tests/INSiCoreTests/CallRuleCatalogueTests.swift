import Foundation
import INSiCore
import Testing
import TestSupport

@Suite("Call rule catalogue")
struct CallRuleCatalogueTests {
    static let page = TestPaths.repository.appendingPathComponent("docs/reference/call-rules.md")

    @Test("docs/reference/call-rules.md holds the table generated from the catalogue (INSI_SIM_UPDATE_DOCS=1 rewrites it)")
    func referencePage() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        let begin = "<!-- BEGIN generated from CallRule.catalogue -->\n"
        let end = "<!-- END generated -->"
        let start = try #require(text.range(of: begin))
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex))
        let current = String(text[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["INSI_SIM_UPDATE_DOCS"] == "1" && current != CallRule.markdownTable {
            try (String(text[..<start.upperBound]) + CallRule.markdownTable + String(text[stop.lowerBound...]))
                .write(to: Self.page, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == CallRule.markdownTable)
    }

    @Test("ids are unique, grouped by category, each with a one-line reason")
    func catalogue() {
        let ids = CallRule.catalogue.map(\.id.rawValue)
        #expect(Set(ids).count == ids.count)
        for rule in CallRule.catalogue {
            #expect(["contract", "header", "traits", "vitale", "procedure", "security"].contains(rule.id.rawValue.split(separator: ".").first.map(String.init) ?? ""))
            #expect(!rule.reason.contains("\n") && rule.reason.hasSuffix("."))
        }
    }

    @Test("a well-written name passes the trait rules without a finding; a badly written one gets each of its findings")
    func traits() {
        var findings: [Finding] = []
        for name in ["MARTIN-DURAND", "D'ALMEIDA", "BERNARD--PETIT", "DE LA FONTAINE"] {
            TraitChecks.name(name, kind: .birthName, into: &findings)
        }
        #expect(findings.isEmpty)
        TraitChecks.name("Lefèvre  Ø--", kind: .firstName, into: &findings)
        #expect(Set(findings.map(\.rule)) == [.traitsUpperCase, .traitsDiacritics, .traitsCharacters, .traitsDoubleHyphen, .traitsSpaces])
    }

    @Test("birth places: the classic postal codes and commune codes of Paris, Lyon and Marseille, and real COGs")
    func bigCities() {
        func findings(_ place: String) -> [Finding] {
            var found: [Finding] = []
            TraitChecks.birthPlace(place, into: &found)
            return found
        }
        for city in BigCity.allCases {
            for number in 1...city.arrondissementCount where city.postalCode(number) != "75116" {
                #expect(findings(city.postalCode(number)).first?.detail.hasSuffix("its COG is \(city.arrondissementCOG(number))") == true)
            }
            #expect(findings(city.communeCode).map(\.rule) == [.traitsPostalCode])
            #expect(city.arrondissementCOGs.allSatisfy { findings($0).isEmpty })
        }
        #expect(findings("75116").isEmpty)
        #expect(findings("63220").isEmpty && findings("2A004").isEmpty && findings("99100").isEmpty)
        #expect(findings("7501").map(\.rule) == [.traitsBirthPlace])
    }
}
