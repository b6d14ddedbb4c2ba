/// Why the reference base refused a change.
public enum BaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Active matricules are unique: they are how identities are addressed.
    case duplicateMatricule(Matricule, existing: String)
    case unknownIdentity(Matricule)
    case duplicateCard(Matricule)
    /// A card names a beneficiary who is not an identity of the base.
    case unknownBeneficiary(card: Matricule, beneficiary: Matricule)
    /// Two beneficiaries of one card share birth date and rank: a Vitale search could not tell them apart.
    case ambiguousBeneficiaries(card: Matricule, birthDate: LunarDate, rank: Int)

    public var description: String {
        switch self {
        case .duplicateMatricule(let matricule, let existing):
            return "matricule \(matricule) is already the active INS of \(existing)"
        case .unknownIdentity(let matricule):
            return "no identity has the active matricule \(matricule)"
        case .duplicateCard(let od):
            return "a Vitale card already exists for the ouvrant droit \(od)"
        case .unknownBeneficiary(let card, let beneficiary):
            return "card of \(card): beneficiary \(beneficiary) is not an active matricule of the base"
        case .ambiguousBeneficiaries(let card, let date, let rank):
            return "card of \(card): two beneficiaries born \(date) have rank \(rank); ranks separate twins"
        }
    }
}
