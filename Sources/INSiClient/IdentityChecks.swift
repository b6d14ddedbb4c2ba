import INSiCore
import INSiSOAP

/// The local traits a found identity is compared with; nil fields are not held locally (or, for
/// a Vitale call without a local identity, not on the card).
struct ExpectedTraits: Sendable, Hashable {
    var birthName: String?
    var firstNames: [String]?
    var sex: String?
    var birthDate: String?
    var birthPlace: String?
}

/// The checks the CNDA expects a client to make on a 00 answer.
public enum IdentityChecks {
    /// Every warning about `individual`, the traits compared with the local identity `local`
    /// (a lookup passes the local identity, so that a name found through a variant is reported).
    public static func warnings(for individual: WireIndividual, local: SearchTraits) -> [IdentityWarning] {
        warnings(for: individual, expected: local.expected)
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

    /// Every trait the local identity holds, compared with INSi's: the birth name, the whole
    /// first-name list (a local list shorter than INSi's is a difference, even when INSi matched
    /// on the first first name), sex, birth date and birth place. Case is ignored; a trait the
    /// local identity does not hold is not compared.
    private static func differences(_ returned: WireTraits, _ expected: ExpectedTraits) -> [TraitDifference] {
        var differences: [TraitDifference] = []
        func compare(_ field: TraitField, _ local: String?, _ received: String?) {
            guard let local, !local.isEmpty else { return }
            if local.uppercased() != (received ?? "").uppercased() {
                differences.append(TraitDifference(field: field, local: local, returned: received ?? ""))
            }
        }
        compare(.birthName, expected.birthName, returned.birthName)
        if let names = expected.firstNames, !names.isEmpty {
            // Names are compared one by one: one element holding "A B" is the list A, B.
            let local = names.flatMap { $0.split(separator: " ").map { $0.uppercased() } }
            let reference = returned.firstNames.flatMap { $0.split(separator: " ").map { $0.uppercased() } }
            if local != reference {
                differences.append(TraitDifference(field: .firstNames, local: names.joined(separator: " "),
                                                   returned: returned.firstNames.joined(separator: " ")))
            }
        }
        compare(.sex, expected.sex, returned.sex)
        compare(.birthDate, expected.birthDate, returned.birthDate)
        compare(.birthPlace, expected.birthPlace, returned.birthPlace)
        return differences
    }
}
