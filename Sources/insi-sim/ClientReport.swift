import Foundation
import INSiClient
import INSiCore
import INSiSOAP

/// What `lookup`, `vitale` and `verify` print: the trail of calls, then the identity (or why none)
/// with its warnings, the status the identity may take and what to do next; as text for a person,
/// or as one JSON object for a script or a bug report.
struct ClientReport {
    struct Attempt {
        var step: String
        var traitsText: String
        var traits: [String: Any]
        var messageID: String
        var code: String
        var label: String?
        var milliseconds: Double
        var error: INSiClientError?
        /// Why this call probably answered 01 (a postal code sent as birth place...).
        var advice: String?
    }

    /// "00", "01", "02", "fault" or "error".
    var code: String
    var identity: INSiIdentity?
    var attempts: [Attempt]
    var error: INSiClientError?
    /// One sentence on how it ended.
    var summary: String
    var exitCode: Int32
    /// What the INS rules allow now.
    var assessment: IdentityAssessment
    /// `verify` only.
    var verification: VerificationResult?
    /// `vitale` only: keys sent that fail the key rule.
    var keyMismatches: [KeyMismatch] = []

    // MARK: - Building

    init(lookup: LookupResult, document: HighTrustDocument) {
        attempts = lookup.attempts.map { attempt in
            Attempt(step: attempt.stepText, traitsText: attempt.traits.description, traits: ClientReport.json(attempt.traits),
                    messageID: attempt.messageID, code: attempt.code, label: attempt.result.label,
                    milliseconds: attempt.duration.milliseconds, error: attempt.result.error,
                    advice: attempt.birthPlaceAdvice?.description)
        }
        code = lookup.code
        assessment = lookup.assessment(document: document)
        let count = lookup.attempts.count
        switch lookup.outcome {
        case .found(let identity):
            self.identity = identity
            summary = "Found after \(ClientReport.attempts(count))."
            exitCode = ClientExitCode.found
        case .notFound(let attempts):
            summary = "No identity: INSi answered 01 to \(ClientReport.attempts(attempts)). Check the local traits against an"
                + " identity document."
            exitCode = ClientExitCode.notFound
        case .several(let attempts):
            summary = "Several identities: INSi answered 02 and \(ClientReport.attempts(attempts)) did not single one out with the"
                + " known first names and birth place. Complete them from an identity document (all first names, birth place COG)."
            exitCode = ClientExitCode.several
        case .failed(let error):
            self.error = error
            summary = "Stopped: \(error.description)"
            exitCode = ClientExitCode.of(error)
        }
        markUnusable()
    }

    init(vitale: VitaleSearch, messageID: String, result: Result<INSiAnswer, INSiClientError>, duration: Duration,
         document: HighTrustDocument) {
        var traits: [String: Any] = ["ouvrantDroit": vitale.ouvrantDroit, "birthDate": vitale.birthDate, "rank": vitale.rank ?? 1]
        traits["ouvrantDroitKey"] = vitale.ouvrantDroitKey
        traits["matricule"] = vitale.beneficiaryMatricule
        traits["matriculeKey"] = vitale.beneficiaryKey
        traits["birthName"] = vitale.birthName
        let code = result.code
        attempts = [Attempt(step: "vitale", traitsText: vitale.trailText, traits: traits, messageID: messageID, code: code,
                            label: result.label, milliseconds: duration.milliseconds, error: result.error)]
        self.code = code
        keyMismatches = vitale.keyMismatches
        switch result {
        case .success(let answer):
            assessment = answer.assessment(document: document)
            switch answer.outcome {
            case .found(let identity):
                self.identity = identity
                summary = "Found."
                exitCode = ClientExitCode.found
            case .notFound:
                if keyMismatches.isEmpty {
                    summary = "No identity: no beneficiary of this card has this birth date and rank. Check the card data."
                } else {
                    // INSi answers a plain 01 to a wrong key: say the cause the client can see.
                    summary = "No identity: " + keyMismatches.map(\.description).joined(separator: "; ")
                        + ", and INSi finds no card with a wrong key. Check the key on the card."
                }
                exitCode = ClientExitCode.notFound
            case .several:
                summary = "Several identities: add the beneficiary's rank or own matricule."
                exitCode = ClientExitCode.several
            }
        case .failure(let error):
            self.error = error
            assessment = .noAnswer(status: IdentityStatus(hasINS: false, document: document))
            summary = "Stopped: \(error.description)"
            exitCode = ClientExitCode.of(error)
        }
        markUnusable()
    }

    init(verification: VerificationResult, document: HighTrustDocument) {
        self.init(lookup: verification.search, document: document)
        self.verification = verification
        assessment = verification.assessment(document: document)
        switch verification.outcome {
        case .ok:
            summary = "Verification OK: INSi returns the held INS with the held traits (\(ClientReport.attempts(attempts.count)))."
            exitCode = ClientExitCode.found
        case .ko(let reasons, _):
            summary = "Verification KO: " + reasons.map(\.description).joined(separator: "; ")
                + ". Put the identity in the work list."
            exitCode = ClientExitCode.verificationKO
        case .failed(let error):
            summary = "Verification not made: \(error.description)"
            exitCode = ClientExitCode.of(error)
        }
    }

    /// A 00 whose INS must not be used ends with its own exit code and says so.
    private mutating func markUnusable() {
        guard case .notUsable(let warnings) = assessment.ins else { return }
        summary += " But the INS is not usable (\(IdentityWarning.kinds(warnings))): do not store it."
        exitCode = ClientExitCode.notUsable
    }

    static func attempts(_ count: Int) -> String {
        count == 1 ? "1 attempt" : "\(count) attempts"
    }

    // MARK: - Text

    var text: String {
        var lines: [String] = []
        for (index, attempt) in attempts.enumerated() {
            let answer: String
            switch attempt.error {
            case .fault(let fault)?:
                answer = "fault " + [fault.subcode ?? fault.code.rawValue, fault.detailCode].compactMap { $0 }.joined(separator: "/")
            case let error?:
                answer = "error \(error.kind)"
            case nil:
                answer = "\(attempt.code) \(attempt.label ?? "")"
            }
            lines.append("#\(index + 1) \(attempt.step): \(attempt.traitsText) -> \(answer)"
                + " (\(String(format: "%.1f", attempt.milliseconds)) ms, \(attempt.messageID))")
            if let advice = attempt.advice { lines.append("   why 01: \(advice)") }
        }
        lines.append(summary)
        if let identity {
            let active = identity.active
            let kind = INSOIDText.kind(of: active.oid)
            lines.append("INS: \(active.matricule) key \(active.key ?? "-") (\(kind), OID \(active.oid))")
            let traits = identity.traits
            lines.append("Traits: \(traits.birthName ?? "-") / \(traits.firstNames.joined(separator: " ")) / \(traits.sex ?? "-")"
                + " / \(traits.birthDate ?? "-") / \(traits.birthPlace ?? "-")")
            for past in identity.history {
                var line = "History: \(past.matricule) key \(past.key ?? "-") (OID \(past.oid))"
                if past.dateStart != nil || past.dateEnd != nil { line += " from \(past.dateStart ?? "-") to \(past.dateEnd ?? "-")" }
                lines.append(line)
            }
            if identity.warnings.isEmpty {
                lines.append("Warnings: none")
            } else {
                lines.append("Warnings:")
                for warning in identity.warnings { lines.append("  - \(warning.description)") }
            }
        }
        if let verification {
            lines.append("Held INS: \(verification.held.ins)")
            if case .ko(let reasons, _) = verification.outcome {
                lines.append("Verification: KO, the identity goes to the work list:")
                for reason in reasons { lines.append("  - \(reason.description)") }
            } else if verification.verdict == "OK" {
                lines.append("Verification: OK")
            }
        }
        var status = "Status: \(assessment.status.description); \(assessment.ins)"
        if assessment.isWaitingNumber { status += "; the INS is a waiting number (NIA)" }
        lines.append(status)
        if !assessment.nextSteps.isEmpty {
            lines.append("Next:")
            for step in assessment.nextSteps { lines.append("  - \(step.description)") }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    var json: String {
        var object: [String: Any] = [
            "code": code,
            "summary": summary,
            "identity": identity.map(ClientReport.json) ?? NSNull(),
            "warnings": (identity?.warnings ?? []).map(ClientReport.json),
            "attempts": attempts.map { attempt -> [String: Any] in
                var entry: [String: Any] = [
                    "step": attempt.step, "traits": attempt.traits, "messageID": attempt.messageID, "code": attempt.code,
                    "ms": (attempt.milliseconds * 1000).rounded() / 1000,
                ]
                entry["label"] = attempt.label
                entry["error"] = attempt.error.map(ClientReport.json)
                entry["advice"] = attempt.advice
                return entry
            },
        ]
        object["error"] = error.map(ClientReport.json)
        object["status"] = assessment.status.rawValue
        object["statusName"] = assessment.status.frenchName
        object["ins"] = assessment.ins.kind
        object["waitingNumber"] = assessment.isWaitingNumber
        object["workList"] = assessment.workList
        object["nextSteps"] = assessment.nextSteps.map(ClientReport.json)
        if let verification {
            var held = ClientReport.json(verification.held.traits)
            held["matricule"] = verification.held.ins.matricule
            held["key"] = verification.held.ins.key
            held["oid"] = verification.held.ins.oid
            object["verification"] = [
                "result": verification.verdict ?? NSNull(), "held": held, "reasons": verification.reasons.map(ClientReport.json),
            ] as [String: Any]
        }
        if !keyMismatches.isEmpty {
            object["keyMismatches"] = keyMismatches.map { mismatch -> [String: Any] in
                ["field": mismatch.field.rawValue, "matricule": mismatch.matricule, "key": mismatch.key, "expectedKey": mismatch.expected,
                 "message": mismatch.description]
            }
        }
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else {
            // Only strings, numbers, arrays and dictionaries go in: serialisation cannot fail.
            return #"{"code":"error","summary":"the report could not be written as JSON"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ traits: SearchTraits) -> [String: Any] {
        var object: [String: Any] = [
            "birthName": traits.birthName, "firstNames": traits.firstNames, "sex": traits.sex.rawValue, "birthDate": traits.birthDate,
        ]
        object["birthPlace"] = traits.birthPlace
        return object
    }

    static func json(_ ins: WireINS) -> [String: Any] {
        var object: [String: Any] = ["matricule": ins.matricule, "oid": ins.oid]
        object["key"] = ins.key
        object["dateStart"] = ins.dateStart
        object["dateEnd"] = ins.dateEnd
        return object
    }

    static func json(_ identity: INSiIdentity) -> [String: Any] {
        var traits: [String: Any] = ["firstNames": identity.traits.firstNames]
        traits["birthName"] = identity.traits.birthName
        traits["firstName"] = identity.traits.firstName ?? identity.traits.firstNames.first
        traits["sex"] = identity.traits.sex
        traits["birthDate"] = identity.traits.birthDate
        traits["birthPlace"] = identity.traits.birthPlace
        var object: [String: Any] = [
            "matricule": identity.active.matricule, "oid": identity.active.oid,
            "nia": INSOIDText.isNIA(identity.active.oid), "traits": traits, "history": identity.history.map(json),
        ]
        object["key"] = identity.active.key
        object["dateStart"] = identity.active.dateStart
        object["dateEnd"] = identity.active.dateEnd
        return object
    }

    static func json(_ warning: IdentityWarning) -> [String: Any] {
        var object: [String: Any] = ["kind": warning.kind, "message": warning.description]
        switch warning {
        case .invalidKey(let matricule, let key, let expected, let inHistory):
            object["matricule"] = matricule
            object["key"] = key
            object["expectedKey"] = expected
            object["inHistory"] = inHistory
        case .provisionalMatricule(let matricule, let oid):
            object["matricule"] = matricule
            object["oid"] = oid
        case .unknownOID(let matricule, let oid, let inHistory):
            object["matricule"] = matricule
            object["oid"] = oid
            object["inHistory"] = inHistory
        case .incoherentDates(let matricule, let start, let end, let inHistory):
            object["matricule"] = matricule
            object["dateStart"] = start
            object["dateEnd"] = end
            object["inHistory"] = inHistory
        case .traitsDiffer(let differences):
            object["fields"] = differences.map(json)
        }
        return object
    }

    static func json(_ difference: TraitDifference) -> [String: Any] {
        ["field": difference.field.rawValue, "local": difference.local, "returned": difference.returned]
    }

    static func json(_ step: NextStep) -> [String: Any] {
        var object: [String: Any] = ["kind": step.kind, "message": step.description]
        if case .replaceLocalTraits(let differences, _) = step { object["fields"] = differences.map(json) }
        return object
    }

    static func json(_ reason: VerificationReason) -> [String: Any] {
        var object: [String: Any] = ["kind": reason.kind, "message": reason.description]
        switch reason {
        case .notFound, .several:
            break
        case .differentINS(_, let returned, let inHistory):
            object["returned"] = json(returned)
            object["heldInHistory"] = inHistory
        case .differentTraits(let differences):
            object["fields"] = differences.map(json)
        case .unusableAnswer(let warnings):
            object["warnings"] = warnings.map(json)
        }
        return object
    }

    static func json(_ error: INSiClientError) -> [String: Any] {
        var object: [String: Any] = ["kind": error.kind, "message": error.description]
        switch error {
        case .fault(let fault):
            object["siram"] = fault.subcode
            object["desir"] = fault.detailCode
            object["reason"] = fault.reason
            object["detail"] = fault.detailText
            object["severity"] = fault.severity.rawValue
            object["messageID"] = fault.messageID
            object["httpStatus"] = fault.httpStatus
        case .unexpectedStatus(let status, let contentType, _):
            object["httpStatus"] = status
            object["contentType"] = contentType
            object["body"] = error.bodyText
        case .transport(let url, let code, _):
            object["url"] = url
            object["curlCode"] = code
        case .tls(let url, let tls):
            object["url"] = url
            object["tls"] = tls.kind
        case .timeout(let after):
            object["seconds"] = after.milliseconds / 1000
        case .unreadableAnswer(let reason, let status, _):
            object["reason"] = reason
            object["httpStatus"] = status
            object["body"] = error.bodyText
        case .cancelled:
            break
        }
        return object
    }
}

/// OID words for people.
enum INSOIDText {
    static func isNIA(_ oid: String) -> Bool {
        INSOID(rawValue: oid)?.isNIA ?? false
    }

    static func kind(of oid: String) -> String {
        switch oid {
        case "1.2.250.1.213.1.4.8": return "NIR"
        case "1.2.250.1.213.1.4.9": return "NIA"
        case "1.2.250.1.213.1.4.10": return "NIR, test"
        case "1.2.250.1.213.1.4.11": return "NIA, test"
        default: return "unknown OID"
        }
    }
}

