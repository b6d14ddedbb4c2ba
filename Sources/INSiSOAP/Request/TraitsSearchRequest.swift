/// The body of a traits search (`RECSANSVITALE`) as sent: raw text, validated by the core.
public struct TraitsSearchRequest: Sendable, Equatable, Codable {
    public var birthName: String?
    /// Every `Prenom` element as sent (one per name, or one space-separated value).
    public var firstNames: [String]
    public var sex: String?
    public var birthDate: String?
    public var birthPlace: String?

    public init(birthName: String?, firstNames: [String], sex: String?, birthDate: String?, birthPlace: String? = nil) {
        self.birthName = birthName
        self.firstNames = firstNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
    }
}

/// A matricule as sent in a Vitale search (`NumIdentifiant`, `Cle`, `TypeMatricule`).
public struct WireMatricule: Sendable, Equatable, Codable {
    public var number: String?
    public var key: String?
    public var type: String?

    public init(number: String?, key: String? = nil, type: String? = nil) {
        self.number = number
        self.key = key
        self.type = type
    }
}

/// The body of a Vitale search (`RECVITALE`) as sent.
public struct VitaleSearchRequest: Sendable, Equatable, Codable {
    /// `MatriculeIndividu`: the beneficiary's own matricule, when known.
    public var beneficiary: WireMatricule?
    /// `MatriculeOD`: the ouvrant droit.
    public var ouvrantDroit: WireMatricule?
    public var birthName: String?
    public var birthDate: String?
    /// `RangNaissance`.
    public var rank: String?

    public init(beneficiary: WireMatricule? = nil, ouvrantDroit: WireMatricule?, birthName: String? = nil, birthDate: String?, rank: String? = nil) {
        self.beneficiary = beneficiary
        self.ouvrantDroit = ouvrantDroit
        self.birthName = birthName
        self.birthDate = birthDate
        self.rank = rank
    }
}

/// A whole INSi request: headers and one of the two bodies.
public struct INSiRequest: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case traits(TraitsSearchRequest)
        case vitale(VitaleSearchRequest)
    }

    public var headers: SOAPHeaders
    public var body: Body

    public init(headers: SOAPHeaders, body: Body) {
        self.headers = headers
        self.body = body
    }

    public var operation: INSiOperation {
        switch body {
        case .traits: return .traitsSearch
        case .vitale: return .vitaleSearch
        }
    }
}
