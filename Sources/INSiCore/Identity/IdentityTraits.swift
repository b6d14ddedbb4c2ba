/// The reference identity traits (`TIQ`): what civil registration says about a person.
public struct IdentityTraits: Hashable, Sendable {
    /// `NomNaissance`, upper case.
    public var birthName: String
    /// `ListePrenom`, in order; the first one is `Prenom`.
    public var firstNames: [String]
    public var sex: Sex
    public var birthDate: LunarDate
    /// `LieuNaissance`.
    public var birthPlace: COG?

    public init(birthName: String, firstNames: [String], sex: Sex, birthDate: LunarDate, birthPlace: COG?) {
        self.birthName = birthName
        self.firstNames = firstNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
    }

    /// The first first name (`Prenom` of an answer).
    public var firstFirstName: String { firstNames.first ?? "" }

    /// All first names separated by spaces (`ListePrenom` of an answer).
    public var firstNameList: String { firstNames.joined(separator: " ") }

    /// "BIRTHNAME FIRSTNAMES", for messages.
    public var displayName: String { "\(birthName) \(firstNameList)" }
}
