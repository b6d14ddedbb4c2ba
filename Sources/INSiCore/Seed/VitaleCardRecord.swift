/// A Vitale card as written in a seed file.
public struct VitaleCardRecord: Codable, Sendable, Equatable {
    public var note: String?
    public var ouvrantDroit: INSRecord?
    public var beneficiaries: [BeneficiaryRecord]?

    public struct BeneficiaryRecord: Codable, Sendable, Equatable {
        /// The beneficiary's active matricule: an identity of the base.
        public var matricule: String?
        /// The date on the card; the identity's birth date when absent.
        public var birthDate: String?
        /// 1 when absent.
        public var rank: Int?

        public init(matricule: String? = nil, birthDate: String? = nil, rank: Int? = nil) {
            self.matricule = matricule
            self.birthDate = birthDate
            self.rank = rank
        }
    }

    public init(note: String? = nil, ouvrantDroit: INSRecord? = nil, beneficiaries: [BeneficiaryRecord]? = nil) {
        self.note = note
        self.ouvrantDroit = ouvrantDroit
        self.beneficiaries = beneficiaries
    }

    public init(_ card: VitaleCard) {
        note = card.note
        ouvrantDroit = INSRecord(matricule: card.ouvrantDroit.value, key: card.ouvrantDroitKey)
        beneficiaries = card.beneficiaries.map {
            BeneficiaryRecord(matricule: $0.matricule.value, birthDate: $0.birthDate.text, rank: $0.rank)
        }
    }

    /// Checks the card; `birthDateOf` gives an identity's birth date for beneficiaries without one.
    public func validated(birthDateOf: (Matricule) -> LunarDate?) throws(RecordError) -> VitaleCard {
        let matricule = try INSRecord.matricule(ouvrantDroit?.matricule, field: "ouvrantDroit.matricule")
        let key = ouvrantDroit?.key ?? matricule.key
        guard key == matricule.key else {
            throw RecordError("ouvrantDroit.key", "matricule key \(key) does not match \(matricule.key)")
        }
        guard let list = beneficiaries, !list.isEmpty else { throw RecordError("beneficiaries", "is missing: a card covers at least one person") }
        var result: [VitaleCard.Beneficiary] = []
        for (index, beneficiary) in list.enumerated() {
            let field = "beneficiaries[\(index)]"
            let value = try INSRecord.matricule(beneficiary.matricule, field: "\(field).matricule")
            let text = value.value
            let date: LunarDate
            if let dateText = beneficiary.birthDate {
                guard let parsed = LunarDate(dateText) else { throw RecordError("\(field).birthDate", "'\(dateText)' is not YYYY-MM-DD") }
                date = parsed
            } else {
                guard let known = birthDateOf(value) else {
                    throw RecordError("\(field).matricule", "\(text) is not the active matricule of an identity of the base")
                }
                date = known
            }
            let rank = beneficiary.rank ?? 1
            guard (1...99).contains(rank) else { throw RecordError("\(field).rank", "\(rank) is not a birth rank from 1 to 99") }
            result.append(VitaleCard.Beneficiary(matricule: value, birthDate: date, rank: rank))
        }
        return VitaleCard(ouvrantDroit: matricule, ouvrantDroitKey: key, beneficiaries: result, note: note)
    }
}
