/// What a search found, and why: the explanation is kept in the journal so a person debugging a
/// call sees how the server understood it.
public struct SearchResult: Sendable {
    public enum Outcome: Sendable {
        /// Exactly one identity: 00.
        case found(Identity)
        /// None: 01.
        case notFound
        /// Several: 02 (traits search only).
        case several(Int)
    }

    public var outcome: Outcome
    /// What the search saw, kept as numbers: the sentence is only written when someone reads it.
    public var trace: SearchTrace

    public init(outcome: Outcome, trace: SearchTrace) {
        self.outcome = outcome
        self.trace = trace
    }

    /// One sentence: which candidates the index gave and which rule kept or dropped them.
    public var explanation: String { trace.description }

    /// The INSi result code: "00", "01" or "02".
    public var code: String {
        switch outcome {
        case .found: return "00"
        case .notFound: return "01"
        case .several: return "02"
        }
    }

    /// The identity, for 00.
    public var identity: Identity? {
        if case .found(let identity) = outcome { return identity }
        return nil
    }

    /// The active INS's matricule, for 00: read in place, where `identity?.ins.matricule`
    /// copied the whole identity first (a retain and a release of each of its strings).
    public var matricule: Matricule? {
        switch outcome {
        case .found(let identity): return identity.ins.matricule
        case .notFound, .several: return nil
        }
    }
}

/// The steps of one search, for the journal: written out on demand.
public enum SearchTrace: Sendable, Equatable, CustomStringConvertible {
    /// A traits search: the index key, how many identities shared it, how many accepted the
    /// first names, how many were born in the place asked for.
    case traits(query: TraitsQuery, nameKey: String, nameMatching: NameMatching, candidates: Int, firstNameMatches: Int, placeMatches: Int)
    case noCard(ouvrantDroit: Matricule)
    case wrongCardKey(ouvrantDroit: Matricule, sent: String, expected: String)
    case vitale(query: VitaleQuery, beneficiaries: Int, byDateAndRank: Int, afterNarrowing: Int)

    public var description: String {
        switch self {
        case .traits(let query, let nameKey, let nameMatching, let candidates, let firstNameMatches, let placeMatches):
            let searched = "\(nameMatching.rawValue) name \(nameKey), sex \(query.sex.rawValue), born \(query.birthDate)"
            guard candidates > 0 else { return "no identity with \(searched)" }
            var text = "\(candidates) identit\(candidates == 1 ? "y" : "ies") with \(searched); "
                + "\(firstNameMatches) accept the first names \(query.firstNames.joined(separator: " ")) (first one or complete list)"
            if let place = query.birthPlace { text += "; \(placeMatches) born in \(place)" }
            return text
        case .noCard(let od):
            return "no Vitale card for the ouvrant droit \(od)"
        case .wrongCardKey(let od, let sent, let expected):
            return "card of \(od) found but the key sent, \(sent), is not its key \(expected)"
        case .vitale(let query, let beneficiaries, let byDateAndRank, let afterNarrowing):
            var text = "card of \(query.ouvrantDroit) (\(beneficiaries) beneficiaries): "
                + "\(byDateAndRank) born \(query.birthDate) with rank \(query.effectiveRank)\(query.rank == nil ? " (rank absent: 1)" : "")"
            if query.beneficiaryMatricule != nil || query.birthName != nil {
                text += "; \(afterNarrowing) left after the beneficiary's matricule and birth name"
            }
            return text
        }
    }
}
