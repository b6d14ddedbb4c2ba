/// What came back, in the terms of an expectation.
public struct RehearsalObservation: Sendable, Hashable {
    /// The answer, or the fault, or the error kind.
    public var answer: RehearsalExpectation.Answer
    public var matricule: String?
    public var key: String?
    /// Kinds of the warnings of the found identity.
    public var warnings: [String]
    /// The message of the error, when there is one.
    public var errorMessage: String?

    public init(answer: RehearsalExpectation.Answer, matricule: String? = nil, key: String? = nil, warnings: [String] = [],
                errorMessage: String? = nil) {
        self.answer = answer
        self.matricule = matricule
        self.key = key
        self.warnings = warnings
        self.errorMessage = errorMessage
    }
}
