/// Turns answers into observations and compares them with expectations.
enum RehearsalComparison {
    static func observation(_ identity: INSiIdentity, document: HighTrustDocument) -> RehearsalObservation {
        RehearsalObservation(answer: .code("00"), matricule: identity.active.matricule, key: identity.active.key,
                             warnings: identity.warnings.map(\.kind), assessment: .found(identity, document: document))
    }

    /// A failure; `status` is the identity's, which a failed call does not change.
    static func observation(_ error: INSiClientError, status: IdentityStatus) -> RehearsalObservation {
        let assessment = IdentityAssessment.noAnswer(status: status)
        if let fault = error.fault {
            return RehearsalObservation(answer: .fault(subcode: fault.subcode, detailCode: fault.detailCode), errorMessage: error.description,
                                        assessment: assessment)
        }
        return RehearsalObservation(answer: .error(error.kind), errorMessage: error.description, assessment: assessment)
    }

    /// The outcome of a lookup (the search of a verification too).
    static func observation(_ result: LookupResult, document: HighTrustDocument) -> RehearsalObservation {
        switch result.outcome {
        case .found(let identity):
            return observation(identity, document: document)
        case .notFound, .several:
            return RehearsalObservation(answer: .code(result.code), assessment: .noIdentity(document: document))
        case .failed(let error):
            return observation(error, status: IdentityStatus(hasINS: false, document: document))
        }
    }

    /// A verification: the search's answer, the verdict and its reasons, the assessment after it.
    static func observation(_ result: VerificationResult, document: HighTrustDocument) -> RehearsalObservation {
        var observed = observation(result.search, document: document)
        observed.verification = result.verdict
        observed.reasons = result.reasons.map(\.kind)
        observed.assessment = result.assessment(document: document)
        return observed
    }

    /// Every way the observation differs from the expectation; empty when the case passes.
    static func differences(expected: RehearsalExpectation, observation: RehearsalObservation,
                            attempts: [RehearsalAttempt]) -> [String] {
        var differences: [String] = []
        let obtained = describe(observation)
        switch (expected.answer, observation.answer) {
        case (.code(let wanted), .code(let got)):
            if wanted != got { differences.append("answer: expected \(wanted), obtained \(got)") }
        case (.fault(let subcode, let detailCode), .fault(let gotSubcode, let gotDetail)):
            if let subcode, subcode != gotSubcode { differences.append("fault subcode: expected \(subcode), obtained \(gotSubcode ?? "none")") }
            if let detailCode, detailCode != gotDetail {
                differences.append("fault detail code: expected \(detailCode), obtained \(gotDetail ?? "none")")
            }
        case (.error(let wanted), .error(let got)):
            if wanted != got { differences.append("error: expected \(wanted), obtained \(obtained)") }
        default:
            differences.append("answer: expected \(RehearsalExpectation(answer: expected.answer).text), obtained \(obtained)")
        }
        if case .code("00") = observation.answer {
            if let matricule = expected.matricule, matricule != observation.matricule {
                differences.append("matricule: expected \(matricule), obtained \(observation.matricule ?? "none")")
            }
            if let key = expected.key, key != observation.key {
                differences.append("key: expected \(key), obtained \(observation.key ?? "none")")
            }
        }
        if let warnings = expected.warnings, Set(warnings) != Set(observation.warnings) {
            differences.append("warnings: expected \(list(Set(warnings).sorted())), obtained \(list(Set(observation.warnings).sorted()))")
        }
        if let count = expected.attempts, count != attempts.count {
            differences.append("attempts: expected \(count), obtained \(attempts.count)")
        }
        if let trail = expected.trail, trail != attempts.map(\.code) {
            differences.append("trail: expected \(trail.joined(separator: " → ")), obtained \(attempts.map(\.code).joined(separator: " → "))")
        }
        if let status = expected.status, status != observation.assessment?.status {
            differences.append("status: expected \(status.rawValue), obtained \(observation.assessment?.status.rawValue ?? "none")")
        }
        if let ins = expected.ins, ins != observation.assessment?.ins.kind {
            differences.append("INS: expected \(ins), obtained \(observation.assessment?.ins.kind ?? "none")")
        }
        if let verification = expected.verification, verification != observation.verification {
            differences.append("verification: expected \(verification), obtained \(observation.verification ?? "none (no answer)")")
        }
        if let reasons = expected.reasons, Set(reasons) != Set(observation.reasons) {
            differences.append("reasons: expected \(list(Set(reasons).sorted())), obtained \(list(Set(observation.reasons).sorted()))")
        }
        return differences
    }

    private static func describe(_ observation: RehearsalObservation) -> String {
        var text = RehearsalExpectation(answer: observation.answer).text
        if let message = observation.errorMessage, case .error = observation.answer { text += " (\(message))" }
        return text
    }

    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "none" : items.joined(separator: ", ")
    }
}
