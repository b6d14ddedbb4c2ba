/// One call of a lookup, as it goes into the trail.
public struct LookupAttempt: Sendable, Equatable {
    /// The step that made the call.
    public var step: LookupStep
    /// The traits sent.
    public var traits: SearchTraits
    /// The rule that produced the birth name sent, when it is not the name as held.
    public var nameVariant: NameVariantRule?
    /// The `wsa:MessageID` sent.
    public var messageID: String
    /// The answer, or why there is none.
    public var result: Result<INSiAnswer, INSiClientError>
    /// From sending to the end of the answer (or of the failure).
    public var duration: Duration

    /// Public so that tests can state the trail they expect; ``LookupProcedure`` makes the real ones.
    public init(step: LookupStep, traits: SearchTraits, nameVariant: NameVariantRule?, messageID: String,
                result: Result<INSiAnswer, INSiClientError>, duration: Duration) {
        self.step = step
        self.traits = traits
        self.nameVariant = nameVariant
        self.messageID = messageID
        self.result = result
        self.duration = duration
    }

    /// "00", "01", "02", "fault" for a SOAP fault, "error" for any other failure.
    public var code: String { result.code }
}

/// How a lookup ended.
public enum LookupOutcome: Sendable, Equatable {
    /// One identity (its warnings compare it with the local identity).
    case found(INSiIdentity)
    /// Every attempt answered 01.
    case notFound(attempts: Int)
    /// An attempt answered 02 and no narrowing step found exactly one identity.
    case several(attempts: Int)
    /// A call failed: the lookup stopped there (the error is never read as "not found").
    case failed(INSiClientError)
}

/// The outcome and the trail of every call made.
public struct LookupResult: Sendable, Equatable {
    /// How the lookup ended: switch on it to decide what to do with the local identity.
    public var outcome: LookupOutcome
    /// Every call made, in order, failed ones included: the trail QA pastes into a bug report, with
    /// the MessageIDs the CNAM asks for.
    public var attempts: [LookupAttempt]

    /// Public so that tests can state the result they expect; ``LookupProcedure/run(for:using:)``
    /// makes the real ones.
    public init(outcome: LookupOutcome, attempts: [LookupAttempt]) {
        self.outcome = outcome
        self.attempts = attempts
    }

    /// "00", "01", "02", "fault" or "error", as the CLI's JSON `code`.
    public var code: String {
        switch outcome {
        case .found: return "00"
        case .notFound: return "01"
        case .several: return "02"
        case .failed(.fault): return "fault"
        case .failed: return "error"
        }
    }

    /// The identity, when found.
    public var identity: INSiIdentity? {
        if case .found(let identity) = outcome { return identity }
        return nil
    }
}
