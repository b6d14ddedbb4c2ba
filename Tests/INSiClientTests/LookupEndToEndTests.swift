import Foundation
import INSiClient
import INSiCore
import Testing

/// The ANS procedure against the real simulator and its default base.
@Suite("Lookup procedure, end to end")
struct LookupEndToEndTests {
    private func lookup(_ name: String, _ firstNames: String, _ sex: Sex, _ date: String, place: String? = nil) async throws -> LookupResult {
        try await TestServer.with { endpoint in
            let identity = SearchTraits(birthName: name, firstNames: firstNames.split(separator: " ").map(String.init), sex: sex,
                                        birthDate: date, birthPlace: place)
            return await LookupProcedure.ans.run(for: identity, using: TestServer.client(endpoint))
        }
    }

    private func trail(_ result: LookupResult) -> [String] {
        result.attempts.map { "\($0.step.rawValue) \($0.traits.birthName)/\($0.traits.firstNames.joined(separator: " "))/\($0.traits.birthPlace ?? "-") \($0.code)" }
    }

    // MARK: KO

    @Test("HOUILLES PIERRE PAUL JACQUES: none after each first name and the list")
    func houilles() async throws {
        let result = try await lookup("HOUILLES", "PIERRE PAUL JACQUES", .male, "1993-01-27")
        #expect(result.outcome == .notFound(attempts: 4))
        #expect(result.code == "01")
        #expect(trail(result) == [
            "firstFirstName HOUILLES/PIERRE/- 01",
            "eachOtherFirstName HOUILLES/PAUL/- 01",
            "eachOtherFirstName HOUILLES/JACQUES/- 01",
            "completeFirstNameList HOUILLES/PIERRE PAUL JACQUES/- 01",
        ])
        let ids = result.attempts.map(\.messageID)
        #expect(Set(ids).count == 4, "a fresh MessageID per call")
        #expect(ids.allSatisfy { $0.hasPrefix("uuid:") })
        #expect(result.attempts.allSatisfy { if case .success(let answer) = $0.result { return answer.label == "Aucune identite trouvee" } else { return false } })
    }

    @Test("TCHITCHI OLA CATARINA: found on the second first name after the first fails")
    func tchitchi() async throws {
        let result = try await lookup("TCHITCHI", "OLA CATARINA", .female, "1936-06-21")
        #expect(trail(result) == ["firstFirstName TCHITCHI/OLA/- 01", "eachOtherFirstName TCHITCHI/CATARINA/- 00"])
        let identity = try #require(result.identity)
        #expect(identity.active.matricule == "2360663220836")
        #expect(identity.active.key == "56")
        #expect(identity.active.oid == "1.2.250.1.213.1.4.8")
        #expect(identity.traits.firstNames == ["CATARINA", "BELLA"])
        // The local list (OLA CATARINA) is not the reference one: the software must look.
        #expect(identity.warnings == [.traitsDiffer([TraitDifference(field: .firstNames, local: "OLA CATARINA", returned: "CATARINA BELLA")])])
    }

    // MARK: Multiple match

    @Test("DE VINCI LEONARDO: 02 resolved by the first-name list")
    func deVinciByList() async throws {
        let result = try await lookup("DE VINCI", "LEONARDO PIERO", .male, "2014-02-01")
        #expect(trail(result) == ["firstFirstName DE VINCI/LEONARDO/- 02", "addOtherFirstNames DE VINCI/LEONARDO PIERO/- 00"])
        #expect(result.identity?.active.matricule == "1140275115001")
        #expect(result.identity?.active.key == "28")
        #expect(result.identity?.warnings == [])
    }

    @Test("DE VINCI LEONARDO: 02 resolved by the birth place")
    func deVinciByPlace() async throws {
        let result = try await lookup("DE VINCI", "LEONARDO", .male, "2014-02-01", place: "13208")
        // The list is the first first name alone: not sent twice.
        #expect(trail(result) == ["firstFirstName DE VINCI/LEONARDO/- 02", "addBirthPlace DE VINCI/LEONARDO/13208 00"])
        #expect(result.identity?.active.matricule == "1140213208003")
        #expect(result.identity?.active.key == "74")
    }

    @Test("DE VINCI LEONARDO: still several when neither other first names nor birth place are known")
    func deVinciUnresolved() async throws {
        let result = try await lookup("DE VINCI", "LEONARDO", .male, "2014-02-01")
        #expect(result.outcome == .several(attempts: 1))
        #expect(result.code == "02")
        #expect(trail(result) == ["firstFirstName DE VINCI/LEONARDO/- 02"])
    }

    @Test("MOREAU JULIEN: homonyms resolved by the birth place after the list cannot help")
    func moreauByPlace() async throws {
        let result = try await lookup("MOREAU", "JULIEN", .male, "1983-05-19", place: "33063")
        #expect(trail(result) == ["firstFirstName MOREAU/JULIEN/- 02", "addBirthPlace MOREAU/JULIEN/33063 00"])
        #expect(result.identity?.active.matricule == "1830533063092")
    }

    // MARK: Hyphen retry

    struct HyphenCase: Sendable, CustomTestStringConvertible {
        var local: String
        var firstName: String
        var sex: Sex
        var date: String
        /// The names sent, in order, with the rule of each variant.
        var sent: [(String, NameVariantRule?)]
        var matricule: String
        var testDescription: String { local }
    }

    static let hyphenCases: [HyphenCase] = [
        HyphenCase(local: "MARTIN-DURAND", firstName: "CAMILLE", sex: .female, date: "1985-04-12",
                   sent: [("MARTIN-DURAND", nil), ("MARTIN DURAND", .hyphensToSpace)], matricule: "2850433063114"),
        HyphenCase(local: "MARTIN--DURAND", firstName: "CAMILLE", sex: .female, date: "1985-04-12",
                   sent: [("MARTIN--DURAND", nil), ("MARTIN DURAND", .doubleHyphenToSpace)], matricule: "2850433063114"),
        HyphenCase(local: "BERNARD--PETIT", firstName: "LUCAS", sex: .male, date: "1990-06-30",
                   sent: [("BERNARD--PETIT", nil), ("BERNARD PETIT", .doubleHyphenToSpace)], matricule: "1900631555087"),
        HyphenCase(local: "N'DIAYE", firstName: "AMINATA", sex: .female, date: "1988-01-15",
                   sent: [("N'DIAYE", nil), ("NDIAYE", .apostropheRemoved)], matricule: "2880199341056"),
        HyphenCase(local: "DUBOIS-LAMBERT", firstName: "CHLOE", sex: .female, date: "2001-09-17",
                   sent: [("DUBOIS-LAMBERT", nil), ("DUBOIS LAMBERT", .hyphensToSpace), ("DUBOIS--LAMBERT", .hyphenToDoubleHyphen)],
                   matricule: "2010969383045"),
    ]

    @Test("Hyphen and apostrophe cases of the default base are found on the variant", arguments: hyphenCases)
    func hyphenRetry(_ example: HyphenCase) async throws {
        let result = try await lookup(example.local, example.firstName, example.sex, example.date)
        #expect(result.attempts.map(\.traits.birthName) == example.sent.map(\.0))
        #expect(result.attempts.map(\.nameVariant) == example.sent.map(\.1))
        #expect(result.attempts.map(\.code) == Array(repeating: "01", count: example.sent.count - 1) + ["00"])
        #expect(result.attempts.first?.step == .firstFirstName)
        #expect(result.attempts.dropFirst().allSatisfy { $0.step == .birthNameVariants })
        let identity = try #require(result.identity)
        #expect(identity.active.matricule == example.matricule)
        // Found under another name than the local one: reported.
        let expectedDifference = TraitDifference(field: .birthName, local: example.local, returned: example.sent.last?.0 ?? "")
        #expect(identity.warnings == [.traitsDiffer([expectedDifference])])
    }

    struct ExactCase: Sendable, CustomTestStringConvertible {
        var name: String
        var firstNames: String
        var sex: Sex
        var date: String
        var matricule: String
        var testDescription: String { name }
    }

    static let exactCases: [ExactCase] = [
        ExactCase(name: "LEROY-BEAULIEU", firstNames: "ANTOINE PAUL", sex: .male, date: "1972-11-08", matricule: "1721175107208"),
        ExactCase(name: "DUBOIS--LAMBERT", firstNames: "CHLOE", sex: .female, date: "2001-09-17", matricule: "2010969383045"),
        ExactCase(name: "D'ALMEIDA", firstNames: "MANUEL", sex: .male, date: "1966-10-03", matricule: "1661099139102"),
    ]

    @Test("A name that really holds a hyphen or an apostrophe is found at once", arguments: exactCases)
    func realHyphen(_ example: ExactCase) async throws {
        let result = try await lookup(example.name, example.firstNames, example.sex, example.date)
        #expect(result.attempts.count == 1)
        #expect(result.attempts.first?.traits.birthName == example.name)
        #expect(result.identity?.active.matricule == example.matricule)
        #expect(result.identity?.warnings == [])
    }

    @Test("Variants combine with first-name steps: every name form is tried while all answer 01")
    func variantsWithOtherFirstNames() async throws {
        let result = try await lookup("MARTIN-DURAND", "SOPHIE CAMILLE", .female, "1985-04-12")
        #expect(trail(result) == [
            "firstFirstName MARTIN-DURAND/SOPHIE/- 01",
            "birthNameVariants MARTIN DURAND/SOPHIE/- 01",
            "birthNameVariants MARTIN--DURAND/SOPHIE/- 01",
            "eachOtherFirstName MARTIN-DURAND/CAMILLE/- 01",
            "eachOtherFirstName MARTIN DURAND/CAMILLE/- 00",
        ])
        #expect(result.identity?.active.matricule == "2850433063114")
    }
}
