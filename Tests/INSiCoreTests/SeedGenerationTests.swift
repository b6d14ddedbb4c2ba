import Foundation
import Testing
import TestSupport
@testable import INSiCore

/// `insi-sim seed generate`: the synthetic base written by `SeedWriter` from `SyntheticGenerator`.
@Suite("Synthetic seed generation")
struct SeedGenerationTests {
    /// Writes a generated base to a temporary file; its path and the cards made.
    static func generate(count: Int, seed: UInt64) throws -> (String, [VitaleCard]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("insi-seed-\(UUID().uuidString).json").path
        let writer = try SeedWriter(path: path)
        var generator = SyntheticGenerator(seed: seed)
        try generator.generate(count: count) { identity in try writer.write(identity) }
        try writer.finish(cards: generator.cards)
        return (path, generator.cards)
    }

    static let size = 20_000
    /// One base shared by the tests that only read it.
    static let shared: (path: String, cards: [VitaleCard], base: ReferenceBase)? = {
        guard let (path, cards) = try? generate(count: size, seed: 1), let base = try? SeedFile.load(path: path, progress: .none) else { return nil }
        return (path, cards, base)
    }()

    /// `shared`, made (or waited for) off the cooperative pool: making it takes seconds of CPU,
    /// during which the tests that wait for it would otherwise hold the pool's threads.
    static func sharedBase() async throws -> (path: String, cards: [VitaleCard], base: ReferenceBase) {
        try #require(try await offPool { Self.shared })
    }

    @Test("the same seed gives byte-identical files, another seed another base")
    func deterministic() async throws {
        let (first, second, other) = try await offPool {
            (try Self.generate(count: 3_000, seed: 42).0, try Self.generate(count: 3_000, seed: 42).0, try Self.generate(count: 3_000, seed: 43).0)
        }
        defer { for path in [first, second, other] { try? FileManager.default.removeItem(atPath: path) } }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        #expect(bytes != (try Data(contentsOf: URL(fileURLWithPath: other))))
    }

    @Test("the file loads, every record valid, one record per line")
    func loads() async throws {
        let shared = try await Self.sharedBase()
        #expect(shared.base.count == Self.size)
        #expect(shared.base.cards.count == shared.cards.count)
        let text = try String(contentsOfFile: shared.path, encoding: .utf8)
        let recordLines = text.split(separator: "\n").filter { $0.hasPrefix("    {\"birthName\"") }
        #expect(recordLines.count == Self.size)
    }

    @Test("matricules and keys are consistent with sex, birth month and place")
    func consistentMatricules() async throws {
        let base = try await Self.sharedBase().base
        for identity in base.identities {
            let value = Array(identity.ins.matricule.value)
            let traits = identity.traits
            #expect(value[0] == (traits.sex == .female ? "2" : "1"))
            #expect(String(value[1...2]) == String(String(traits.birthDate.year).suffix(2)))
            let month = traits.birthDate.month == 0 ? "20" : (traits.birthDate.month < 10 ? "0\(traits.birthDate.month)" : "\(traits.birthDate.month)")
            #expect(String(value[3...4]) == month)
            let place = try #require(traits.birthPlace)
            // The place is the COG unless the order numbers of that place and month ran out.
            #expect(String(value[5...9]) == place.code || value[5...6] == ["9", "9"])
            // Born in Paris, Lyon or Marseille: an arrondissement, never the commune code.
            #expect(BigCity.city(ofCommuneCode: place.code) == nil, "\(place)")
            #expect(identity.ins.key == identity.ins.matricule.key)
            #expect(traits.birthDate.year < 2024)
        }
    }

    @Test("the documented shares are roughly met")
    func shares() async throws {
        let identities = try await Self.sharedBase().base.identities
        let total = Double(identities.count)
        func share(_ predicate: (Identity) -> Bool) -> Double { Double(identities.filter(predicate).count) / total }
        let name = { (identity: Identity) in identity.traits.birthName }
        typealias S = SyntheticBase.Share
        #expect(abs(share { name($0).contains("-") && !name($0).contains("--") } - S.hyphenatedName) < 0.02)
        #expect(abs(share { name($0).contains("--") } - S.doubleHyphenName) < 0.01)
        #expect(abs(share { name($0).contains(" ") } - S.spacedName) < 0.015)
        #expect(abs(share { name($0).contains("'") } - S.apostropheName) < 0.006)
        #expect(abs(share { $0.traits.birthDate.isLunar } - S.lunarDate) < 0.006)
        #expect(abs(share { $0.traits.birthPlace?.isAbroad == true } - S.bornAbroad) < 0.015)
        #expect(abs(share { $0.ins.oid == .nia } - S.nia) < 0.006)
        #expect(abs(share { !$0.history.isEmpty } - S.history) < 0.008)
        #expect(share { $0.ins.matricule.department == "2A" || $0.ins.matricule.department == "2B" } > 0.05)
        #expect(share { $0.traits.firstNames.count > 1 } > 0.4)
        #expect(share { $0.traits.birthPlace.flatMap { BigCity.arrondissement(ofCOG: $0.code) } != nil } > 0.05)
    }

    @Test("Vitale families have twins: same birth date, ranks 1 and 2, each found by a Vitale search")
    func twins() async throws {
        let shared = try await Self.sharedBase()
        let twinCards = shared.cards.filter { $0.beneficiaries.contains { $0.rank == 2 } }
        #expect(twinCards.count > 10)
        for card in twinCards.prefix(20) {
            let ranked = card.beneficiaries.filter { $0.rank == 1 || $0.rank == 2 }.suffix(2)
            #expect(Set(ranked.map(\.birthDate)).count == 1)
            for beneficiary in ranked {
                let result = shared.base.search(VitaleQuery(ouvrantDroit: card.ouvrantDroit, birthDate: beneficiary.birthDate, rank: beneficiary.rank))
                #expect(result.identity?.ins.matricule == beneficiary.matricule)
            }
        }
    }

    @Test("homonym groups make 02 occur; the complete list or the place usually resolves them")
    func homonyms() async throws {
        let base = try await Self.sharedBase().base
        var several = 0
        var found = 0
        for identity in base.identities {
            let traits = identity.traits
            let query = TraitsQuery(birthName: traits.birthName, firstNames: [traits.firstFirstName], sex: traits.sex, birthDate: traits.birthDate)
            switch base.search(query).outcome {
            case .several: several += 1
            case .found: found += 1
            case .notFound: Issue.record("\(traits.displayName) not found by its own traits")
            }
        }
        #expect(several > Self.size / 100)
        #expect(found > Self.size * 9 / 10)
    }
}
