/// The reference identities and Vitale cards the simulator answers from, with their indexes.
///
/// A value type: the server keeps one behind a lock and changes it in place. Searches go through
/// hash indexes (traits key, matricule, ouvrant droit), never through the whole base.
public struct ReferenceBase: Sendable {
    public let nameMatching: NameMatching

    /// Identities by slot; nil once removed. Slots are never reused, so indexes stay simple.
    private var slots: [Identity?] = []
    /// Slots by traits key (birth name under the name rule, sex, birth date).
    private var traitsIndex = TraitsIndex()
    /// Under the relaxed rule, each slot's name key, which a search compares with its own: a
    /// relaxed key takes a Unicode decomposition and an allocation to compute (a microsecond).
    /// Empty under the strict rule, where a canonical name is its own key.
    private var relaxedNameKeys: [String] = []
    private var byMatricule: [Matricule: Int32] = [:]
    private var cardsByOuvrantDroit: [Matricule: VitaleCard] = [:]

    /// Number of identities.
    public private(set) var count = 0

    /// An empty base.
    public init(nameMatching: NameMatching = .strict) {
        self.nameMatching = nameMatching
    }

    /// A base holding these identities and cards; fails on the first conflict.
    public init(identities: [Identity], cards: [VitaleCard] = [], nameMatching: NameMatching = .strict) throws(BaseError) {
        self.nameMatching = nameMatching
        slots.reserveCapacity(identities.count)
        byMatricule.reserveCapacity(identities.count)
        traitsIndex = TraitsIndex(keys: identities.count)
        for identity in identities { try insert(identity) }
        for card in cards { try addCard(card) }
    }

    /// The same identities and cards under another name rule (the indexes depend on it).
    public func rebuilt(nameMatching: NameMatching) -> ReferenceBase {
        var copy = ReferenceBase(nameMatching: nameMatching)
        copy.traitsIndex = TraitsIndex(keys: count)
        for identity in identities { try? copy.insert(identity) }  // no conflict: they coexisted here
        for card in cards { try? copy.addCard(card) }
        return copy
    }

    // MARK: Reading

    /// Every identity, in insertion order.
    public var identities: [Identity] { slots.compactMap { $0 } }

    /// Every Vitale card, by ouvrant droit.
    public var cards: [VitaleCard] { cardsByOuvrantDroit.values.sorted { $0.ouvrantDroit < $1.ouvrantDroit } }

    /// A page of the identities that pass `filter`, in insertion order, and how many pass it.
    /// Visits the whole base: meant for the admin listing, not for searches.
    public func identities(offset: Int, limit: Int, where filter: (Identity) -> Bool) -> (total: Int, page: [Identity]) {
        var total = 0
        var page: [Identity] = []
        for case let identity? in slots where filter(identity) {
            if total >= offset && page.count < limit { page.append(identity) }
            total += 1
        }
        return (total, page)
    }

    /// The identity whose active matricule this is.
    public func identity(matricule: Matricule) -> Identity? {
        guard let slot = byMatricule[matricule] else { return nil }
        return slots[Int(slot)]
    }

    /// The card of this ouvrant droit.
    public func card(ouvrantDroit: Matricule) -> VitaleCard? { cardsByOuvrantDroit[ouvrantDroit] }

    // MARK: Changing

    /// Adds an identity; its active matricule must be new.
    public mutating func insert(_ identity: Identity) throws(BaseError) {
        if let existing = byMatricule[identity.ins.matricule], let other = slots[Int(existing)] {
            throw .duplicateMatricule(identity.ins.matricule, existing: other.traits.displayName)
        }
        let slot = Int32(slots.count)
        slots.append(identity)
        let key = indexKey(identity.traits)
        if nameMatching == .relaxed { relaxedNameKeys.append(key.nameKey) }
        traitsIndex.insert(slot: slot, hash: TraitsIndex.hash(key))
        byMatricule[identity.ins.matricule] = slot
        count += 1
    }

    /// Removes the identity with this active matricule and returns it.
    @discardableResult
    public mutating func remove(matricule: Matricule) -> Identity? {
        guard let slot = byMatricule.removeValue(forKey: matricule), let identity = slots[Int(slot)] else { return nil }
        let filed = TraitsIndexKey(nameKey: filedNameKey(identity.traits, slot: slot), sex: identity.traits.sex,
                                   birthDate: identity.traits.birthDate)
        let unfiled = traitsIndex.remove(slot: slot, hash: TraitsIndex.hash(filed))
        assert(unfiled, "every identity of the base is in the traits index")
        slots[Int(slot)] = nil
        if nameMatching == .relaxed { relaxedNameKeys[Int(slot)] = "" }
        count -= 1
        return identity
    }

    /// Replaces the identity with this active matricule (the new one may carry another matricule).
    public mutating func replace(matricule: Matricule, with identity: Identity) throws(BaseError) {
        guard let old = remove(matricule: matricule) else { throw .unknownIdentity(matricule) }
        do {
            try insert(identity)
        } catch {
            try? insert(old)  // put back what was there: it fitted a moment ago
            throw error
        }
    }

    /// Adds a Vitale card; its beneficiaries must be identities of the base.
    public mutating func addCard(_ card: VitaleCard) throws(BaseError) {
        guard cardsByOuvrantDroit[card.ouvrantDroit] == nil else { throw .duplicateCard(card.ouvrantDroit) }
        var seen: Set<String> = []
        for beneficiary in card.beneficiaries {
            guard byMatricule[beneficiary.matricule] != nil else {
                throw .unknownBeneficiary(card: card.ouvrantDroit, beneficiary: beneficiary.matricule)
            }
            guard seen.insert("\(beneficiary.birthDate.text)#\(beneficiary.rank)").inserted else {
                throw .ambiguousBeneficiaries(card: card.ouvrantDroit, birthDate: beneficiary.birthDate, rank: beneficiary.rank)
            }
        }
        cardsByOuvrantDroit[card.ouvrantDroit] = card
    }

    /// Removes the card of this ouvrant droit.
    @discardableResult
    public mutating func removeCard(ouvrantDroit: Matricule) -> VitaleCard? {
        cardsByOuvrantDroit.removeValue(forKey: ouvrantDroit)
    }

    // MARK: Searching

    /// Search by traits: birth name, sex and birth date through the index, then first names
    /// (the first one, or the complete list in order) and birth place when given.
    public func search(_ query: TraitsQuery) -> SearchResult {
        let key = TraitsIndexKey(nameKey: nameMatching.key(query.birthName), sex: query.sex, birthDate: query.birthDate)
        let firstNames = FirstNameRule(query.firstNames, nameMatching: nameMatching)
        var candidates = 0
        var firstNameMatches = 0
        var matches = 0
        var matched: Int32 = -1
        slots.withUnsafeBufferPointer { buffer in
            traitsIndex.forEachCandidate(hash: TraitsIndex.hash(key)) { slot in
                // Borrowed in place: copying the identity would retain every string it holds.
                guard let identity = buffer[Int(slot)], Self.has(identity.traits, nameKey: filedNameKey(identity.traits, slot: slot), key) else {
                    return
                }
                candidates += 1
                guard firstNames.matches(identity.traits.firstNames) else { return }
                firstNameMatches += 1
                if let place = query.birthPlace, identity.traits.birthPlace != place { return }
                matches += 1
                matched = slot
            }
        }
        let trace = SearchTrace.traits(query: query, nameKey: key.nameKey, nameMatching: nameMatching, candidates: candidates,
                                       firstNameMatches: firstNameMatches, placeMatches: matches)
        switch matches {
        case 0: return SearchResult(outcome: .notFound, trace: trace)
        case 1:
            guard let identity = slots[Int(matched)] else { return SearchResult(outcome: .notFound, trace: trace) }
            return SearchResult(outcome: .found(identity), trace: trace)
        default: return SearchResult(outcome: .several(matches), trace: trace)
        }
    }

    /// Search with a Vitale card: the card of the ouvrant droit, then the beneficiary by birth
    /// date and rank, narrowed by the beneficiary's matricule and birth name when given.
    public func search(_ query: VitaleQuery) -> SearchResult {
        guard let card = cardsByOuvrantDroit[query.ouvrantDroit] else {
            return SearchResult(outcome: .notFound, trace: .noCard(ouvrantDroit: query.ouvrantDroit))
        }
        if let key = query.ouvrantDroitKey, key != card.ouvrantDroitKey {
            return SearchResult(outcome: .notFound, trace: .wrongCardKey(ouvrantDroit: query.ouvrantDroit, sent: key, expected: card.ouvrantDroitKey))
        }
        let rank = query.effectiveRank
        var matches: [Identity] = []
        var byDate = 0
        for beneficiary in card.beneficiaries where beneficiary.birthDate == query.birthDate && beneficiary.rank == rank {
            byDate += 1
            guard let identity = identity(matricule: beneficiary.matricule) else { continue }
            if let wanted = query.beneficiaryMatricule {
                guard identity.ins.matricule == wanted else { continue }
                if let key = query.beneficiaryKey, key != identity.ins.key { continue }
            }
            if let name = query.birthName, nameMatching.key(name) != nameMatching.key(identity.traits.birthName) { continue }
            matches.append(identity)
        }
        let trace = SearchTrace.vitale(query: query, beneficiaries: card.beneficiaries.count, byDateAndRank: byDate, afterNarrowing: matches.count)
        switch matches.count {
        case 0: return SearchResult(outcome: .notFound, trace: trace)
        case 1: return SearchResult(outcome: .found(matches[0]), trace: trace)
        default: return SearchResult(outcome: .several(matches.count), trace: trace)
        }
    }

    /// True when `traits`, whose name key is `nameKey`, are filed under `key`: the index's
    /// hashes may collide.
    @inline(__always)
    static func has(_ traits: IdentityTraits, nameKey: String, _ key: TraitsIndexKey) -> Bool {
        traits.sex == key.sex && traits.birthDate == key.birthDate && nameKey == key.nameKey
    }

    /// The name key the identity in `slot` is filed under.
    @inline(__always)
    private func filedNameKey(_ traits: IdentityTraits, slot: Int32) -> String {
        nameMatching == .relaxed ? relaxedNameKeys[Int(slot)] : nameMatching.key(traits.birthName)
    }

    private func indexKey(_ traits: IdentityTraits) -> TraitsIndexKey {
        TraitsIndexKey(nameKey: nameMatching.key(traits.birthName), sex: traits.sex, birthDate: traits.birthDate)
    }
}
