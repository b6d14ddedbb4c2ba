/// A Vitale card: the ouvrant droit (the insured person who opens the rights) and the
/// beneficiaries it covers. A beneficiary is found by birth date and rank, not by typed traits.
public struct VitaleCard: Hashable, Sendable {
    /// The ouvrant droit's matricule, as printed on the card.
    public var ouvrantDroit: Matricule
    /// The ouvrant droit's key as stored (usually the computed one).
    public var ouvrantDroitKey: String
    public var beneficiaries: [Beneficiary]
    public var note: String?

    public init(ouvrantDroit: Matricule, ouvrantDroitKey: String, beneficiaries: [Beneficiary], note: String? = nil) {
        self.ouvrantDroit = ouvrantDroit
        self.ouvrantDroitKey = ouvrantDroitKey
        self.beneficiaries = beneficiaries
        self.note = note
    }

    /// One person covered by the card.
    public struct Beneficiary: Hashable, Sendable {
        /// The beneficiary's own active INS matricule (an identity of the base).
        public var matricule: Matricule
        /// The birth date written on the card.
        public var birthDate: LunarDate
        /// Birth rank: separates twins (1, 2, ...).
        public var rank: Int

        public init(matricule: Matricule, birthDate: LunarDate, rank: Int) {
            self.matricule = matricule
            self.birthDate = birthDate
            self.rank = rank
        }
    }
}
