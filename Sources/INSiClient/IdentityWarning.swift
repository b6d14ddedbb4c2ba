/// A trait of an identity, as named in warnings and JSON.
public enum TraitField: String, Sendable, Hashable, Codable, CaseIterable {
    /// `NomNaissance`: compared strictly by INSi, so a difference here is often a separator
    /// (hyphen, apostrophe) the local file writes differently.
    case birthName
    /// `Prenom` / `ListePrenom`: the whole list, in order, since INSi's list replaces the local
    /// one once the identity is qualified.
    case firstNames
    /// `Sexe`.
    case sex
    /// `DateNaissance`, `00` for an unknown month or day.
    case birthDate
    /// `LieuNaissance`: the COG, compared only when the local identity holds one.
    case birthPlace

    /// The French name of the element, as editors know it.
    public var wireName: String {
        switch self {
        case .birthName: return "NomNaissance"
        case .firstNames: return "Prenom/ListePrenom"
        case .sex: return "Sexe"
        case .birthDate: return "DateNaissance"
        case .birthPlace: return "LieuNaissance"
        }
    }
}

/// One trait whose value in the answer differs from the local identity's.
public struct TraitDifference: Sendable, Hashable, Codable {
    /// Which trait differs: a software updates that field once the identity is qualified.
    public var field: TraitField
    /// As held locally (for first names, the whole list separated by spaces).
    public var local: String
    /// As INSi returned it; empty when INSi returned nothing for this trait.
    public var returned: String

    /// Public so that tests and integrators can state the differences they expect.
    public init(field: TraitField, local: String, returned: String) {
        self.field = field
        self.local = local
        self.returned = returned
    }
}

/// Something wrong or unusual in a found identity: the software must look at it before using the
/// INS (the CNDA approval tests check that it does).
public enum IdentityWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key does not follow the key rule, or is missing or malformed (CNDA 2.08 cas 2).
    /// `expected` is the right key, nil when the matricule itself is malformed.
    case invalidKey(matricule: String, key: String?, expected: String?, inHistory: Bool)
    /// The matricule is a NIA (waiting number, OID .9 or .11), not a NIR (CNDA 2.05).
    case provisionalMatricule(matricule: String, oid: String)
    /// The OID is none of the four INS OIDs.
    case unknownOID(matricule: String, oid: String, inHistory: Bool)
    /// `DateDeb` is after `DateFin` (CNDA 2.04 cas 2), or a date is not a date.
    case incoherentDates(matricule: String, dateStart: String?, dateEnd: String?, inHistory: Bool)
    /// The returned traits differ from the local identity's (every trait it holds is compared).
    case traitsDiffer([TraitDifference])

    /// A stable name of the case, for JSON and filters.
    public var kind: String {
        switch self {
        case .invalidKey: return "invalidKey"
        case .provisionalMatricule: return "provisionalMatricule"
        case .unknownOID: return "unknownOID"
        case .incoherentDates: return "incoherentDates"
        case .traitsDiffer: return "traitsDiffer"
        }
    }

    public var description: String {
        switch self {
        case .invalidKey(let matricule, let key, let expected, let inHistory):
            let which = inHistory ? "INSHISTO" : "INSACTIF"
            let what: String
            if let expected {
                what = key.map { "key \($0) does not follow the key rule (expected \(expected))" } ?? "key is missing (expected \(expected))"
            } else {
                what = "matricule is malformed"
            }
            return "\(which) \(matricule): \(what). Do not use this INS: the data is corrupt; report it (CNDA 2.08)"
        case .provisionalMatricule(let matricule, let oid):
            return "INSACTIF \(matricule) is a NIA (waiting number, OID \(oid)), not a NIR: it may be replaced; call INSi again later (CNDA 2.05)"
        case .unknownOID(let matricule, let oid, let inHistory):
            return "\(inHistory ? "INSHISTO" : "INSACTIF") \(matricule): OID \(oid) is not an INS OID (1.2.250.1.213.1.4.8 to .11)"
        case .incoherentDates(let matricule, let start, let end, let inHistory):
            return "\(inHistory ? "INSHISTO" : "INSACTIF") \(matricule): DateDeb \(start ?? "-") and DateFin \(end ?? "-") are incoherent "
                + "(start after end, or not a date): do not rely on this period (CNDA 2.04)"
        case .traitsDiffer(let differences):
            let list = differences.map { "\($0.field.wireName) local '\($0.local)', INSi '\($0.returned)'" }
                .joined(separator: "; ")
            return "INSi's traits differ from the local identity: \(list). Check a high-trust identity document: "
                + "INSi's traits replace the local ones once the identity is qualified"
        }
    }
}
