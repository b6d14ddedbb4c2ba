import Foundation
import Testing
@testable import INSiCore

/// Builds identities for engine tests with valid keys.
func makeIdentity(_ name: String, _ firstNames: [String], _ sex: Sex, _ date: String, _ place: String?, _ matricule: String) -> Identity {
    let m = Matricule(matricule)!
    return Identity(
        ins: INS(matricule: m, key: m.key, oid: .nir),
        traits: IdentityTraits(birthName: name, firstNames: firstNames, sex: sex, birthDate: LunarDate(date)!, birthPlace: place.flatMap(COG.init)))
}

@Suite("Reference base and matching")
struct ReferenceBaseTests {
    static let identities = [
        makeIdentity("DE VINCI", ["LEONARDO", "PIERO"], .male, "2014-02-01", "75056", "1140275056001"),
        makeIdentity("DE VINCI", ["LEONARDO"], .male, "2014-02-01", "13055", "1140213055002"),
        makeIdentity("MARTIN DURAND", ["JULIE"], .female, "1985-03-12", "69123", "2850369123003"),
        makeIdentity("TCHITCHI", ["CATARINA", "BELLA"], .female, "1936-06-21", "63220", "2360663220836"),
    ]

    func query(_ name: String, _ first: [String], _ sex: Sex, _ date: String, _ place: String? = nil) -> TraitsQuery {
        TraitsQuery(birthName: name, firstNames: first, sex: sex, birthDate: LunarDate(date)!, birthPlace: place.flatMap(COG.init))
    }

    @Test("00, 01 and 02 with explanations")
    func codes() throws {
        let base = try ReferenceBase(identities: Self.identities)
        let several = base.search(query("DE VINCI", ["LEONARDO"], .male, "2014-02-01"))
        #expect(several.code == "02")
        #expect(several.explanation.contains("2 identities"))
        #expect(base.search(query("DE VINCI", ["LEONARDO", "PIERO"], .male, "2014-02-01")).identity?.ins.matricule.value == "1140275056001")
        #expect(base.search(query("DE VINCI", ["LEONARDO"], .male, "2014-02-01", "13055")).identity?.ins.matricule.value == "1140213055002")
        let none = base.search(query("DE-VINCI", ["LEONARDO"], .male, "2014-02-01"))
        #expect(none.code == "01")
        #expect(none.explanation.contains("no identity"))
        #expect(base.search(query("TCHITCHI", ["OLA"], .female, "1936-06-21")).code == "01")
        #expect(base.search(query("TCHITCHI", ["CATARINA"], .male, "1936-06-21")).code == "01")
        #expect(base.search(query("TCHITCHI", ["CATARINA"], .female, "1936-06-22")).code == "01")
        #expect(base.search(query("TCHITCHI", ["CATARINA"], .female, "1936-06-21", "75056")).code == "01")
    }

    @Test("relaxed mode finds the hyphen variant, strict does not")
    func relaxed() throws {
        let strict = try ReferenceBase(identities: Self.identities)
        let relaxed = strict.rebuilt(nameMatching: .relaxed)
        let q = query("MARTIN-DURAND", ["JULIE"], .female, "1985-03-12")
        #expect(strict.search(q).code == "01")
        #expect(relaxed.search(q).code == "00")
        #expect(relaxed.search(query("Martin Durand", ["Julie"], .female, "1985-03-12")).code == "00")
    }

    @Test("insert, replace and remove keep the indexes right")
    func changes() throws {
        var base = try ReferenceBase(identities: Self.identities)
        #expect(base.count == 4)
        let duplicate = makeIdentity("OTHER", ["ANNE"], .female, "1990-01-01", nil, "2360663220836")
        #expect(throws: BaseError.self) { try base.insert(duplicate) }
        // Remove the head and the tail of the DE VINCI chain in turn.
        let first = try #require(Matricule("1140275056001"))
        #expect(base.remove(matricule: first) != nil)
        #expect(base.search(query("DE VINCI", ["LEONARDO"], .male, "2014-02-01")).code == "00")
        #expect(base.remove(matricule: first) == nil)
        try base.insert(Self.identities[0])
        let second = try #require(Matricule("1140213055002"))
        base.remove(matricule: second)
        #expect(base.search(query("DE VINCI", ["LEONARDO"], .male, "2014-02-01")).identity?.ins.matricule == first)
        var renamed = Self.identities[3]
        renamed.traits.birthName = "TCHITCHI-NEW"
        try base.replace(matricule: renamed.ins.matricule, with: renamed)
        #expect(base.search(query("TCHITCHI", ["CATARINA"], .female, "1936-06-21")).code == "01")
        #expect(base.search(query("TCHITCHI-NEW", ["CATARINA"], .female, "1936-06-21")).code == "00")
        #expect(base.count == 3)
        #expect(throws: BaseError.unknownIdentity(second)) { try base.replace(matricule: second, with: renamed) }
    }

    @Test("Vitale: card, birth date and rank, narrowed by matricule and name")
    func vitale() throws {
        let parent = makeIdentity("LEFEBVRE", ["JULIE"], .female, "1985-04-10", "59350", "2850459350011")
        let twin1 = makeIdentity("LEFEBVRE", ["LUCAS"], .male, "2015-06-10", "59350", "1150659350021")
        let twin2 = makeIdentity("LEFEBVRE", ["LEA"], .female, "2015-06-10", "59350", "2150659350022")
        let card = VitaleCard(
            ouvrantDroit: parent.ins.matricule, ouvrantDroitKey: parent.ins.key,
            beneficiaries: [
                .init(matricule: parent.ins.matricule, birthDate: parent.traits.birthDate, rank: 1),
                .init(matricule: twin1.ins.matricule, birthDate: twin1.traits.birthDate, rank: 1),
                .init(matricule: twin2.ins.matricule, birthDate: twin2.traits.birthDate, rank: 2),
            ])
        let base = try ReferenceBase(identities: [parent, twin1, twin2], cards: [card])
        let od = parent.ins.matricule
        let date = LunarDate("2015-06-10")!
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date)).identity == twin1)
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date, rank: 2)).identity == twin2)
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date, rank: 3)).code == "01")
        #expect(base.search(VitaleQuery(ouvrantDroit: od, ouvrantDroitKey: "00", birthDate: date)).code == "01")
        #expect(base.search(VitaleQuery(ouvrantDroit: od, ouvrantDroitKey: parent.ins.key, birthDate: date)).code == "00")
        #expect(base.search(VitaleQuery(ouvrantDroit: twin1.ins.matricule, birthDate: date)).code == "01")
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date, beneficiaryMatricule: twin2.ins.matricule)).code == "01")
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date, birthName: "LEFEBVRE")).code == "00")
        #expect(base.search(VitaleQuery(ouvrantDroit: od, birthDate: date, birthName: "DUPONT")).code == "01")
        // Two beneficiaries with the same date and rank cannot be told apart: refused.
        var ambiguous = card
        ambiguous.beneficiaries[2].rank = 1
        #expect(throws: BaseError.self) { try ReferenceBase(identities: [parent, twin1, twin2], cards: [ambiguous]) }
    }

    @Test("a search does not scan the base: the index gives only the homonyms")
    func indexed() throws {
        var base = ReferenceBase()
        for index in 0..<5_000 {
            let order = String(format: "%03d", index % 1000)
            let text = "1\(String(format: "%02d", 50 + index / 1000))0175056\(order)"
            guard let m = Matricule(text) else { continue }
            try base.insert(Identity(
                ins: INS(matricule: m, key: m.key, oid: .nir),
                traits: IdentityTraits(birthName: "NAME\(index)", firstNames: ["JEAN"], sex: .male, birthDate: LunarDate("1950-01-01")!, birthPlace: nil)))
        }
        let result = base.search(query("NAME4321", ["JEAN"], .male, "1950-01-01"))
        #expect(result.code == "00")
        #expect(result.explanation.hasPrefix("1 identity"))
    }
}

@Suite("Search input validation")
struct SearchInputTests {
    @Test("missing traits name their field")
    func missing() {
        #expect(throws: SearchInputError.missing(.birthName)) {
            try TraitsQuery.validate(birthName: "  ", firstNames: ["A"], sex: "M", birthDate: "2000-01-01", birthPlace: nil)
        }
        #expect(throws: SearchInputError.missing(.firstName)) {
            try TraitsQuery.validate(birthName: "A", firstNames: [" "], sex: "M", birthDate: "2000-01-01", birthPlace: nil)
        }
        #expect(throws: SearchInputError.missing(.sex)) {
            try TraitsQuery.validate(birthName: "A", firstNames: ["B"], sex: nil, birthDate: "2000-01-01", birthPlace: nil)
        }
        #expect(throws: SearchInputError.missing(.birthDate)) {
            try TraitsQuery.validate(birthName: "A", firstNames: ["B"], sex: "F", birthDate: nil, birthPlace: nil)
        }
    }

    @Test("invalid traits name their field")
    func invalid() throws {
        func field(_ body: () throws -> Void) -> SearchInputError.Field? {
            do { try body(); return nil } catch { return (error as? SearchInputError)?.field }
        }
        #expect(field { _ = try TraitsQuery.validate(birthName: "A", firstNames: ["B"], sex: "X", birthDate: "2000-01-01", birthPlace: nil) } == .sex)
        #expect(field { _ = try TraitsQuery.validate(birthName: "A", firstNames: ["B"], sex: "M", birthDate: "2000-02-30", birthPlace: nil) } == .birthDate)
        #expect(field { _ = try TraitsQuery.validate(birthName: "A", firstNames: ["B"], sex: "M", birthDate: "2000-01-01", birthPlace: "750") } == .birthPlace)
        #expect(field { _ = try TraitsQuery.validate(birthName: "A\u{0}", firstNames: ["B"], sex: "M", birthDate: "2000-01-01", birthPlace: nil) } == .birthName)
        #expect(field { _ = try VitaleQuery.validate(ouvrantDroit: "12", ouvrantDroitKey: nil, birthDate: "2000-01-01", rank: nil, beneficiaryMatricule: nil, beneficiaryKey: nil, birthName: nil) } == .ouvrantDroit)
        #expect(field { _ = try VitaleQuery.validate(ouvrantDroit: "160012B020777", ouvrantDroitKey: "1", birthDate: "2000-01-01", rank: nil, beneficiaryMatricule: nil, beneficiaryKey: nil, birthName: nil) } == .ouvrantDroitKey)
        #expect(field { _ = try VitaleQuery.validate(ouvrantDroit: "160012B020777", ouvrantDroitKey: nil, birthDate: "2000-01-01", rank: "0", beneficiaryMatricule: nil, beneficiaryKey: nil, birthName: nil) } == .birthRank)
        #expect(field { _ = try VitaleQuery.validate(ouvrantDroit: "160012B020777", ouvrantDroitKey: nil, birthDate: nil, rank: nil, beneficiaryMatricule: nil, beneficiaryKey: nil, birthName: nil) } == .birthDate)
        #expect(field { _ = try VitaleQuery.validate(ouvrantDroit: "160012B020777", ouvrantDroitKey: nil, birthDate: "2000-01-01", rank: nil, beneficiaryMatricule: "ABC", beneficiaryKey: nil, birthName: nil) } == .beneficiaryMatricule)
    }

    @Test("one space-separated Prenom means the same as one Prenom per name")
    func firstNamesSplit() throws {
        let one = try TraitsQuery.validate(birthName: "A", firstNames: ["CATARINA BELLA"], sex: "F", birthDate: "1936-06-21", birthPlace: nil)
        let two = try TraitsQuery.validate(birthName: "A", firstNames: ["CATARINA", "BELLA"], sex: "F", birthDate: "1936-06-21", birthPlace: nil)
        #expect(one.firstNames == two.firstNames)
        #expect(one.firstNames == ["CATARINA", "BELLA"])
    }

    @Test("Prenom values split or kept as sent, in their order, an empty one included")
    func firstNamesMixed() throws {
        func names(_ values: [String]) throws -> [String] {
            try TraitsQuery.validate(birthName: "A", firstNames: values, sex: "F", birthDate: "1936-06-21", birthPlace: nil).firstNames
        }
        #expect(try names(["ANNE", "MARIE\tCLAIRE", "LOU"]) == ["ANNE", "MARIE", "CLAIRE", "LOU"])
        #expect(try names(["ANNE", "", "MARIE  CLAIRE"]) == ["ANNE", "", "MARIE", "CLAIRE"])
        #expect(try names(["MARIE CLAIRE", "", "anne"]) == ["MARIE", "CLAIRE", "", "anne"])
        #expect(try names(["ANNE", "", "lou"]) == ["ANNE", "", "lou"])
        #expect(try names(["ANNE", "  "]) == ["ANNE"])
        #expect(throws: SearchInputError.missing(.firstName)) { try names([" \t "]) }
        // Every value is checked, before and after the first one split, in order.
        let control = SearchInputError.invalid(.firstName, "LOU\u{7}", "holds the control character U+7")
        #expect(throws: control) { try names(["MARIE CLAIRE", "LOU\u{7}"]) }
        #expect(throws: control) { try names(["LOU\u{7}", "MARIE CLAIRE"]) }
        let long = String(repeating: "A", count: TraitsQuery.maxNameLength + 1)
        #expect(throws: SearchInputError.invalid(.firstName, String(long.prefix(40)), "longer than \(TraitsQuery.maxNameLength) characters")) {
            try names(["MARIE CLAIRE", long, "LOU\u{7}"])
        }
    }

    @Test("a strict search upper-cases first names sent in lower case, alone or beside canonical ones")
    func firstNamesCase() {
        let rule = FirstNameRule(["catarina", "BELLA"], nameMatching: .strict)
        #expect(rule.matches(["CATARINA", "BELLA"]))
        #expect(!rule.matches(["CATARINA"]))
        #expect(FirstNameRule(["CATARINA", "BELLA"], nameMatching: .strict).matches(["CATARINA", "BELLA"]))
        #expect(FirstNameRule(["Catarina"], nameMatching: .strict).matches(["CATARINA", "BELLA"]))
        #expect(!FirstNameRule(["BELLA"], nameMatching: .strict).matches(["CATARINA", "BELLA"]))
    }

    @Test("birth places: five characters, digits or 2A/2B then digits, lower case accepted")
    func birthPlaces() {
        #expect(COG("63220")?.code == "63220")
        #expect(COG("2A004")?.code == "2A004")
        #expect(COG("2b033")?.code == "2B033")
        #expect(COG("99100")?.isAbroad == true)
        for invalid in ["", "6322", "632200", "A3220", "2C004", "63A20", "6322A", "2A0O4", "\u{E9}3220", "6\u{300}3220"] {
            #expect(COG(invalid) == nil, "\(invalid)")
        }
    }
}
