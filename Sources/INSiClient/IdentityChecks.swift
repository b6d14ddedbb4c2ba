import INSiCore
import INSiSOAP

/// The traits a found identity is compared with; nil fields were not searched.
struct ExpectedTraits: Sendable, Hashable {
    var birthName: String?
    var firstNames: [String]?
    var sex: String?
    var birthDate: String?
    var birthPlace: String?
}

/// The checks the CNDA expects a client to make on a 00 answer.
public enum IdentityChecks {
    /// Every warning about `individual`, the traits comparison made against `searched`
    /// (a lookup passes the local identity, so that a name found through a variant is reported).
    public static func warnings(for individual: WireIndividual, searched: SearchTraits) -> [IdentityWarning] {
        warnings(for: individual, expected: searched.expected)
    }

    static func warnings(for individual: WireIndividual, expected: ExpectedTraits) -> [IdentityWarning] {
        var warnings: [IdentityWarning] = []
        check(individual.active, inHistory: false, into: &warnings)
        for past in individual.history { check(past, inHistory: true, into: &warnings) }
        let differences = differences(individual.traits, expected)
        if !differences.isEmpty { warnings.append(.traitsDiffer(differences)) }
        return warnings
    }

    private static func check(_ ins: WireINS, inHistory: Bool, into warnings: inout [IdentityWarning]) {
        if let matricule = Matricule(ins.matricule) {
            if ins.key.map(matricule.isValidKey) != true {
                warnings.append(.invalidKey(matricule: ins.matricule, key: ins.key, expected: matricule.key, inHistory: inHistory))
            }
        } else {
            warnings.append(.invalidKey(matricule: ins.matricule, key: ins.key, expected: nil, inHistory: inHistory))
        }
        if let oid = INSOID(rawValue: ins.oid) {
            // A past NIA is normal history; only the INS to use matters.
            if oid.isNIA && !inHistory { warnings.append(.provisionalMatricule(matricule: ins.matricule, oid: ins.oid)) }
        } else {
            warnings.append(.unknownOID(matricule: ins.matricule, oid: ins.oid, inHistory: inHistory))
        }
        let start = ins.dateStart.map { (text: $0, date: LunarDate($0)) }
        let end = ins.dateEnd.map { (text: $0, date: LunarDate($0)) }
        let unreadable = (start != nil && start?.date == nil) || (end != nil && end?.date == nil)
        var reversed = false
        if let startDate = start?.date, let endDate = end?.date { reversed = endDate < startDate }
        if unreadable || reversed {
            warnings.append(.incoherentDates(matricule: ins.matricule, dateStart: ins.dateStart, dateEnd: ins.dateEnd, inHistory: inHistory))
        }
    }

    private static func differences(_ returned: WireTraits, _ expected: ExpectedTraits) -> [TraitDifference] {
        var differences: [TraitDifference] = []
        func compare(_ field: TraitField, _ searched: String?, _ received: String?) {
            guard let searched, !searched.isEmpty else { return }
            if searched.uppercased() != (received ?? "").uppercased() {
                differences.append(TraitDifference(field: field, searched: searched, returned: received ?? ""))
            }
        }
        compare(.birthName, expected.birthName, returned.birthName)
        if let names = expected.firstNames, !names.isEmpty {
            // INSi's own rule: the first first name alone, or the complete list.
            let sent = names.map { $0.uppercased() }
            let reference = returned.firstNames.map { $0.uppercased() }
            let matches = sent == reference || (sent.count == 1 && sent.first == reference.first)
            if !matches {
                differences.append(TraitDifference(field: .firstNames, searched: names.joined(separator: " "),
                                                   returned: returned.firstNames.joined(separator: " ")))
            }
        }
        compare(.sex, expected.sex, returned.sex)
        compare(.birthDate, expected.birthDate, returned.birthDate)
        compare(.birthPlace, expected.birthPlace, returned.birthPlace)
        return differences
    }
}
