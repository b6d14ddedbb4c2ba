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
    /// One sentence: which candidates the index gave and which rule kept or dropped them.
    public var explanation: String

    public init(outcome: Outcome, explanation: String) {
        self.outcome = outcome
        self.explanation = explanation
    }

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
}
