import Testing
@testable import INSiCore

@Suite("Traits index")
struct TraitsIndexTests {
    func candidates(_ index: TraitsIndex, _ hash: UInt64) -> [Int32] {
        var slots: [Int32] = []
        index.forEachCandidate(hash: hash) { slots.append($0) }
        return slots.sorted()
    }

    @Test("homonyms, removals and growth: each hash gives exactly its live slots")
    func fileAndFind() {
        // Few distinct hashes, many slots each, hashes that share their low bits (the table's
        // home positions) but not their 32 bits: long probe runs, removals in their middle.
        var index = TraitsIndex()
        var expected: [UInt64: Set<Int32>] = [:]
        let hashes: [UInt64] = (0..<40).map { UInt64($0) << 20 | 7 }
        for slot in Int32(0)..<1_500 {
            let hash = hashes[Int(slot) % hashes.count]
            index.insert(slot: slot, hash: hash)
            expected[hash, default: []].insert(slot)
        }
        for slot in stride(from: Int32(0), to: 1_500, by: 3) {
            let hash = hashes[Int(slot) % hashes.count]
            let removed = index.remove(slot: slot, hash: hash)
            let removedAgain = index.remove(slot: slot, hash: hash)
            #expect(removed)
            #expect(!removedAgain, "a slot is removed once")
            expected[hash]?.remove(slot)
        }
        // Insertions after removals reuse their entries, and a growth drops them.
        for slot in Int32(1_500)..<3_000 {
            let hash = hashes[Int(slot) % hashes.count]
            index.insert(slot: slot, hash: hash)
            expected[hash, default: []].insert(slot)
        }
        #expect(index.count == expected.values.reduce(0) { $0 + $1.count })
        for hash in hashes {
            #expect(candidates(index, hash) == expected[hash, default: []].sorted())
        }
        #expect(candidates(index, 12_345 << 20 | 7).isEmpty, "a hash never filed gives nothing")
    }

    @Test("the upper 32 bits of a hash do not count: the caller checks each candidate's key")
    func lowBitsOnly() {
        var index = TraitsIndex()
        index.insert(slot: 1, hash: 0xAAAA_0000_1234_5678)
        index.insert(slot: 2, hash: 0xBBBB_0000_1234_5678)
        #expect(candidates(index, 0x1234_5678) == [1, 2])
        let removed = index.remove(slot: 1, hash: 0x1234_5678)
        #expect(removed)
        #expect(candidates(index, 0xCCCC_0000_1234_5678) == [2])
    }

    @Test("the hash reads every byte of the name, the sex and the date")
    func hashInputs() throws {
        let date = try #require(LunarDate("1980-05-17"))
        let base = TraitsIndexKey(nameKey: "MARTIN-DURAND", sex: .female, birthDate: date)
        var variants = [
            TraitsIndexKey(nameKey: "MARTIN-DURANE", sex: .female, birthDate: date),
            TraitsIndexKey(nameKey: "MARTIN-DURAN", sex: .female, birthDate: date),
            TraitsIndexKey(nameKey: "MARTIN-DURAND ", sex: .female, birthDate: date),
            TraitsIndexKey(nameKey: "NARTIN-DURAND", sex: .female, birthDate: date),
            TraitsIndexKey(nameKey: "MARTIN-DURAND", sex: .male, birthDate: date),
            TraitsIndexKey(nameKey: "MARTIN-DURAND", sex: .indeterminate, birthDate: date),
        ]
        for other in ["1980-05-18", "1980-06-17", "1981-05-17", "1980-05-00", "1980-00-00"] {
            variants.append(TraitsIndexKey(nameKey: "MARTIN-DURAND", sex: .female, birthDate: try #require(LunarDate(other))))
        }
        let hash = TraitsIndex.hash(base)
        #expect(TraitsIndex.hash(base) == hash, "the same key, the same hash")
        for variant in variants {
            #expect(UInt32(truncatingIfNeeded: TraitsIndex.hash(variant)) != UInt32(truncatingIfNeeded: hash),
                    "\(variant.nameKey) \(variant.sex) \(variant.birthDate)")
        }
        // The empty name (never in a base, but hashed all the same).
        #expect(TraitsIndex.hash(TraitsIndexKey(nameKey: "", sex: .female, birthDate: date)) != hash)
    }

    @Test("two names whose hashes collide: the search tells them apart by the identity's own traits")
    func collidingHashes() throws {
        // The hash is not seeded, so a colliding pair among these names is found the same way on
        // every run; 200,000 names make one all but certain (about 4.6 pairs expected in 32 bits).
        let date = try #require(LunarDate("1950-01-01"))
        var seen: [UInt32: String] = [:]
        var pair: (String, String)?
        for number in 0..<200_000 {
            let name = "NOM\(number)"
            let tag = UInt32(truncatingIfNeeded: TraitsIndex.hash(TraitsIndexKey(nameKey: name, sex: .male, birthDate: date)))
            if let other = seen[tag] {
                pair = (other, name)
                break
            }
            seen[tag] = name
        }
        let (first, second) = try #require(pair)
        let base = try ReferenceBase(identities: [
            makeIdentity(first, ["JEAN"], .male, "1950-01-01", nil, "1500175056001"),
            makeIdentity(second, ["JEAN"], .male, "1950-01-01", nil, "1500175056002"),
        ])
        for (name, matricule) in [(first, "1500175056001"), (second, "1500175056002")] {
            let result = base.search(TraitsQuery(birthName: name, firstNames: ["JEAN"], sex: .male, birthDate: date, birthPlace: nil))
            #expect(result.code == "00")
            #expect(result.identity?.ins.matricule.value == matricule)
            #expect(result.explanation.hasPrefix("1 identity"), "the other name's identity is not a candidate")
        }
    }
}
