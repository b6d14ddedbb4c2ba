import INSiSOAP

/// A search with the data read from a Vitale card (`RECVITALE`).
public struct VitaleSearch: Sendable, Hashable, Codable {
    /// `MatriculeOD`: the matricule of the insured person who opens the rights (13 characters).
    public var ouvrantDroit: String
    /// The key of `MatriculeOD`, when read from the card.
    public var ouvrantDroitKey: String?
    /// The beneficiary's birth date as on the card (`YYYY-MM-DD`, `00` allowed).
    public var birthDate: String
    /// `RangNaissance`: separates twins; INSi takes 1 when absent.
    public var rank: Int?
    /// `MatriculeIndividu`: the beneficiary's own matricule, when the card holds it.
    public var beneficiaryMatricule: String?
    public var beneficiaryKey: String?
    /// The beneficiary's birth name, when known: narrows the search.
    public var birthName: String?

    public init(ouvrantDroit: String, ouvrantDroitKey: String? = nil, birthDate: String, rank: Int? = nil,
                beneficiaryMatricule: String? = nil, beneficiaryKey: String? = nil, birthName: String? = nil) {
        self.ouvrantDroit = ouvrantDroit
        self.ouvrantDroitKey = ouvrantDroitKey
        self.birthDate = birthDate
        self.rank = rank
        self.beneficiaryMatricule = beneficiaryMatricule
        self.beneficiaryKey = beneficiaryKey
        self.birthName = birthName
    }

    var wireRequest: VitaleSearchRequest {
        VitaleSearchRequest(
            beneficiary: beneficiaryMatricule.map { WireMatricule(number: $0, key: beneficiaryKey) },
            ouvrantDroit: WireMatricule(number: ouvrantDroit, key: ouvrantDroitKey),
            birthName: birthName, birthDate: birthDate, rank: rank.map(String.init))
    }

    /// Only what the card says about the beneficiary can be compared with the answer.
    var expected: ExpectedTraits {
        ExpectedTraits(birthName: birthName, firstNames: nil, sex: nil, birthDate: birthDate, birthPlace: nil)
    }
}
