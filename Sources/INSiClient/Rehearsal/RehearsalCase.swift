import Foundation
import INSiCore

/// What a rehearsal case does.
public enum RehearsalCaseKind: String, Sendable, Hashable, CaseIterable {
    /// One `rechercherInsAvecTraitsIdentite` call.
    case traits
    /// One `rechercherInsAvecCarteVitale` call.
    case vitale
    /// The ANS lookup procedure (``LookupProcedure/ans``) for a local identity: several calls.
    case lookup
    /// The verification of a held INS (``INSiTraitsSearching/verify(held:procedure:)``): the
    /// lookup with the held traits, then the comparison with the held INS and traits.
    case verify

    /// A lookup or a verification: a trail of calls rather than one.
    public var makesSeveralCalls: Bool { self == .lookup || self == .verify }
}

/// What a case sends: the traits of one call, the local identity of a lookup, or card data.
public enum RehearsalRequest: Sendable, Hashable {
    /// The traits of one call (`traits`) or the local identity of a lookup (`lookup`).
    case traits(SearchTraits)
    /// The data read from a Vitale card.
    case vitale(VitaleSearch)
    /// The INS and traits held, to verify.
    case held(HeldIdentity)
}

/// What to do with a case that needs a scenario when the target is not insi-sim.
public enum RehearsalOtherTargets: String, Sendable, Hashable {
    /// Report it as skipped, with the reason: the behaviour cannot be provoked on another INSi.
    case skip
    /// Run it without the scenario: the other INSi behaves that way by itself (an unknown
    /// approval number is refused by the real service).
    case run
}

/// One case of a rehearsal pack: a call (or a lookup), how to provoke it, and what must come back.
public struct RehearsalCase: Sendable, Hashable {
    /// Unique in the pack; names the case in every report.
    public var id: String
    /// One sentence for the report.
    public var title: String
    /// What the case checks (the "exercises" column of the test plan in docs/reference/seeded-cases.md).
    public var exercises: String
    /// The CNDA test reference, when the case is one (e.g. `2.08 cas 2`).
    public var cnda: String?
    /// One call, a lookup or a verification: it decides which of ``request``'s forms applies.
    public var kind: RehearsalCaseKind
    /// What the case sends (traits, card data, or an INS held).
    public var request: RehearsalRequest
    /// The approval number sent instead of the rehearsal's (e.g. an unknown one).
    public var idam: String?
    /// The per-call timeout instead of the rehearsal's.
    public var timeout: Duration?
    /// A scenario posted to insi-sim's admin API before the case and deleted after it.
    public var scenario: RehearsalJSON?
    /// What to do with the case, when it has a scenario, against a target that is not insi-sim.
    public var otherTargets: RehearsalOtherTargets
    /// Whether a high-trust document was checked, for the status the case expects.
    public var document: HighTrustDocument
    /// What must come back, by name-matching mode of the target.
    public var expectation: RehearsalExpectations
    /// The file the case was read from (the pack itself or an included file).
    public var source: String

    /// Public so that a pack can be built in code (tests, an editor's own catalogue) as well as
    /// read by ``RehearsalPack/load(from:)``, which checks each field.
    public init(id: String, title: String, exercises: String, cnda: String? = nil, kind: RehearsalCaseKind,
                request: RehearsalRequest, idam: String? = nil, timeout: Duration? = nil, scenario: RehearsalJSON? = nil,
                otherTargets: RehearsalOtherTargets = .skip, document: HighTrustDocument = .notChecked,
                expectation: RehearsalExpectations, source: String) {
        self.id = id
        self.title = title
        self.exercises = exercises
        self.cnda = cnda
        self.kind = kind
        self.request = request
        self.idam = idam
        self.timeout = timeout
        self.scenario = scenario
        self.otherTargets = otherTargets
        self.document = document
        self.expectation = expectation
        self.source = source
    }

    /// The request in one line, for the reports.
    public var requestText: String {
        switch request {
        case .traits(let traits):
            return kind == .lookup ? "local identity \(traits.description)" : traits.description
        case .vitale(let search):
            return search.trailText
        case .held(let held):
            return "held INS \(held.ins) / \(held.traits.description)"
        }
    }
}

extension VitaleSearch {
    /// "OD … key / birth date / rank …", for trails (the CLI, the reports).
    public var trailText: String {
        var text = "OD \(ouvrantDroit)\(ouvrantDroitKey.map { " key \($0)" } ?? "") / \(birthDate) / rank \(rank.map(String.init) ?? "absent")"
        if let beneficiaryMatricule { text += " / beneficiary \(beneficiaryMatricule)\(beneficiaryKey.map { " key \($0)" } ?? "")" }
        if let birthName { text += " / \(birthName)" }
        return text
    }
}
