/// A search with the data of a Vitale card (`RECVITALE`), validated.
public struct VitaleQuery: Sendable, Hashable {
    /// `MatriculeOD`: the ouvrant droit printed on the card.
    public var ouvrantDroit: Matricule
    /// `MatriculeOD/Cle`, when sent: must equal the card's key.
    public var ouvrantDroitKey: String?
    /// `DateNaissance` of the beneficiary, as on the card.
    public var birthDate: LunarDate
    /// `RangNaissance`; rank 1 when absent.
    public var rank: Int?
    /// `MatriculeIndividu`: the beneficiary's own matricule, when the card holds it.
    public var beneficiaryMatricule: Matricule?
    public var beneficiaryKey: String?
    /// `NomNaissance` of the beneficiary, when sent.
    public var birthName: String?

    public init(
        ouvrantDroit: Matricule, ouvrantDroitKey: String? = nil, birthDate: LunarDate, rank: Int? = nil,
        beneficiaryMatricule: Matricule? = nil, beneficiaryKey: String? = nil, birthName: String? = nil
    ) {
        self.ouvrantDroit = ouvrantDroit
        self.ouvrantDroitKey = ouvrantDroitKey
        self.birthDate = birthDate
        self.rank = rank
        self.beneficiaryMatricule = beneficiaryMatricule
        self.beneficiaryKey = beneficiaryKey
        self.birthName = birthName
    }

    /// The rank searched: the one sent, else 1.
    public var effectiveRank: Int { rank ?? 1 }

    /// Validates the raw wire values of a request.
    public static func validate(
        ouvrantDroit: String?, ouvrantDroitKey: String?, birthDate: String?, rank: String?,
        beneficiaryMatricule: String?, beneficiaryKey: String?, birthName: String?
    ) throws(SearchInputError) -> VitaleQuery {
        guard let odText = TraitsQuery.nonEmpty(ouvrantDroit) else { throw .missing(.ouvrantDroit) }
        let od: Matricule
        switch Matricule.parse(odText) {
        case .success(let value): od = value
        case .failure(let error): throw .invalid(.ouvrantDroit, odText, error.description)
        }
        let odKey = try validKey(ouvrantDroitKey, field: .ouvrantDroitKey)
        guard let dateText = TraitsQuery.nonEmpty(birthDate) else { throw .missing(.birthDate) }
        guard let date = LunarDate(dateText) else {
            throw .invalid(.birthDate, dateText, "expected YYYY-MM-DD with a possible date (00 allowed for an unknown month or day)")
        }
        var parsedRank: Int?
        if let rankText = TraitsQuery.nonEmpty(rank) {
            guard rankText.utf8.count <= 2, let value = Int(rankText), (1...99).contains(value) else {
                throw .invalid(.birthRank, rankText, "expected a birth rank from 1 to 99")
            }
            parsedRank = value
        }
        var beneficiary: Matricule?
        if let text = TraitsQuery.nonEmpty(beneficiaryMatricule) {
            switch Matricule.parse(text) {
            case .success(let value): beneficiary = value
            case .failure(let error): throw .invalid(.beneficiaryMatricule, text, error.description)
            }
        }
        let beneficiaryKeyValue = try validKey(beneficiaryKey, field: .beneficiaryKey)
        var name: String?
        if TraitsQuery.nonEmpty(birthName) != nil {
            name = try TraitsQuery.validName(birthName, field: .birthName)
        }
        return VitaleQuery(
            ouvrantDroit: od, ouvrantDroitKey: odKey, birthDate: date, rank: parsedRank,
            beneficiaryMatricule: beneficiary, beneficiaryKey: beneficiaryKeyValue, birthName: name)
    }

    private static func validKey(_ raw: String?, field: SearchInputError.Field) throws(SearchInputError) -> String? {
        guard let text = TraitsQuery.nonEmpty(raw) else { return nil }
        guard MatriculeKey.isWellFormed(text) else { throw .invalid(field, text, "a key is two digits") }
        return text
    }
}
