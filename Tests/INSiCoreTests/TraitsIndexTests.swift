import Testing
@testable import INSiCore

@Suite("Traits index")
struct TraitsIndexTests {
    func candidates(_ index: TraitsIndex, _ hash: UInt64) -> [Int32] {
        var slots: [Int32] = []
        index.forEachCandidate(hash: hash) { slots.append($0) }
        return slots.sorted()
    }

    /// Files `slots` slots in turn under `hashes` (homonyms: each hash many times), removes
    /// every `removalStride`-th, files as many again (the removed entries are reused, then the
    /// table grows), and checks that each hash gives exactly its live slots.
    func fileRemoveAndFind(_ hashes: [UInt64], slots: Int32, removalStride: Int32) {
        var index = TraitsIndex()
        var expected: [UInt64: Set<Int32>] = [:]
        func file(_ range: Range<Int32>) {
            for slot in range {
                let hash = hashes[Int(slot) % hashes.count]
                index.insert(slot: slot, hash: hash)
                expected[hash, default: []].insert(slot)
            }
        }
        file(0..<slots)
        for slot in stride(from: Int32(0), to: slots, by: Int(removalStride)) {
            let hash = hashes[Int(slot) % hashes.count]
            let removed = index.remove(slot: slot, hash: hash)
            let removedAgain = index.remove(slot: slot, hash: hash)
            #expect(removed)
            #expect(!removedAgain, "a slot is removed once")
            expected[hash]?.remove(slot)
        }
        file(slots..<(2 * slots))
        #expect(index.count == expected.values.reduce(0) { $0 + $1.count })
        for hash in hashes {
            #expect(candidates(index, hash) == expected[hash, default: []].sorted())
        }
        #expect(candidates(index, 12_345).isEmpty, "a hash never filed gives nothing")
    }

    @Test("homonyms, removals and growth: each hash gives exactly its live slots")
    func spreadKeys() {
        fileRemoveAndFind((1...40).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }, slots: 1_500, removalStride: 3)
    }

    @Test("keys sharing their home: one run of mixed keys, removals inside it, growth")
    func sharedHomes() {
        // Hashes that agree in their low 20 bits (every table here has fewer than 2²⁰ positions,
        // so one home for all) and differ above.
        fileRemoveAndFind((0..<40).map { UInt64($0) << 20 | 7 }, slots: 800, removalStride: 4)
    }

    @Test("the bits of a hash above the 32 the table keeps do not count: the caller checks each candidate's key")
    func lowBitsOnly() {
        var index = TraitsIndex()
        index.insert(slot: 1, hash: 0xAAAA_0000_1234_5678)
        index.insert(slot: 2, hash: 0xBBBB_0000_1234_5678)
        #expect(candidates(index, 0x1234_5678) == [1, 2])
        let removed = index.remove(slot: 1, hash: 0x1234_5678)
        #expect(removed)
        #expect(candidates(index, 0xCCCC_0000_1234_5678) == [2])
    }

    @Test("a probe run wraps past the table's end; another key's entries on the way are passed over")
    func wrapAround() {
        var index = TraitsIndex(keys: 8)
        #expect(index.positions == 16)
        // Home at the last position: the run goes on at 0, 1, 2...
        for slot in Int32(0)..<6 { index.insert(slot: slot, hash: 15) }
        index.insert(slot: 50, hash: 1)
        #expect(candidates(index, 15) == [0, 1, 2, 3, 4, 5])
        #expect(candidates(index, 0).isEmpty, "home 0 holds key 15's entries, not key 0's")
        #expect(candidates(index, 1) == [50])
        let removed = index.remove(slot: 2, hash: 15)
        #expect(removed)
        #expect(candidates(index, 15) == [0, 1, 3, 4, 5], "a removal in the middle of the run leaves the rest reachable")
        #expect(candidates(index, 1) == [50])
    }

    @Test("a removed entry is reused by the next one filed on its run, and dropped when the table is rebuilt")
    func removedEntries() {
        var index = TraitsIndex(keys: 16)
        #expect(index.positions == 32)
        for slot in Int32(0)..<8 { index.insert(slot: slot, hash: 5) }
        let removed = index.remove(slot: 3, hash: 5)
        #expect(removed)
        #expect(index.removedCount == 1)
        index.insert(slot: 100, hash: 5)
        #expect(index.removedCount == 0, "the removed entry was reused")
        #expect(candidates(index, 5) == [0, 1, 2, 4, 5, 6, 7, 100])
        for slot: Int32 in [0, 1] {
            let gone = index.remove(slot: slot, hash: 5)
            #expect(gone)
        }
        // Filed under other hashes until the table is rebuilt.
        var next: Int32 = 200
        while index.positions == 32 {
            index.insert(slot: next, hash: UInt64(next))
            next += 1
        }
        #expect(index.removedCount == 0)
        #expect(candidates(index, 5) == [2, 4, 5, 6, 7, 100])
    }

    @Test("replacing identities in a base at the table's limit rebuilds it once, not at every replacement")
    func churnAtTheLimit() {
        // 1,024 keys fill a table made for them to exactly half.
        var index = TraitsIndex(keys: 1_024)
        for slot in Int32(0)..<1_024 { index.insert(slot: slot, hash: UInt64(slot) &* 0x9E37_79B9_7F4A_7C15) }
        #expect(index.positions == 2_048)
        // A replacement (a removal, then a new slot): rebuilt with room to spare.
        func replace(_ old: Int32, with new: Int32) {
            _ = index.remove(slot: old, hash: UInt64(old) &* 0x9E37_79B9_7F4A_7C15)
            index.insert(slot: new, hash: UInt64(new) &* 0x9E37_79B9_7F4A_7C15)
        }
        replace(0, with: 1_024)
        #expect(index.positions == 4_096)
        #expect(index.count == 1_024)
        // A thousand more replacements fit before the next rebuild (at most 2,048 entries, live
        // or removed): the table neither grows nor shrinks.
        for step in Int32(1)..<1_000 { replace(step, with: 1_024 + step) }
        #expect(index.positions == 4_096)
        #expect(index.count == 1_024)
        #expect(index.removedCount == 999, "no rebuild since the first: it would have dropped the removed entries")
        #expect(candidates(index, UInt64(1_500) &* 0x9E37_79B9_7F4A_7C15) == [1_500])
        #expect(candidates(index, UInt64(500) &* 0x9E37_79B9_7F4A_7C15).isEmpty)
    }

    @Test("the hash reads every byte of the name, the sex and the date, and never trades one for another")
    func hashInputs() throws {
        func key(_ name: String, _ sex: Sex, _ date: String) throws -> TraitsIndexKey {
            TraitsIndexKey(nameKey: name, sex: sex, birthDate: try #require(LunarDate(date)))
        }
        func tag(_ key: TraitsIndexKey) -> UInt32 { UInt32(truncatingIfNeeded: TraitsIndex.hash(key)) }
        let pairs: [(TraitsIndexKey, TraitsIndexKey)] = [
            // One field apart.
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURANE", .female, "1980-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAN", .female, "1980-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND ", .female, "1980-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .male, "1980-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .indeterminate, "1980-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .female, "1980-05-18")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .female, "1980-06-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .female, "1981-05-17")),
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("MARTIN-DURAND", .female, "1980-05-00")),
            // A whole word, and the bytes 4 to 7 of one.
            (try key("ABCDEFGH", .male, "1950-01-01"), try key("ABCDEFGI", .male, "1950-01-01")),
            (try key("ABCDEFGH", .male, "1950-01-01"), try key("ABCDXFGH", .male, "1950-01-01")),
            (try key("ABCDEFGHIJKLMNOP", .male, "1950-01-01"), try key("ABCDEFGHIJKLXNOP", .male, "1950-01-01")),
            // A trailing NUL, and the empty name (neither ever in a base, both hashed all the same).
            (try key("MARTIN", .male, "1950-01-01"), try key("MARTIN\u{0}", .male, "1950-01-01")),
            (try key("", .male, "1950-01-01"), try key("\u{0}", .male, "1950-01-01")),
            // A name's first bytes against the sex and the date: these collided when the sex
            // and the date were XORed with the name's first word unmixed.
            (try key("MARTIN-DURAND", .female, "1980-05-17"), try key("NARTIN-DURAND", .male, "1980-05-17")),
            (try key("BERNARD", .male, "1980-05-17"), try key("BERMARD", .male, "1983-05-17")),
            (try key("MARTIN", .male, "1980-05-01"), try key("MCRTIN", .male, "1980-05-03")),
        ]
        for (first, second) in pairs {
            #expect(tag(first) != tag(second), "\(first.nameKey.debugDescription) \(first.sex) \(first.birthDate) against \(second.nameKey.debugDescription) \(second.sex) \(second.birthDate)")
        }
        // One name written composed or decomposed (É, or E and an acute accent) is one name to
        // `String`, so one hash.
        #expect(TraitsIndex.hash(try key("\u{C9}LODIE", .female, "1990-01-01")) == TraitsIndex.hash(try key("E\u{301}LODIE", .female, "1990-01-01")))
    }

    @Test("a candidate is kept only when its own sex, birth date and name key are the key's")
    func candidateCheck() throws {
        let date = try #require(LunarDate("1950-01-01"))
        let traits = IdentityTraits(birthName: "MARTIN", firstNames: ["JEAN"], sex: .male, birthDate: date, birthPlace: nil)
        #expect(ReferenceBase.has(traits, nameKey: "MARTIN", TraitsIndexKey(nameKey: "MARTIN", sex: .male, birthDate: date)))
        #expect(!ReferenceBase.has(traits, nameKey: "MARTIN", TraitsIndexKey(nameKey: "MARTIN", sex: .female, birthDate: date)))
        #expect(!ReferenceBase.has(traits, nameKey: "MARTIN", TraitsIndexKey(nameKey: "MARTIN", sex: .male, birthDate: try #require(LunarDate("1950-01-02")))))
        #expect(!ReferenceBase.has(traits, nameKey: "MARTIN", TraitsIndexKey(nameKey: "MARTINE", sex: .male, birthDate: date)))
    }

    @Test("under the relaxed rule, identities are found by their relaxed key, after removals and replacements")
    func relaxedKeys() throws {
        let identities = [
            makeIdentity("MARTIN-DURAND", ["JULIE"], .female, "1985-03-12", nil, "2850369123003"),
            makeIdentity("D'ARC", ["JEANNE"], .female, "1985-03-12", nil, "2850369123004"),
            makeIdentity("MARTIN DURAND", ["ANNE"], .female, "1985-03-12", nil, "2850369123005"),
        ]
        var base = try ReferenceBase(identities: identities, nameMatching: .relaxed)
        let date = try #require(LunarDate("1985-03-12"))
        func search(_ name: String, _ first: String) -> SearchResult {
            base.search(TraitsQuery(birthName: name, firstNames: [first], sex: .female, birthDate: date, birthPlace: nil))
        }
        #expect(search("Martin Durand", "JULIE").identity?.ins.matricule.value == "2850369123003")
        #expect(search("MARTIN--DURAND", "ANNE").identity?.ins.matricule.value == "2850369123005")
        #expect(search("D ARC", "JEANNE").code == "00")
        #expect(search("MARTIN-DURAND", "JULIE").explanation.hasPrefix("2 identities"), "both spellings share the relaxed key")
        base.remove(matricule: try #require(Matricule("2850369123003")))
        #expect(search("MARTIN-DURAND", "JULIE").code == "01")
        #expect(search("MARTIN-DURAND", "ANNE").explanation.hasPrefix("1 identity"))
        var renamed = identities[1]
        renamed.traits.birthName = "DARC"
        try base.replace(matricule: renamed.ins.matricule, with: renamed)
        #expect(search("D'ARC", "JEANNE").code == "01")
        #expect(search("DARC", "JEANNE").code == "00")
        // A replacement refused (its matricule is another identity's) puts the old one back,
        // found by its relaxed key in its new slot.
        var clash = renamed
        clash.traits.birthName = "LEBLANC"
        clash.ins = identities[2].ins
        #expect(throws: BaseError.self) { try base.replace(matricule: renamed.ins.matricule, with: clash) }
        #expect(search("D-ARC", "JEANNE").code == "01")
        #expect(search("Darc", "JEANNE").identity?.ins.matricule == renamed.ins.matricule)
        #expect(search("LEBLANC", "JEANNE").code == "01")
        // The same identities under the strict rule, then back.
        #expect(base.rebuilt(nameMatching: .strict).search(TraitsQuery(birthName: "Martin Durand", firstNames: ["ANNE"], sex: .female,
                                                                       birthDate: date, birthPlace: nil)).code == "00")
        #expect(base.rebuilt(nameMatching: .strict).rebuilt(nameMatching: .relaxed).search(
            TraitsQuery(birthName: "martin-durand", firstNames: ["ANNE"], sex: .female, birthDate: date, birthPlace: nil)).code == "00")
    }

    @Test("two names whose hashes collide: the search tells them apart by the identity's own traits")
    func collidingHashes() throws {
        // A pair whose hashes agree in the 32 bits the table keeps, found among "NOM0" to
        // "NOM199999" (the hash is not seeded): if the hash changes, find another the same way.
        let date = try #require(LunarDate("1950-01-01"))
        let (first, second) = Self.collidingPair
        func tag(_ name: String) -> UInt32 {
            UInt32(truncatingIfNeeded: TraitsIndex.hash(TraitsIndexKey(nameKey: name, sex: .male, birthDate: date)))
        }
        #expect(tag(first) == tag(second), "the hash changed: find a new colliding pair")
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

    static let collidingPair = ("NOM8940", "NOM75169")

    @Test("a name stored composed is found by the same name sent decomposed")
    func canonicalEquivalence() throws {
        let base = try ReferenceBase(identities: [makeIdentity("\u{C9}LOI", ["JEAN"], .male, "1950-01-01", nil, "1500175056001")])
        let date = try #require(LunarDate("1950-01-01"))
        let result = base.search(TraitsQuery(birthName: "E\u{301}LOI", firstNames: ["JEAN"], sex: .male, birthDate: date, birthPlace: nil))
        #expect(result.code == "00")
    }
}
