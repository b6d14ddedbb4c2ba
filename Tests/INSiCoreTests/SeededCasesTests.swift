import Foundation
import Testing
@testable import INSiCore

/// One case of `Resources/seed/cases.json`, the test plan published in the README.
struct SeededCase: Decodable, CustomTestStringConvertible, Sendable {
    struct Request: Decodable, Sendable {
        var birthName: String?
        var firstNames: [String]?
        var firstNamesAsOneValue: Bool?
        var sex: String?
        var birthDate: String?
        var birthPlace: String?
        var ouvrantDroit: String?
        var ouvrantDroitKey: String?
        var rank: Int?
        var beneficiaryMatricule: String?
    }
    struct Expectation: Decodable, Sendable {
        var code: String
        var matricule: String?
        var key: String?
    }
    var id: String
    var operation: String
    var request: Request
    var expected: [String: Expectation]
    var testDescription: String { id }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seedPath = repository.appendingPathComponent("Resources/seed/default-base.json").path

    static let all: [SeededCase] = {
        let url = repository.appendingPathComponent("Resources/seed/cases.json")
        guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([SeededCase].self, from: data) else { return [] }
        return cases
    }()
}

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
        #expect(ecetinsi.history.map(\.matricule.value) == ["2090763220834", "2090663220123"])
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

    @Test("each case, strict and relaxed", arguments: SeededCase.all)
    func seededCase(_ testCase: SeededCase) throws {
        for (mode, base) in [("strict", Self.strict), ("relaxed", Self.relaxed)] {
            let base = try #require(base)
            let expected = try #require(testCase.expected[mode])
            let result = try Self.run(testCase, on: base)
            #expect(result.code == expected.code, "\(testCase.id) \(mode): \(result.explanation)")
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
