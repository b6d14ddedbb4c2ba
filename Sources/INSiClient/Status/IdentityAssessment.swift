/// What the INS rules allow with a local identity after INSi answered (or did not): the status
/// the identity may take, whether the INS of the answer may be kept, and what to do next.
///
/// Built by ``LookupResult/assessment(document:)``, ``INSiAnswer/assessment(document:)`` and
/// ``VerificationResult/assessment(document:)``; the high-trust document is always the caller's
/// explicit input.
public struct IdentityAssessment: Sendable, Hashable {
    /// The status the identity may take now.
    public var status: IdentityStatus
    /// Whether the answer holds an INS the software may store.
    public var ins: INSUse
    /// The INS is a NIA: a waiting number that a NIR will replace.
    public var isWaitingNumber: Bool
    /// A verification KO: the identity goes to the identity-vigilance work list.
    public var workList: Bool
    /// What to do, in order.
    public var nextSteps: [NextStep]

    /// Public so that tests can state the assessment they expect; ``found(_:document:)``,
    /// ``noIdentity(document:)`` and ``noAnswer(status:)`` apply the rules.
    public init(status: IdentityStatus, ins: INSUse, isWaitingNumber: Bool = false, workList: Bool = false, nextSteps: [NextStep]) {
        self.status = status
        self.ins = ins
        self.isWaitingNumber = isWaitingNumber
        self.workList = workList
        self.nextSteps = nextSteps
    }

    /// After a 00. An INS whose key fails the key rule, whose OID is unknown or whose dates are
    /// incoherent is not usable: the identity keeps the status it has without an INS. Otherwise
    /// it is *récupérée*, or *qualifiée* when the caller checked a high-trust document.
    public static func found(_ identity: INSiIdentity, document: HighTrustDocument) -> IdentityAssessment {
        let blocking = identity.warnings.filter(\.makesINSUnusable)
        guard blocking.isEmpty else {
            var steps: [NextStep] = [.reportAnswer]
            if document == .notChecked { steps.append(.checkIdentityDocument) }
            return IdentityAssessment(status: IdentityStatus(hasINS: false, document: document), ins: .notUsable(blocking),
                                      nextSteps: steps)
        }
        let status = IdentityStatus(hasINS: true, document: document)
        let waiting = identity.warnings.contains { if case .provisionalMatricule = $0 { return true } else { return false } }
        var steps: [NextStep] = []
        if document == .notChecked { steps.append(.checkIdentityDocument) }
        let differences = identity.warnings.flatMap { warning -> [TraitDifference] in
            if case .traitsDiffer(let list) = warning { return list }
            return []
        }
        if !differences.isEmpty { steps.append(.replaceLocalTraits(differences, now: status == .qualified)) }
        if waiting { steps.append(.verifyLater) }
        if status == .qualified { steps.append(.shareINS) }
        return IdentityAssessment(status: status, ins: .usable, isWaitingNumber: waiting, nextSteps: steps)
    }

    /// After 01 or 02 (nothing to keep): the identity stays without an INS.
    public static func noIdentity(document: HighTrustDocument) -> IdentityAssessment {
        var steps: [NextStep] = [.completeLocalTraits]
        if document == .notChecked { steps.insert(.checkIdentityDocument, at: 0) }
        return IdentityAssessment(status: IdentityStatus(hasINS: false, document: document), ins: .none, nextSteps: steps)
    }

    /// No answer (fault, transport, timeout...): nothing changes, the call is retried later.
    /// Care goes on with the local identity: a missing INS never blocks it.
    public static func noAnswer(status: IdentityStatus) -> IdentityAssessment {
        IdentityAssessment(status: status, ins: .none, nextSteps: [.retryLater])
    }
}

/// Whether an answer holds an INS the software may store with the identity.
public enum INSUse: Sendable, Hashable, CustomStringConvertible {
    /// No INS in the answer (01, 02, no answer, a verification KO).
    case none
    /// The INS may be stored; INSi's traits replace the local ones once the identity is qualified.
    case usable
    /// A 00 whose INS must not be stored, for these warnings.
    case notUsable([IdentityWarning])

    /// `none`, `usable`, `notUsable`: for JSON.
    public var kind: String {
        switch self {
        case .none: return "none"
        case .usable: return "usable"
        case .notUsable: return "notUsable"
        }
    }

    /// `no INS`, `INS usable`, `INS not usable (invalidKey)`.
    public var description: String {
        switch self {
        case .none: return "no INS"
        case .usable: return "INS usable"
        case .notUsable(let warnings): return "INS not usable (\(IdentityWarning.kinds(warnings)))"
        }
    }
}

/// One thing the software (or the person at the desk) does next.
public enum NextStep: Sendable, Hashable, CustomStringConvertible {
    /// Compare the identity with a high-trust document; it is qualified (or validated) once the
    /// caller says it was.
    case checkIdentityDocument
    /// INSi's traits replace the local ones once the identity is qualified (`now` when it is):
    /// these differ.
    case replaceLocalTraits([TraitDifference], now: Bool)
    /// Qualified: the INS may reference and share health data.
    case shareINS
    /// The answer is corrupt: do not store its INS; report it with the MessageID.
    case reportAnswer
    /// The INS is a NIA: a NIR will replace it; verify it again later.
    case verifyLater
    /// No identity singled out: complete the local traits (every first name, birth place COG)
    /// from an identity document and search again.
    case completeLocalTraits
    /// No answer: the identity keeps its status; call again later.
    case retryLater
    /// Verification KO: the identity goes to the identity-vigilance work list.
    case putInWorkList

    /// A stable name, for JSON.
    public var kind: String {
        switch self {
        case .checkIdentityDocument: return "checkIdentityDocument"
        case .replaceLocalTraits: return "replaceLocalTraits"
        case .shareINS: return "shareINS"
        case .reportAnswer: return "reportAnswer"
        case .verifyLater: return "verifyLater"
        case .completeLocalTraits: return "completeLocalTraits"
        case .retryLater: return "retryLater"
        case .putInWorkList: return "putInWorkList"
        }
    }

    public var description: String {
        switch self {
        case .checkIdentityDocument:
            return "check a high-trust identity document (passport, identity card, residence permit): with a usable INS the "
                + "identity becomes qualifiée, without one validée"
        case .replaceLocalTraits(let differences, let now):
            let list = differences.map { "\($0.field.wireName) '\($0.local)' → '\($0.returned)'" }.joined(separator: ", ")
            return now ? "the identity is qualified: replace the local traits by INSi's: \(list)"
                : "INSi's traits replace the local ones once the identity is qualified: \(list)"
        case .shareINS:
            return "the INS may reference and share health data"
        case .reportAnswer:
            return "do not store this INS: the answer is corrupt; report it to the CNAM with its MessageID"
        case .verifyLater:
            return "the INS is a waiting number (NIA) that a NIR will replace: verify it again later"
        case .completeLocalTraits:
            return "complete the local traits from an identity document (every first name, birth place COG) and search again"
        case .retryLater:
            return "no answer: the identity keeps its status; call INSi again later (care goes on with the local identity)"
        case .putInWorkList:
            return "put the identity in the identity-vigilance work list: the held INS is not confirmed"
        }
    }
}

extension IdentityWarning {
    /// The kinds of `warnings`, each once, sorted: `incoherentDates, invalidKey`.
    public static func kinds(_ warnings: [IdentityWarning]) -> String {
        Set(warnings.map(\.kind)).sorted().joined(separator: ", ")
    }

    /// True for the warnings that make an INS unusable: a key that fails the key rule, an OID
    /// that is no INS OID, incoherent dates. A NIA or different traits do not.
    public var makesINSUnusable: Bool {
        switch self {
        case .invalidKey, .unknownOID, .incoherentDates: return true
        case .provisionalMatricule, .traitsDiffer: return false
        }
    }
}

extension LookupResult {
    /// What the INS rules allow with the local identity after this lookup (which started from an
    /// identity without an INS).
    public func assessment(document: HighTrustDocument) -> IdentityAssessment {
        switch outcome {
        case .found(let identity): return .found(identity, document: document)
        case .notFound, .several: return .noIdentity(document: document)
        case .failed: return .noAnswer(status: IdentityStatus(hasINS: false, document: document))
        }
    }
}

extension INSiAnswer {
    /// What the INS rules allow with the local identity after this one call.
    public func assessment(document: HighTrustDocument) -> IdentityAssessment {
        switch outcome {
        case .found(let identity): return .found(identity, document: document)
        case .notFound, .several: return .noIdentity(document: document)
        }
    }
}
