/// What came back, in the terms of an expectation.
public struct RehearsalObservation: Sendable, Hashable {
    /// The answer, or the fault, or the error kind.
    public var answer: RehearsalExpectation.Answer
    /// For 00: the active matricule returned.
    public var matricule: String?
    /// For 00: its key as returned, so that a wrong key shows in the report.
    public var key: String?
    /// Kinds of the warnings of the found identity.
    public var warnings: [String]
    /// The message of the error, when there is one.
    public var errorMessage: String?
    /// What the INS rules allow afterwards, with the case's high-trust document.
    public var assessment: IdentityAssessment?
    /// A verify case: `OK`, `KO`, or nil when it could not be made.
    public var verification: String?
    /// A verify case: the kinds of the KO reasons.
    public var reasons: [String]

    /// Public so that tests can state what they expect to observe.
    public init(answer: RehearsalExpectation.Answer, matricule: String? = nil, key: String? = nil, warnings: [String] = [],
                errorMessage: String? = nil, assessment: IdentityAssessment? = nil, verification: String? = nil,
                reasons: [String] = []) {
        self.answer = answer
        self.matricule = matricule
        self.key = key
        self.warnings = warnings
        self.errorMessage = errorMessage
        self.assessment = assessment
        self.verification = verification
        self.reasons = reasons
    }
}
