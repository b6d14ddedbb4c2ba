import INSiCore

/// What a case must obtain. Only the fields given are checked.
public struct RehearsalExpectation: Sendable, Hashable {
    /// The kind of answer expected.
    public enum Answer: Sendable, Hashable {
        /// `CodeCR` 00, 01 or 02 (for a lookup: how it ended).
        case code(String)
        /// A SOAP fault; nil codes are not checked.
        case fault(subcode: String?, detailCode: String?)
        /// No answer, for this reason: an ``INSiClientError/kind`` such as `timeout`.
        case error(String)
    }

    /// The one field always checked: the code, the fault or the error kind.
    public var answer: Answer
    /// For 00: the active matricule.
    public var matricule: String?
    /// For 00: its key.
    public var key: String?
    /// The kinds of warning of the found identity (``IdentityWarning/kind``), compared as a set;
    /// an empty list means "no warning".
    public var warnings: [String]?
    /// The number of calls made.
    public var attempts: Int?
    /// The code of each call, in order (`00`, `01`, `02`, `fault`, `error`).
    public var trail: [String]?
    /// The status of the identity afterwards (``IdentityAssessment/status``), with the case's
    /// high-trust document.
    public var status: IdentityStatus?
    /// Whether the answer's INS may be stored: ``INSUse/kind`` (`usable`, `notUsable`, `none`).
    public var ins: String?
    /// A verify case: `OK` or `KO`.
    public var verification: String?
    /// A verify case: the kinds of ``VerificationReason``, compared as a set.
    public var reasons: [String]?

    /// Only the fields given are checked, so every one but `answer` defaults to nil.
    public init(answer: Answer, matricule: String? = nil, key: String? = nil, warnings: [String]? = nil,
                attempts: Int? = nil, trail: [String]? = nil, status: IdentityStatus? = nil, ins: String? = nil,
                verification: String? = nil, reasons: [String]? = nil) {
        self.answer = answer
        self.matricule = matricule
        self.key = key
        self.warnings = warnings
        self.attempts = attempts
        self.trail = trail
        self.status = status
        self.ins = ins
        self.verification = verification
        self.reasons = reasons
    }

    /// One line: `00 297022A020778 key 78; warnings invalidKey; trail 01 → 00; status retrieved`.
    public var text: String {
        var parts: [String]
        switch answer {
        case .code(let code):
            var head = code
            if let matricule { head += " \(matricule)" }
            if let key { head += " key \(key)" }
            parts = [head]
        case .fault(let subcode, let detailCode):
            parts = ["fault " + ([subcode, detailCode].compactMap { $0 }.joined(separator: "/"))]
        case .error(let kind):
            parts = ["error \(kind)"]
        }
        if let warnings { parts.append("warnings " + (warnings.isEmpty ? "none" : warnings.joined(separator: ", "))) }
        if let attempts { parts.append(attempts == 1 ? "1 attempt" : "\(attempts) attempts") }
        if let trail { parts.append("trail " + trail.joined(separator: " → ")) }
        if let status { parts.append("status \(status.rawValue)") }
        if let ins { parts.append("INS \(ins)") }
        if let verification {
            var text = "verification \(verification)"
            if let reasons, !reasons.isEmpty { text += " (\(reasons.joined(separator: ", ")))" }
            parts.append(text)
        }
        return parts.joined(separator: "; ")
    }
}

/// The expectation of a case in each name-matching mode of the target (most cases answer the
/// same in both; hyphen cases do not).
public struct RehearsalExpectations: Sendable, Hashable {
    /// Against a target that compares names strictly, as the real service does.
    public var strict: RehearsalExpectation
    /// Against insi-sim in relaxed mode, where separators in names are equivalent.
    public var relaxed: RehearsalExpectation

    /// The same expectation whatever the mode.
    public init(_ both: RehearsalExpectation) {
        strict = both
        relaxed = both
    }

    /// A case whose answer depends on the mode (hyphens, apostrophes, diacritics).
    public init(strict: RehearsalExpectation, relaxed: RehearsalExpectation) {
        self.strict = strict
        self.relaxed = relaxed
    }

    /// The expectation for a target matching names this way.
    public func expectation(for mode: NameMatching) -> RehearsalExpectation {
        mode == .relaxed ? relaxed : strict
    }
}
