/// An INS as read from an answer: text as received, so that a client can check it (a wrong
/// key is data to report, not a reason to refuse the answer).
public struct WireINS: Sendable, Equatable, Codable {
    public var matricule: String
    public var key: String?
    public var oid: String
    public var dateStart: String?
    public var dateEnd: String?

    public init(matricule: String, key: String?, oid: String, dateStart: String? = nil, dateEnd: String? = nil) {
        self.matricule = matricule
        self.key = key
        self.oid = oid
        self.dateStart = dateStart
        self.dateEnd = dateEnd
    }
}

/// `TIQ` as read from an answer.
public struct WireTraits: Sendable, Equatable, Codable {
    public var birthName: String?
    /// `Prenom`: some recorded answers omit it.
    public var firstName: String?
    /// `ListePrenom`.
    public var firstNameList: String?
    public var sex: String?
    public var birthDate: String?
    public var birthPlace: String?

    public init(birthName: String? = nil, firstName: String? = nil, firstNameList: String? = nil, sex: String? = nil,
                birthDate: String? = nil, birthPlace: String? = nil) {
        self.birthName = birthName
        self.firstName = firstName
        self.firstNameList = firstNameList
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
    }

    /// The first names: `ListePrenom` split on spaces, else `Prenom`.
    public var firstNames: [String] {
        if let list = firstNameList, !list.isEmpty { return list.split(separator: " ").map(String.init) }
        return firstName.map { [$0] } ?? []
    }
}

/// `INDIVIDU`: the identity of a 00 answer.
public struct WireIndividual: Sendable, Equatable, Codable {
    public var active: WireINS
    public var history: [WireINS]
    public var traits: WireTraits

    public init(active: WireINS, history: [WireINS], traits: WireTraits) {
        self.active = active
        self.history = history
        self.traits = traits
    }
}

/// A `RESULTAT`: the compte rendu and, for 00, the identity.
public struct INSiResult: Sendable, Equatable, Codable {
    /// `CodeCR` as received ("00", "01", "02").
    public var code: String
    public var label: String
    public var individual: WireIndividual?

    public init(code: String, label: String, individual: WireIndividual?) {
        self.code = code
        self.label = label
        self.individual = individual
    }
}
