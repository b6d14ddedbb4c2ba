import Foundation
import Testing
import TestSupport
@testable import INSiCore

@Suite("The default base answers every seeded case as the README table says")
struct SeededCasesTests {
    static let strict = try? SeedFile.load(path: SeededCase.seedPath, nameMatching: .strict)
    static let relaxed = strict?.rebuilt(nameMatching: .relaxed)

    @Test("the case list and the base load")
    func loads() throws {
        #expect(SeededCase.all.count > 100)
        let base = try #require(Self.strict)
        #expect(base.count >= 30)
        #expect(base.cards.count >= 3)
    }

    @Test("the public test identities are seeded exactly")
    func publicIdentities() throws {
        let base = try #require(Self.strict)
        let ecetinsi = try #require(base.identity(matricule: Matricule("1090763220834")!))
        // One INSHISTO, as the qualification service answers (the second one is the CNDA file's).
        #expect(ecetinsi.history.map(\.matricule.value) == ["2090763220834"])
        #expect(ecetinsi.history.map(\.key) == ["39"])
        #expect(ecetinsi.history.first?.dateStart?.text == "2019-03-01")
        #expect(ecetinsi.history.first?.dateEnd?.text == "2019-02-28")
        let hermann = try #require(base.identity(matricule: Matricule("1810363220456")!))
        #expect(!hermann.ins.hasValidKey && hermann.ins.key == "60")
        #expect(hermann.history.map(\.key) == ["60", "10"])
        #expect(base.identity(matricule: Matricule("1090763220888")!)?.ins.oid == .nia)
        let corse = try #require(base.identity(matricule: Matricule("180032B020401")!))
        #expect(corse.history == [INS(matricule: corse.ins.matricule, key: corse.ins.key, oid: corse.ins.oid)])
        #expect(!base.identities.contains { $0.traits.birthName == "HOUILLES" })
        // Every other key of the base follows the rule.
        for identity in base.identities where identity.keyCheck {
            #expect(identity.ins.hasValidKey, "\(identity.traits.displayName)")
            #expect(identity.history.allSatisfy { $0.hasValidKey }, "\(identity.traits.displayName)")
        }
    }

    /// The public test identities of the domain page (§5): traits, first names and INS.
    static let publicTable: [(name: String, firstNames: [String], sex: Sex, born: String, cog: String, matricule: String, key: String, oid: INSOID)] = [
        ("ADRTROIS", ["DOMINIQUE"], .female, "1997-02-26", "2A020", "297022A020778", "78", .nir),
        ("ADRTROIS", ["TOUSSAINT"], .male, "1960-01-01", "2B020", "160012B020777", "13", .nir),
        ("TCHITCHI", ["CATARINA", "BELLA"], .female, "1936-06-21", "63220", "2360663220836", "56", .nir),
        ("ECETINSI", ["PIERRE-ALAIN", "MURIEL", "FLORIANT"], .male, "2009-07-14", "63220", "1090763220834", "89", .nir),
        ("PROVISOIRE", ["MATRICULE"], .male, "2009-07-01", "63220", "1090763220888", "35", .nia),
        ("CORSE", ["ANTHONY"], .male, "1980-03-02", "2B020", "180032B020401", "23", .nir),
        ("HERMANN", ["GATIEN"], .male, "1981-03-24", "63220", "1810363220456", "60", .nir),
        ("ADRUN", ["ZOE"], .female, "1975-12-31", "63220", "2751263220749", "74", .nir),
        ("NESSI", ["MICHELANGELO", "ANTHONY"], .male, "2010-08-07", "63220", "1100863220830", "60", .nir),
    ]

    @Test("every public test identity of the domain page is found by its first first name, with its traits and INS")
    func publicTable() throws {
        let base = try #require(Self.strict)
        for row in Self.publicTable {
            let query = try TraitsQuery.validate(birthName: row.name, firstNames: [row.firstNames[0]], sex: row.sex.rawValue,
                                                 birthDate: row.born, birthPlace: nil)
            let identity = try #require(base.search(query).identity, "\(row.name) \(row.firstNames[0])")
            #expect(identity.ins.matricule.value == row.matricule && identity.ins.key == row.key && identity.ins.oid == row.oid, "\(row.name)")
            #expect(identity.traits.firstNames == row.firstNames && identity.traits.birthPlace?.code == row.cog, "\(row.name)")
        }
        let deVinci = try TraitsQuery.validate(birthName: "DE VINCI", firstNames: ["LEONARDO"], sex: "M", birthDate: "2014-02-01", birthPlace: nil)
        #expect(base.search(deVinci).code == "02")
        for names in [["PIERRE"], ["PAUL"], ["JACQUES"], ["PIERRE", "PAUL", "JACQUES"]] {
            let houilles = try TraitsQuery.validate(birthName: "HOUILLES", firstNames: names, sex: "M", birthDate: "1993-01-27", birthPlace: nil)
            #expect(base.search(houilles).code == "01")
        }
    }

    @Test("the README's table of public test identities is the base's, and lists every one of them")
    func readmePublicTable() throws {
        let base = try #require(Self.strict)
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("docs/reference/seeded-cases.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("| birth name | first names | sex | born | COG | matricule | key | OID |") })
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let withINS = rows.filter { $0.count == 9 && !$0[5].isEmpty }
        #expect(withINS.map { $0[5] } == Self.publicTable.map { "`\($0.matricule)`" })
        for row in withINS {
            let matricule = try #require(Matricule(String(row[5].dropFirst().dropLast())), "\(row)")
            let identity = try #require(base.identity(matricule: matricule), "\(row)")
            #expect(row[0] == identity.traits.birthName && row[1] == identity.traits.firstNames.joined(separator: " "), "\(row)")
            #expect(row[2] == identity.traits.sex.rawValue && row[3] == identity.traits.birthDate.text, "\(row)")
            #expect(row[4] == identity.traits.birthPlace?.code && row[6] == identity.ins.key, "\(row)")
            #expect(identity.ins.oid.rawValue.hasSuffix(row[7]), "\(row)")
        }
        #expect(rows.map { $0[0] }.contains("DE VINCI") && rows.map { $0[0] }.contains("HOUILLES"))
    }

    @Test("born in Paris, Lyon or Marseille: the arrondissement COG, the same five characters as the NIR; never a commune code")
    func bigCities() throws {
        let base = try #require(Self.strict)
        var bigCityBirths = 0
        for identity in base.identities {
            let place = try #require(identity.traits.birthPlace, "\(identity.traits.displayName)").code
            #expect(BigCity.city(ofCommuneCode: place) == nil, "\(identity.traits.displayName): \(place)")
            if BigCity.arrondissement(ofCOG: place) != nil {
                bigCityBirths += 1
                #expect(identity.ins.matricule.value.dropFirst(5).prefix(5) == place, "\(identity.traits.displayName)")
            }
        }
        #expect(bigCityBirths >= 6)
    }

    @Test("big-city codes: arrondissement COG, postal code and commune code told apart")
    func bigCityCodes() {
        #expect(BigCity.arrondissement(ofCOG: "75115")?.city == .paris && BigCity.arrondissement(ofCOG: "75115")?.number == 15)
        #expect(BigCity.arrondissement(ofPostalCode: "75015")?.number == 15)
        #expect(BigCity.arrondissement(ofPostalCode: "69003")?.city == .lyon)
        #expect(BigCity.arrondissement(ofPostalCode: "13016")?.city == .marseille)
        // 75116 is both Paris 16e's COG and one of its postal codes: it is a valid birth place.
        #expect(BigCity.arrondissement(ofPostalCode: "75116") == nil && BigCity.arrondissement(ofCOG: "75116") != nil)
        #expect(BigCity.city(ofCommuneCode: "69123") == .lyon && BigCity.city(ofCommuneCode: "63220") == nil)
        #expect(BigCity.marseille.arrondissementCOGs.first == "13201" && BigCity.marseille.arrondissementCOGs.last == "13216")
        #expect(BigCity.lyon.arrondissementCOGs.last == "69389" && BigCity.paris.arrondissementCOGs.last == "75120")
    }

    @Test("each case, strict and relaxed", arguments: SeededCase.all)
    func seededCase(_ testCase: SeededCase) throws {
        for (mode, base) in [("strict", Self.strict), ("relaxed", Self.relaxed)] {
            let base = try #require(base)
            let expected = try #require(testCase.expected[mode])
            let result = try Self.run(testCase, on: base)
            #expect(result.code == expected.code, "\(testCase.id) \(mode): \(result.explanation)")
            // The matricule read in place is the found identity's, and nil for 01 and 02.
            #expect(result.matricule == result.identity?.ins.matricule, "\(testCase.id) \(mode)")
            if let matricule = expected.matricule {
                #expect(result.identity?.ins.matricule.value == matricule, "\(testCase.id) \(mode)")
                #expect(result.identity?.ins.key == expected.key, "\(testCase.id) \(mode)")
            }
        }
    }

    static func run(_ testCase: SeededCase, on base: ReferenceBase) throws -> SearchResult {
        let r = testCase.request
        switch testCase.operation {
        case "traits":
            var names = r.firstNames ?? []
            if r.firstNamesAsOneValue == true { names = [names.joined(separator: " ")] }
            return base.search(try TraitsQuery.validate(birthName: r.birthName, firstNames: names, sex: r.sex, birthDate: r.birthDate, birthPlace: r.birthPlace))
        default:
            return base.search(try VitaleQuery.validate(
                ouvrantDroit: r.ouvrantDroit, ouvrantDroitKey: r.ouvrantDroitKey, birthDate: r.birthDate, rank: r.rank.map(String.init),
                beneficiaryMatricule: r.beneficiaryMatricule, beneficiaryKey: nil, birthName: r.birthName))
        }
    }
}
