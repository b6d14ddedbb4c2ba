/// Makes the identities of a synthetic base one at a time (see `SyntheticBase` for the shares),
/// so that a writer can stream a million of them without holding them: only the matricules
/// already given (to keep them unique), the last few identities (to draw homonyms from) and the
/// Vitale cards are kept.
public struct SyntheticGenerator: Sendable {
    private typealias Share = SyntheticBase.Share

    /// How far back a homonym is drawn from: close enough to keep only a small window.
    static let homonymWindow = 50
    /// Births are drawn up to this year (excluded), so that no one is born in the future.
    static let lastYear = 2024

    private var rng: SplitMix64
    private var used: Set<Matricule> = []
    private var recent: [Identity] = []
    private var recentNext = 0
    /// The Vitale cards of the families made so far.
    public private(set) var cards: [VitaleCard] = []

    public init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    /// Makes `count` identities and hands each to `emit`, in base order; the cards covering them
    /// are in `cards` afterwards. The same seed and count always give the same sequence.
    public mutating func generate(count: Int, emit: (Identity) throws -> Void) rethrows {
        used.reserveCapacity(count + count / 8)
        var made = 0
        while made < count {
            // A family: the ouvrant droit and a child, or twins.
            if made + 3 <= count && rng.chance(Share.family) {
                let family = makeFamily()
                for identity in family {
                    try emit(identity)
                    remember(identity)
                }
                made += family.count
                continue
            }
            let homonymOf = !recent.isEmpty && rng.chance(Share.homonym) ? recent[rng.below(recent.count)] : nil
            let identity = person(homonymOf: homonymOf, bornAfter: 1930, bornBefore: SyntheticGenerator.lastYear)
            try emit(identity)
            remember(identity)
            made += 1
        }
    }

    private mutating func remember(_ identity: Identity) {
        if recent.count < SyntheticGenerator.homonymWindow {
            recent.append(identity)
        } else {
            recent[recentNext] = identity
            recentNext = (recentNext + 1) % SyntheticGenerator.homonymWindow
        }
    }

    /// The ouvrant droit, then one child or twins, all with the parent's birth name; their card.
    private mutating func makeFamily() -> [Identity] {
        let parent = person(homonymOf: nil, bornAfter: 1950, bornBefore: 1990)
        let childYear = min(Int(parent.traits.birthDate.year) + 22 + rng.below(15), SyntheticGenerator.lastYear - 1)
        let twins = rng.chance(Share.twins)
        var children = [person(homonymOf: nil, bornAfter: childYear, bornBefore: childYear + 1, birthName: parent.traits.birthName)]
        if twins {
            let twin = person(homonymOf: nil, bornAfter: childYear, bornBefore: childYear + 1, birthName: parent.traits.birthName)
            children.append(reborn(twin, on: children[0].traits.birthDate, place: children[0].traits.birthPlace))
        }
        var beneficiaries = [VitaleCard.Beneficiary(matricule: parent.ins.matricule, birthDate: parent.traits.birthDate, rank: 1)]
        for (rank, child) in children.enumerated() {
            beneficiaries.append(VitaleCard.Beneficiary(matricule: child.ins.matricule, birthDate: child.traits.birthDate, rank: twins ? rank + 1 : 1))
        }
        cards.append(VitaleCard(ouvrantDroit: parent.ins.matricule, ouvrantDroitKey: parent.ins.key, beneficiaries: beneficiaries))
        return [parent] + children
    }

    private mutating func person(homonymOf: Identity?, bornAfter: Int, bornBefore: Int, birthName fixedName: String? = nil) -> Identity {
        let sex: Sex
        let name: String
        let date: LunarDate
        var place: COG?
        let pool: [String]
        var firstNames: [String] = []
        if let other = homonymOf {
            // Same birth name, sex, date and first first name: told apart only by the other
            // first names or the birth place.
            sex = other.traits.sex
            name = other.traits.birthName
            date = other.traits.birthDate
            place = rng.chance(0.5) ? other.traits.birthPlace : nil
            firstNames = [other.traits.firstFirstName]
            pool = sex == .female ? SyntheticNames.femaleFirstNames : SyntheticNames.maleFirstNames
        } else {
            sex = rng.chance(0.5) ? .female : .male
            name = fixedName ?? birthName()
            date = birthDate(bornAfter: bornAfter, bornBefore: bornBefore)
            pool = sex == .female ? SyntheticNames.femaleFirstNames : SyntheticNames.maleFirstNames
        }
        if place == nil {
            let abroad = rng.chance(Share.bornAbroad)
            let list = abroad ? SyntheticNames.countries : SyntheticNames.communes
            var code = list[rng.below(list.count)]
            // Born in Paris, Lyon or Marseille: the arrondissement's COG, as INSi registers it.
            if let city = BigCity.city(ofCommuneCode: code) { code = city.arrondissementCOG(1 + rng.below(city.arrondissementCount)) }
            place = COG(code)
        }
        for _ in 0..<(1 + rng.below(3)) {
            let candidate = pool[rng.below(pool.count)]
            if !firstNames.contains(candidate) { firstNames.append(candidate) }
        }
        let traits = IdentityTraits(birthName: name, firstNames: firstNames, sex: sex, birthDate: date, birthPlace: place)
        let oid: INSOID = rng.chance(Share.nia) ? .nia : .nir
        let active = matricule(for: traits)
        var history: [INS] = []
        if rng.chance(Share.history) {
            let past = matricule(for: traits)
            history.append(INS(matricule: past, key: past.key, oid: .nir, dateStart: LunarDate(year: 2000 + rng.below(10), month: 1, day: 1),
                               dateEnd: LunarDate(year: 2015 + rng.below(5), month: 12, day: 31)))
        }
        return Identity(ins: INS(matricule: active, key: active.key, oid: oid), history: history, traits: traits)
    }

    private mutating func birthDate(bornAfter: Int, bornBefore: Int) -> LunarDate {
        let year = bornAfter + rng.below(max(1, bornBefore - bornAfter))
        let month = 1 + rng.below(12)
        let day = 1 + rng.below(LunarDate.daysIn(month: month, year: year))
        // Years are in 1930...2023, months and days drawn within the month: always possible.
        let full = LunarDate(year: year, month: month, day: day) ?? SyntheticGenerator.fallbackDate
        if rng.chance(Share.lunarDate) {
            return LunarDate(year: year, month: rng.chance(0.5) ? month : 0, day: 0) ?? full
        }
        return full
    }

    private static let fallbackDate: LunarDate = {
        guard let date = LunarDate(year: 2000, month: 1, day: 1) else { preconditionFailure("2000-01-01 is a date") }
        return date
    }()

    /// The twin of `identity`: same birth date and place, a matricule of its own.
    private mutating func reborn(_ identity: Identity, on date: LunarDate, place: COG?) -> Identity {
        var copy = identity
        used.remove(identity.ins.matricule)
        copy.traits.birthDate = date
        copy.traits.birthPlace = place
        let matricule = matricule(for: copy.traits)
        copy.ins = INS(matricule: matricule, key: matricule.key, oid: identity.ins.oid)
        return copy
    }

    private mutating func birthName() -> String {
        let names = SyntheticNames.birthNames
        let first = names[rng.below(names.count)]
        let second = names[rng.below(names.count)]
        let roll = Double(rng.next() >> 11) / Double(1 << 53)
        var threshold = Share.hyphenatedName
        if roll < threshold { return "\(first)-\(second)" }
        threshold += Share.doubleHyphenName
        if roll < threshold { return "\(first)--\(second)" }
        threshold += Share.spacedName
        if roll < threshold { return "\(first) \(second)" }
        threshold += Share.apostropheName
        if roll < threshold { return SyntheticNames.apostropheNames[rng.below(SyntheticNames.apostropheNames.count)] }
        return first
    }

    /// A new matricule consistent with the traits: sex digit, year, month (20 when unknown),
    /// department and commune of the COG (99 and the country code abroad), a free order number.
    private mutating func matricule(for traits: IdentityTraits) -> Matricule {
        let sexDigit = traits.sex == .female ? "2" : "1"
        let year = Int(traits.birthDate.year) % 100
        let month = traits.birthDate.month == 0 ? 20 : Int(traits.birthDate.month)
        // A COG is exactly the 5 characters of the matricule's place: department and commune
        // (2A/2B in Corsica), or 99 and the country code for people born abroad.
        let place = traits.birthPlace?.code ?? BigCity.paris.arrondissementCOG(1)
        var attempts = 0
        while true {
            attempts += 1
            // The 999 order numbers of one month and commune can run out in a huge base: then
            // borrow a country code, still a valid matricule.
            let where_ = attempts < 2_000 ? place : "99" + SyntheticGenerator.three(rng.below(1000))
            let text = sexDigit + SyntheticGenerator.two(year) + SyntheticGenerator.two(month) + where_ + SyntheticGenerator.three(1 + rng.below(999))
            if let matricule = Matricule(text), used.insert(matricule).inserted { return matricule }
        }
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
