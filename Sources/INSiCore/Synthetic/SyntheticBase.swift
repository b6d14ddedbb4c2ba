/// Deterministic synthetic reference bases, for benchmarks and load tests: valid matricules and
/// keys consistent with sex, birth month and place; realistic names with a documented share of
/// special shapes; homonym groups (so that 02 occurs); lunar dates; people born abroad; NIA;
/// Corsican births; INSHISTO; Vitale families with twins.
public struct SyntheticBase: Sendable {
    /// The shares of special cases, documented in the README.
    public enum Share {
        public static let hyphenatedName = 0.06
        public static let doubleHyphenName = 0.02
        public static let spacedName = 0.03
        public static let apostropheName = 0.01
        public static let homonym = 0.03
        public static let lunarDate = 0.01
        public static let bornAbroad = 0.05
        public static let nia = 0.01
        public static let history = 0.02
        /// Share of identities that open a Vitale card covering the next ones.
        public static let family = 0.05
        public static let twins = 0.2
    }

    public let identities: [Identity]
    public let cards: [VitaleCard]

    /// Generates `count` identities from `seed`; the same arguments always give the same base.
    public init(count: Int, seed: UInt64 = 1, progress: ((Int) -> Void)? = nil) {
        var rng = SplitMix64(seed: seed)
        var identities: [Identity] = []
        identities.reserveCapacity(count)
        var used: Set<Matricule> = []
        used.reserveCapacity(count * 2)
        var cards: [VitaleCard] = []
        var index = 0
        while identities.count < count {
            index += 1
            if let progress, index % 10_000 == 0 { progress(identities.count) }
            // A family: the ouvrant droit and one or two children (twins sometimes).
            if identities.count + 3 <= count && rng.chance(Share.family) {
                let parent = SyntheticBase.person(&rng, used: &used, homonymOf: nil, bornAfter: 1950, bornBefore: 1990)
                let childYear = Int(parent.traits.birthDate.year) + 22 + rng.below(15)
                var children: [Identity] = []
                let twins = rng.chance(Share.twins)
                let first = SyntheticBase.person(&rng, used: &used, homonymOf: nil, bornAfter: childYear, bornBefore: childYear + 1, birthName: parent.traits.birthName)
                children.append(first)
                if twins {
                    var twin = SyntheticBase.person(&rng, used: &used, homonymOf: nil, bornAfter: childYear, bornBefore: childYear + 1, birthName: parent.traits.birthName)
                    twin = SyntheticBase.reborn(twin, on: first.traits.birthDate, place: first.traits.birthPlace, used: &used, rng: &rng)
                    children.append(twin)
                }
                identities.append(parent)
                identities.append(contentsOf: children)
                var beneficiaries = [VitaleCard.Beneficiary(matricule: parent.ins.matricule, birthDate: parent.traits.birthDate, rank: 1)]
                for (rank, child) in children.enumerated() {
                    beneficiaries.append(VitaleCard.Beneficiary(matricule: child.ins.matricule, birthDate: child.traits.birthDate, rank: twins ? rank + 1 : 1))
                }
                cards.append(VitaleCard(ouvrantDroit: parent.ins.matricule, ouvrantDroitKey: parent.ins.key, beneficiaries: beneficiaries))
                continue
            }
            let homonymOf = !identities.isEmpty && rng.chance(Share.homonym) ? identities[identities.count - 1 - rng.below(min(identities.count, 50))] : nil
            identities.append(SyntheticBase.person(&rng, used: &used, homonymOf: homonymOf, bornAfter: 1930, bornBefore: 2024))
        }
        self.identities = identities
        self.cards = cards
    }

    private static func person(_ rng: inout SplitMix64, used: inout Set<Matricule>, homonymOf: Identity?, bornAfter: Int, bornBefore: Int,
                               birthName fixedName: String? = nil) -> Identity {
        let sex: Sex
        let name: String
        let date: LunarDate
        var place: COG?
        if let other = homonymOf {
            // Same birth name, sex and date: told apart only by first names or birth place.
            sex = other.traits.sex
            name = other.traits.birthName
            date = other.traits.birthDate
            place = rng.chance(0.5) ? other.traits.birthPlace : nil
        } else {
            sex = rng.chance(0.5) ? .female : .male
            name = fixedName ?? birthName(&rng)
            let year = bornAfter + rng.below(max(1, bornBefore - bornAfter))
            let month = 1 + rng.below(12)
            let day = 1 + rng.below(LunarDate.daysIn(month: month, year: year))
            if rng.chance(Share.lunarDate) {
                date = LunarDate(year: year, month: rng.chance(0.5) ? month : 0, day: 0) ?? LunarDate(year: year, month: 1, day: 1)!
            } else {
                date = LunarDate(year: year, month: month, day: day) ?? LunarDate(year: year, month: 1, day: 1)!
            }
        }
        if place == nil {
            let abroad = rng.chance(Share.bornAbroad)
            let list = abroad ? SyntheticNames.countries : SyntheticNames.communes
            place = COG(list[rng.below(list.count)])
        }
        let pool = sex == .female ? SyntheticNames.femaleFirstNames : SyntheticNames.maleFirstNames
        var firstNames: [String] = []
        for _ in 0..<(1 + rng.below(3)) {
            let candidate = pool[rng.below(pool.count)]
            if !firstNames.contains(candidate) { firstNames.append(candidate) }
        }
        let traits = IdentityTraits(birthName: name, firstNames: firstNames, sex: sex, birthDate: date, birthPlace: place)
        let oid: INSOID = rng.chance(Share.nia) ? .nia : .nir
        let active = matricule(for: traits, rng: &rng, used: &used)
        var history: [INS] = []
        if rng.chance(Share.history) {
            let past = matricule(for: traits, rng: &rng, used: &used)
            history.append(INS(matricule: past, key: past.key, oid: .nir, dateStart: LunarDate(year: 2000 + rng.below(10), month: 1, day: 1),
                               dateEnd: LunarDate(year: 2015 + rng.below(5), month: 12, day: 31)))
        }
        return Identity(ins: INS(matricule: active, key: active.key, oid: oid), history: history, traits: traits)
    }

    /// The twin of `identity`: same birth date and place, a matricule of its own.
    private static func reborn(_ identity: Identity, on date: LunarDate, place: COG?, used: inout Set<Matricule>, rng: inout SplitMix64) -> Identity {
        var copy = identity
        used.remove(identity.ins.matricule)
        copy.traits.birthDate = date
        copy.traits.birthPlace = place
        let matricule = matricule(for: copy.traits, rng: &rng, used: &used)
        copy.ins = INS(matricule: matricule, key: matricule.key, oid: identity.ins.oid)
        return copy
    }

    private static func birthName(_ rng: inout SplitMix64) -> String {
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
    private static func matricule(for traits: IdentityTraits, rng: inout SplitMix64, used: inout Set<Matricule>) -> Matricule {
        let sexDigit = traits.sex == .female ? "2" : "1"
        let year = Int(traits.birthDate.year) % 100
        let month = traits.birthDate.month == 0 ? 20 : Int(traits.birthDate.month)
        let cog = traits.birthPlace?.code ?? "75056"
        let place = cog.hasPrefix("99") ? "99" + cog.dropFirst(2) : cog
        var attempts = 0
        while true {
            attempts += 1
            // The 999 order numbers of one month and commune can run out in a huge base: then
            // borrow a country code, still a valid matricule.
            let where_ = attempts < 2_000 ? place : "99" + three(rng.below(1000))
            let text = sexDigit + two(year) + two(month) + where_ + three(1 + rng.below(999))
            if let matricule = Matricule(text), used.insert(matricule).inserted { return matricule }
        }
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
