import INSiCore
import INSiSOAP

/// Identity traits: the local identity as the software holds it (input of a lookup), or the
/// traits of one traits search (`RECSANSVITALE`).
///
/// Values are sent as given; INSi validates them (a bad date comes back as a fault). Use
/// ``validated(birthName:firstNames:sex:birthDate:birthPlace:)`` to check typed input first.
public struct SearchTraits: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `NomNaissance`, as held locally (hyphens, apostrophes and double hyphens included).
    public var birthName: String
    /// All first names, in order; the first one is the "first first name".
    public var firstNames: [String]
    /// `Sexe`: compared exactly by INSi (`Sex` is INSiCore's, hence `import INSiCore` in callers).
    public var sex: Sex
    /// `YYYY-MM-DD`; `00` for an unknown month or day.
    public var birthDate: String
    /// The COG of the birth place (INSEE code, `99xxx` abroad), when known.
    public var birthPlace: String?

    /// Traits sent exactly as given: for input typed by a person, prefer
    /// ``validated(birthName:firstNames:sex:birthDate:birthPlace:)``, which reports a mistake before
    /// any call.
    public init(birthName: String, firstNames: [String], sex: Sex, birthDate: String, birthPlace: String? = nil) {
        self.birthName = birthName
        self.firstNames = firstNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
    }

    /// Traits checked the way INSi checks them, so that a typing mistake is reported before any
    /// call. `firstNames` may hold several names separated by spaces; a comma is refused (INSi
    /// would take `CATARINA,BELLA` as one first name and answer 01).
    public static func validated(
        birthName: String, firstNames: [String], sex: String, birthDate: String, birthPlace: String?
    ) throws(SearchInputError) -> SearchTraits {
        if let listed = firstNames.first(where: { $0.contains(",") }) {
            let spaced = listed.split(whereSeparator: { $0 == "," || $0 == " " }).joined(separator: " ")
            throw .invalid(.firstName, listed, "first names are separated by spaces, not commas: \"\(spaced)\"")
        }
        let query = try TraitsQuery.validate(
            birthName: birthName, firstNames: firstNames, sex: sex, birthDate: birthDate, birthPlace: birthPlace)
        return SearchTraits(birthName: query.birthName.uppercased(), firstNames: query.firstNames.map { $0.uppercased() },
                            sex: query.sex, birthDate: query.birthDate.text, birthPlace: query.birthPlace?.code)
    }

    /// "NAME FIRST NAMES sex date [COG]", for trails.
    public var description: String {
        var text = "\(birthName) / \(firstNames.joined(separator: " ")) / \(sex.rawValue) / \(birthDate)"
        if let birthPlace { text += " / \(birthPlace)" }
        return text
    }

    /// The body of the request: one `Prenom` element per first name (the contract allows both
    /// forms; one per name keeps a first name that holds a space whole).
    var wireRequest: TraitsSearchRequest {
        TraitsSearchRequest(birthName: birthName, firstNames: firstNames, sex: sex.rawValue, birthDate: birthDate,
                            birthPlace: birthPlace)
    }

    var expected: ExpectedTraits {
        ExpectedTraits(birthName: birthName, firstNames: firstNames, sex: sex.rawValue, birthDate: birthDate,
                       birthPlace: birthPlace)
    }
}
