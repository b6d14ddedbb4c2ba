import INSiSOAP

/// Why a held INS is not confirmed.
public enum VerificationReason: Sendable, Equatable, CustomStringConvertible {
    /// The search with the held traits answered 01.
    case notFound
    /// The search answered 02 and the held traits could not single one identity out.
    case several
    /// INSi's active INS is not the one held. `heldInHistory`: the held matricule is one of the
    /// person's previous matricules (`INSHISTO`), e.g. a NIA since replaced by a NIR.
    case differentINS(held: HeldINS, returned: WireINS, heldInHistory: Bool)
    /// The INS is the same, the traits are not.
    case differentTraits([TraitDifference])
    /// The answer's INS cannot be used (key, OID or dates): nothing can be confirmed with it.
    case unusableAnswer([IdentityWarning])

    /// A stable name, for JSON and rehearsal packs.
    public var kind: String {
        switch self {
        case .notFound: return "notFound"
        case .several: return "several"
        case .differentINS: return "differentINS"
        case .differentTraits: return "differentTraits"
        case .unusableAnswer: return "unusableAnswer"
        }
    }

    /// Every kind, for pack checks.
    public static let kinds: Set<String> = ["notFound", "several", "differentINS", "differentTraits", "unusableAnswer"]

    public var description: String {
        switch self {
        case .notFound:
            return "01: INSi finds no identity with the held traits"
        case .several:
            return "02: several identities have the held traits"
        case .differentINS(let held, let returned, let inHistory):
            var text = "INSi's active INS is \(returned.matricule) key \(returned.key ?? "-") (OID \(returned.oid)), not the held \(held)"
            if inHistory { text += "; the held matricule is a previous one of this person (INSHISTO)" }
            return text
        case .differentTraits(let differences):
            let list = differences.map { "\($0.field.wireName) held '\($0.local)', INSi '\($0.returned)'" }.joined(separator: "; ")
            return "the traits differ: \(list)"
        case .unusableAnswer(let warnings):
            return "the answer's \(INSUse.notUsable(warnings))"
        }
    }
}

/// How a verification ended.
public enum VerificationOutcome: Sendable, Equatable {
    /// INSi returns the held INS with the held traits.
    case ok(INSiIdentity)
    /// Not confirmed, for these reasons; the identity INSi returned, when it returned one.
    case ko([VerificationReason], returned: INSiIdentity?)
    /// No answer: nothing can be said; the identity keeps its status.
    case failed(INSiClientError)
}

/// A verification: its outcome and the trail of the search it made.
public struct VerificationResult: Sendable, Equatable {
    /// What was verified, so that a report needs nothing else.
    public var held: HeldIdentity
    /// OK, KO with its reasons, or no answer: switch on it to update the identity.
    public var outcome: VerificationOutcome
    /// The search made with the held traits, every call in its trail.
    public var search: LookupResult

    /// Public so that tests can state the result they expect; ``INSiTraitsSearching/verify(held:procedure:)``
    /// makes the real ones.
    public init(held: HeldIdentity, outcome: VerificationOutcome, search: LookupResult) {
        self.held = held
        self.outcome = outcome
        self.search = search
    }

    /// `OK`, `KO` or nil when the verification could not be made.
    public var verdict: String? {
        switch outcome {
        case .ok: return "OK"
        case .ko: return "KO"
        case .failed: return nil
        }
    }

    /// The reasons of a KO; empty otherwise.
    public var reasons: [VerificationReason] {
        if case .ko(let reasons, _) = outcome { return reasons }
        return []
    }

    /// What the INS rules allow now. OK: the identity keeps (or takes) *récupérée*, or
    /// *qualifiée* with a high-trust document. KO: the held INS is not confirmed, so the
    /// identity loses the statuses that need one (*validée* with a document, else *provisoire*)
    /// and goes to the work list. No answer: nothing changes.
    public func assessment(document: HighTrustDocument) -> IdentityAssessment {
        switch outcome {
        case .ok(let identity):
            return .found(identity, document: document)
        case .ko:
            var steps: [NextStep] = [.putInWorkList]
            if document == .notChecked { steps.append(.checkIdentityDocument) }
            return IdentityAssessment(status: IdentityStatus(hasINS: false, document: document), ins: .none, workList: true,
                                      nextSteps: steps)
        case .failed:
            return .noAnswer(status: IdentityStatus(hasINS: true, document: document))
        }
    }
}
