import Foundation

/// How a case ended.
public enum RehearsalStatus: String, Sendable, Hashable {
    /// What came back is what the case expects.
    case passed
    /// Something differs from the expectation, or the case could not be set up: the exit code
    /// of the rehearsal is 1.
    case failed
    /// Not run, with a reason (a scenario case against another INSi): never counted as passed.
    case skipped

    /// `PASS`, `FAIL`, `SKIP`: the first word of the console line.
    public var word: String {
        switch self {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .skipped: return "SKIP"
        }
    }
}

/// The outcome of one case.
public struct RehearsalCaseResult: Sendable {
    /// The case, so that a report needs nothing but the results.
    public var rehearsalCase: RehearsalCase
    /// Passed, failed or skipped: the first word of the console line.
    public var status: RehearsalStatus
    /// The expectation that applied (the target's mode).
    public var expected: RehearsalExpectation
    /// Nil when the case was skipped or could not be set up.
    public var observation: RehearsalObservation?
    /// Every difference between expected and obtained, or why the case could not run.
    public var failures: [String]
    /// Why the case was skipped.
    public var skipReason: String?
    /// Every call the case made, with its MessageID: what the CNAM or the CNDA needs to find it.
    public var attempts: [RehearsalAttempt]
    /// What the runner did around the calls (scenario posted and deleted).
    public var notes: [String]
    /// The whole case, scenario set-up included.
    public var duration: Duration

    /// Public so that tests and other report writers can build results without a run.
    public init(rehearsalCase: RehearsalCase, status: RehearsalStatus, expected: RehearsalExpectation,
                observation: RehearsalObservation?, failures: [String], skipReason: String?, attempts: [RehearsalAttempt],
                notes: [String], duration: Duration) {
        self.rehearsalCase = rehearsalCase
        self.status = status
        self.expected = expected
        self.observation = observation
        self.failures = failures
        self.skipReason = skipReason
        self.attempts = attempts
        self.notes = notes
        self.duration = duration
    }

    /// What was obtained, in the words of ``RehearsalExpectation/text`` (same fields as expected).
    public var obtainedText: String {
        guard let observation else { return skipReason != nil ? "not run" : "not run: " + failures.joined(separator: "; ") }
        let obtained = RehearsalExpectation(
            answer: observation.answer, matricule: observation.matricule, key: observation.key,
            warnings: expected.warnings != nil || !observation.warnings.isEmpty ? observation.warnings : nil,
            attempts: expected.attempts != nil || rehearsalCase.kind.makesSeveralCalls ? attempts.count : nil,
            trail: expected.trail != nil || rehearsalCase.kind.makesSeveralCalls ? attempts.map(\.code) : nil,
            status: expected.status != nil ? observation.assessment?.status : nil,
            ins: expected.ins != nil ? observation.assessment?.ins.kind : nil,
            verification: observation.verification,
            reasons: observation.verification != nil ? observation.reasons : nil)
        return obtained.text
    }

    /// The console line: `PASS id: 00 … (3 ms)`, `FAIL id: expected …, obtained …`, `SKIP id: reason`.
    public var line: String {
        let ms = RehearsalFormat.milliseconds(duration.milliseconds)
        switch status {
        case .passed: return "PASS \(rehearsalCase.id): \(obtainedText) (\(ms) ms)"
        case .failed: return "FAIL \(rehearsalCase.id): expected \(expected.text); obtained \(obtainedText) — \(failures.joined(separator: "; "))"
        case .skipped: return "SKIP \(rehearsalCase.id): \(skipReason ?? "skipped")"
        }
    }
}
