import INSiCore

/// Reads one case, checking each field. Errors name the file, the case (its id, else its
/// position) and the dotted field.
struct RehearsalCaseParser {
    let file: String
    /// Counted from 1 in its file.
    let position: Int
    private var caseID: String?

    init(file: String, position: Int) {
        self.file = file
        self.position = position
    }

    private func fail(_ field: String?, _ reason: String) -> RehearsalPackError {
        RehearsalPackError(file: file, caseID: caseID ?? "#\(position) (no id)", field: field, reason: reason)
    }

    mutating func parse(_ value: RehearsalJSON) throws(RehearsalPackError) -> RehearsalCase {
        guard case .object(let object) = value else { throw fail(nil, "a case is a JSON object (found \(value.typeName))") }
        if case .string(let id)? = object["id"], !id.trimmingCharacters(in: .whitespaces).isEmpty { caseID = id }
        guard let id = caseID else { throw fail("id", "required: a non-empty string naming the case in reports") }
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw fail("id", "use letters, digits, '-', '_' or '.' (it names the case in reports and --only)")
        }
        if let unknown = object.keys.sorted().first(where: { !RehearsalPackLoader.caseKeys.contains($0) }) {
            throw fail(unknown, "unknown field (a case has id, title, exercises, cnda, kind, request or identity, ins, documentChecked, idam, timeout, scenario, otherTargets, expect)")
        }
        let title = try string(object, "title") ?? id
        let exercises = try string(object, "exercises") ?? ""
        let cnda = try string(object, "cnda")
        // `operation` and `expected` are the names of Resources/seed/cases.json, read as they are.
        let kindName = try alias(object, "kind", "operation")
        guard let kindText = try string(kindName.value, field: kindName.field) else {
            throw fail("kind", "required: traits, vitale, lookup or verify")
        }
        guard let kind = RehearsalCaseKind(rawValue: kindText) else {
            throw fail(kindName.field, "'\(kindText)' is not traits, vitale, lookup or verify")
        }
        let request = try self.request(object, kind: kind)
        var document = HighTrustDocument.notChecked
        if let value = object["documentChecked"] {
            guard case .bool(let checked) = value else { throw fail("documentChecked", "must be true or false") }
            document = checked ? .checked : .notChecked
        }
        let idam = try string(object, "idam")
        if let idam, idam.isEmpty { throw fail("idam", "must not be empty (omit it to send the rehearsal's approval number)") }
        var timeout: Duration?
        if let value = object["timeout"] {
            guard case .number(let seconds) = value, seconds > 0, seconds <= 3600 else {
                throw fail("timeout", "must be a number of seconds above 0 and at most 3600")
            }
            timeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var scenario: RehearsalJSON?
        if let value = object["scenario"] {
            guard case .object(let fields) = value else { throw fail("scenario", "must be a scenario object (see docs/guides/scenarios.md)") }
            guard case .object(let effect)? = fields["effect"], case .string? = effect["kind"] else {
                throw fail("scenario.effect.kind", "required: answer, result, fault, http, close, truncated or malformed")
            }
            if let match = fields["match"], match.objectValue == nil { throw fail("scenario.match", "must be an object") }
            scenario = value
        }
        var otherTargets = RehearsalOtherTargets.skip
        if let text = try string(object, "otherTargets") {
            guard let parsed = RehearsalOtherTargets(rawValue: text) else { throw fail("otherTargets", "'\(text)' is not skip or run") }
            guard scenario != nil else { throw fail("otherTargets", "only means something for a case with a scenario") }
            otherTargets = parsed
        }
        let expectName = try alias(object, "expect", "expected")
        guard let expectValue = expectName.value else { throw fail("expect", "required: what must come back (code, fault or error)") }
        let expectation = try expectations(expectValue, field: expectName.field, kind: kind)
        return RehearsalCase(id: id, title: title, exercises: exercises, cnda: cnda, kind: kind, request: request, idam: idam,
                             timeout: timeout, scenario: scenario, otherTargets: otherTargets, document: document,
                             expectation: expectation, source: file)
    }

    // MARK: - Request

    private func request(_ object: [String: RehearsalJSON], kind: RehearsalCaseKind) throws(RehearsalPackError) -> RehearsalRequest {
        // A lookup starts from the local identity, a verification from the held one; `request`
        // is accepted too.
        let fromIdentity = kind == .lookup || kind == .verify
        let names = fromIdentity ? ["identity", "request"] : ["request"]
        guard let name = names.first(where: { object[$0] != nil }), let value = object[name] else {
            throw fail(names[0], fromIdentity ? "required: the local identity the \(kind.rawValue) starts from" : "required: what the call sends")
        }
        if !fromIdentity, object["identity"] != nil {
            throw fail("identity", "only a lookup or verify case has an identity; a \(kind.rawValue) case has a request")
        }
        if kind != .verify, object["ins"] != nil { throw fail("ins", "only a verify case holds an INS") }
        guard case .object(let fields) = value else { throw fail(name, "must be an object") }
        switch kind {
        case .traits, .lookup:
            return .traits(try traits(fields, field: name, kind: kind))
        case .vitale:
            return .vitale(try vitale(fields, field: name))
        case .verify:
            return .held(HeldIdentity(ins: try heldINS(object["ins"]), traits: try traits(fields, field: name, kind: kind)))
        }
    }

    private func heldINS(_ value: RehearsalJSON?) throws(RehearsalPackError) -> HeldINS {
        guard let value else { throw fail("ins", "required: the INS held, {\"matricule\": …, \"key\": …, \"oid\": …}") }
        guard case .object(let fields) = value else { throw fail("ins", "must be an object with matricule, key and oid") }
        if let unknown = fields.keys.sorted().first(where: { !RehearsalPackLoader.heldINSKeys.contains($0) }) {
            throw fail("ins.\(unknown)", "unknown field (an INS has matricule, key, oid)")
        }
        guard let matricule = try string(fields, "matricule", in: "ins"), !matricule.isEmpty else {
            throw fail("ins.matricule", "required: the 13-character matricule held")
        }
        return HeldINS(matricule: matricule, key: try string(fields, "key", in: "ins"), oid: try string(fields, "oid", in: "ins"))
    }

    private func traits(_ fields: [String: RehearsalJSON], field: String, kind: RehearsalCaseKind) throws(RehearsalPackError) -> SearchTraits {
        if let unknown = fields.keys.sorted().first(where: { !RehearsalPackLoader.traitsKeys.contains($0) }) {
            throw fail("\(field).\(unknown)", "unknown field (traits are birthName, firstNames, firstNamesAsOneValue, sex, birthDate, birthPlace)")
        }
        guard let birthName = try string(fields, "birthName", in: field), !birthName.isEmpty else {
            throw fail("\(field).birthName", "required: a non-empty string")
        }
        guard case .array(let list)? = fields["firstNames"], !list.isEmpty else {
            throw fail("\(field).firstNames", "required: a non-empty array of first names, in order")
        }
        var firstNames: [String] = []
        for (index, entry) in list.enumerated() {
            guard case .string(let name) = entry, !name.isEmpty else { throw fail("\(field).firstNames[\(index)]", "must be a non-empty string") }
            firstNames.append(name)
        }
        if let flag = fields["firstNamesAsOneValue"] {
            guard case .bool(let asOneValue) = flag else { throw fail("\(field).firstNamesAsOneValue", "must be true or false") }
            if asOneValue {
                guard kind == .traits else { throw fail("\(field).firstNamesAsOneValue", "only a traits call sends its first names as one value") }
                // One Prenom element holding every name, as some software sends them.
                firstNames = [firstNames.joined(separator: " ")]
            }
        }
        guard let sexText = try string(fields, "sex", in: field), let sex = Sex(wire: sexText) else {
            throw fail("\(field).sex", "required: M, F or I")
        }
        guard let birthDate = try string(fields, "birthDate", in: field), !birthDate.isEmpty else {
            throw fail("\(field).birthDate", "required: YYYY-MM-DD (00 for an unknown month or day)")
        }
        let birthPlace = try string(fields, "birthPlace", in: field)
        return SearchTraits(birthName: birthName, firstNames: firstNames, sex: sex, birthDate: birthDate, birthPlace: birthPlace)
    }

    private func vitale(_ fields: [String: RehearsalJSON], field: String) throws(RehearsalPackError) -> VitaleSearch {
        if let unknown = fields.keys.sorted().first(where: { !RehearsalPackLoader.vitaleKeys.contains($0) }) {
            throw fail("\(field).\(unknown)", "unknown field (card data are ouvrantDroit, ouvrantDroitKey, birthDate, rank, beneficiaryMatricule, beneficiaryKey, birthName)")
        }
        guard let ouvrantDroit = try string(fields, "ouvrantDroit", in: field), !ouvrantDroit.isEmpty else {
            throw fail("\(field).ouvrantDroit", "required: the ouvrant droit's matricule")
        }
        guard let birthDate = try string(fields, "birthDate", in: field), !birthDate.isEmpty else {
            throw fail("\(field).birthDate", "required: the beneficiary's birth date as on the card")
        }
        var rank: Int?
        if let value = fields["rank"] {
            guard case .number(let number) = value, number == number.rounded(), number >= 0, number < 1000 else {
                throw fail("\(field).rank", "must be a whole number")
            }
            rank = Int(number)
        }
        return VitaleSearch(ouvrantDroit: ouvrantDroit, ouvrantDroitKey: try string(fields, "ouvrantDroitKey", in: field),
                            birthDate: birthDate, rank: rank,
                            beneficiaryMatricule: try string(fields, "beneficiaryMatricule", in: field),
                            beneficiaryKey: try string(fields, "beneficiaryKey", in: field),
                            birthName: try string(fields, "birthName", in: field))
    }

    // MARK: - Expectations

    private func expectations(_ value: RehearsalJSON, field: String, kind: RehearsalCaseKind) throws(RehearsalPackError) -> RehearsalExpectations {
        guard case .object(let object) = value else { throw fail(field, "must be an object") }
        guard object["strict"] != nil || object["relaxed"] != nil else {
            return RehearsalExpectations(try expectation(object, field: field, kind: kind))
        }
        // By mode: the target's name matching decides (insi-sim says it in /health; others are strict).
        if let other = object.keys.sorted().first(where: { $0 != "strict" && $0 != "relaxed" }) {
            throw fail("\(field).\(other)", "an expectation by mode has only strict and relaxed")
        }
        guard case .object(let strict)? = object["strict"] else { throw fail("\(field).strict", "required with relaxed: an expectation object") }
        guard case .object(let relaxed)? = object["relaxed"] else { throw fail("\(field).relaxed", "required with strict: an expectation object") }
        return RehearsalExpectations(strict: try expectation(strict, field: "\(field).strict", kind: kind),
                                     relaxed: try expectation(relaxed, field: "\(field).relaxed", kind: kind))
    }

    private func expectation(_ object: [String: RehearsalJSON], field: String, kind: RehearsalCaseKind) throws(RehearsalPackError) -> RehearsalExpectation {
        if let unknown = object.keys.sorted().first(where: { !RehearsalPackLoader.expectationKeys.contains($0) }) {
            throw fail("\(field).\(unknown)", "unknown field (an expectation has code, matricule, key, warnings, attempts, trail, fault, error, status, ins, verification, reasons)")
        }
        let given = ["code", "fault", "error"].filter { object[$0] != nil }
        guard given.count == 1 else {
            throw fail(field, given.isEmpty ? "give one of code, fault or error" : "give only one of code, fault or error (found \(given.joined(separator: ", ")))")
        }
        let answer: RehearsalExpectation.Answer
        if let code = try string(object, "code", in: field) {
            guard ["00", "01", "02"].contains(code) else { throw fail("\(field).code", "'\(code)' is not 00, 01 or 02") }
            answer = .code(code)
        } else if let fault = object["fault"] {
            guard case .object(let codes) = fault else { throw fail("\(field).fault", "must be an object with subcode and/or detailCode") }
            if let unknown = codes.keys.sorted().first(where: { $0 != "subcode" && $0 != "detailCode" }) {
                throw fail("\(field).fault.\(unknown)", "unknown field (a fault has subcode and detailCode)")
            }
            answer = .fault(subcode: try string(codes, "subcode", in: "\(field).fault"),
                            detailCode: try string(codes, "detailCode", in: "\(field).fault"))
        } else {
            let kindText = try string(object, "error", in: field) ?? ""
            guard RehearsalPackLoader.errorKinds.contains(kindText) else {
                throw fail("\(field).error", "'\(kindText)' is not one of \(RehearsalPackLoader.errorKinds.sorted().joined(separator: ", "))")
            }
            answer = .error(kindText)
        }
        let matricule = try string(object, "matricule", in: field)
        let key = try string(object, "key", in: field)
        if matricule != nil || key != nil, answer != .code("00") {
            throw fail("\(field).\(matricule != nil ? "matricule" : "key")", "only a 00 answer has a matricule and a key")
        }
        let warnings = try strings(object, "warnings", in: field)
        if let warnings, let bad = warnings.first(where: { !RehearsalPackLoader.warningKinds.contains($0) }) {
            throw fail("\(field).warnings", "'\(bad)' is not one of \(RehearsalPackLoader.warningKinds.sorted().joined(separator: ", "))")
        }
        var attempts: Int?
        if let value = object["attempts"] {
            guard case .number(let number) = value, number == number.rounded(), number >= 1, number < 1000 else {
                throw fail("\(field).attempts", "must be a whole number of calls, at least 1")
            }
            attempts = Int(number)
        }
        let trail = try strings(object, "trail", in: field)
        if let trail {
            guard !trail.isEmpty else { throw fail("\(field).trail", "must list at least one call") }
            if let bad = trail.first(where: { !RehearsalPackLoader.trailCodes.contains($0) }) {
                throw fail("\(field).trail", "'\(bad)' is not 00, 01, 02, fault or error")
            }
            if let attempts, attempts != trail.count {
                throw fail("\(field).attempts", "\(attempts) does not match the \(trail.count) codes of trail")
            }
        }
        if !kind.makesSeveralCalls, let count = attempts ?? trail?.count, count != 1 {
            throw fail("\(field).\(attempts != nil ? "attempts" : "trail")", "a \(kind.rawValue) case makes exactly one call")
        }
        var status: IdentityStatus?
        if let text = try string(object, "status", in: field) {
            guard let parsed = IdentityStatus(rawValue: text) else {
                throw fail("\(field).status", "'\(text)' is not one of \(IdentityStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        let ins = try string(object, "ins", in: field)
        if let ins, !RehearsalPackLoader.insUses.contains(ins) {
            throw fail("\(field).ins", "'\(ins)' is not one of \(RehearsalPackLoader.insUses.sorted().joined(separator: ", "))")
        }
        let verification = try string(object, "verification", in: field)
        let reasons = try strings(object, "reasons", in: field)
        if verification != nil || reasons != nil, kind != .verify {
            throw fail("\(field).\(verification != nil ? "verification" : "reasons")", "only a verify case has a verification and reasons")
        }
        if let verification, verification != "OK", verification != "KO" { throw fail("\(field).verification", "'\(verification)' is not OK or KO") }
        if let reasons {
            if let bad = reasons.first(where: { !VerificationReason.kinds.contains($0) }) {
                throw fail("\(field).reasons", "'\(bad)' is not one of \(VerificationReason.kinds.sorted().joined(separator: ", "))")
            }
            if !reasons.isEmpty, verification != "KO" { throw fail("\(field).reasons", "only a KO has reasons (give verification KO)") }
        }
        return RehearsalExpectation(answer: answer, matricule: matricule, key: key, warnings: warnings, attempts: attempts, trail: trail,
                                    status: status, ins: ins, verification: verification, reasons: reasons)
    }

    // MARK: - Fields

    private func alias(_ object: [String: RehearsalJSON], _ name: String, _ other: String) throws(RehearsalPackError) -> (field: String, value: RehearsalJSON?) {
        if object[name] != nil && object[other] != nil { throw fail(other, "give \(name) or \(other), not both") }
        return object[name] != nil ? (name, object[name]) : (other, object[other])
    }

    private func string(_ value: RehearsalJSON?, field: String) throws(RehearsalPackError) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else { throw fail(field, "must be a string (found \(value.typeName))") }
        return text
    }

    private func string(_ object: [String: RehearsalJSON], _ name: String, in parent: String? = nil) throws(RehearsalPackError) -> String? {
        try string(object[name], field: parent.map { "\($0).\(name)" } ?? name)
    }

    private func strings(_ object: [String: RehearsalJSON], _ name: String, in parent: String) throws(RehearsalPackError) -> [String]? {
        guard let value = object[name] else { return nil }
        guard case .array(let entries) = value else { throw fail("\(parent).\(name)", "must be an array of strings") }
        var result: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .string(let text) = entry else { throw fail("\(parent).\(name)[\(index)]", "must be a string") }
            result.append(text)
        }
        return result
    }
}
