/// The result of one INSi call as a trail shows it: the same words in the CLI, the lookup
/// trail and the rehearsal reports.
public typealias CallResult = Result<INSiAnswer, INSiClientError>

/// The words a trail uses for one call, so that the CLI, the lookup trail and the rehearsal
/// reports say the same thing.
extension Result where Success == INSiAnswer, Failure == INSiClientError {
    /// "00", "01", "02", "fault" for a SOAP fault, "error" for any other failure.
    public var code: String {
        switch self {
        case .success(let answer): return answer.code
        case .failure(.fault): return "fault"
        case .failure: return "error"
        }
    }

    /// `00 OK`, `fault siram_100/desir_550`, `error timeout: …`.
    public var answerText: String {
        switch self {
        case .success(let answer):
            return "\(answer.code) \(answer.label)"
        case .failure(.fault(let fault)):
            return "fault " + [fault.subcode ?? fault.code.rawValue, fault.detailCode].compactMap { $0 }.joined(separator: "/")
        case .failure(let error):
            return "error \(error.kind): \(error.description)"
        }
    }

    /// `LibelleCR`, for an answer.
    public var label: String? {
        if case .success(let answer) = self { return answer.label }
        return nil
    }

    /// The failure, if any.
    public var error: INSiClientError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension LookupAttempt {
    /// The step and, for a birth-name variant, its rule: `birth name variant (hyphensToSpace)`.
    public var stepText: String {
        nameVariant.map { "\(step.description) (\($0.rawValue))" } ?? step.description
    }
}
