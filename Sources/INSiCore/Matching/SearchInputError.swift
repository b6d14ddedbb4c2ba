/// A search request that cannot be evaluated: a trait is missing or malformed.
///
/// This is not a "not found" (01): INSi refuses such a request, and the simulator answers a
/// SOAP fault naming the field.
public struct SearchInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request field, by its wire name.
    public enum Field: String, Sendable, CaseIterable {
        case birthName = "NomNaissance"
        case firstName = "Prenom"
        case sex = "Sexe"
        case birthDate = "DateNaissance"
        case birthPlace = "LieuNaissance"
        case ouvrantDroit = "MatriculeOD"
        case ouvrantDroitKey = "MatriculeOD/Cle"
        case beneficiaryMatricule = "MatriculeIndividu"
        case beneficiaryKey = "MatriculeIndividu/Cle"
        case birthRank = "RangNaissance"
    }

    public enum Problem: Sendable, Equatable {
        case missing
        case invalid(value: String, reason: String)
    }

    public let field: Field
    public let problem: Problem

    public init(_ field: Field, _ problem: Problem) {
        self.field = field
        self.problem = problem
    }

    public static func missing(_ field: Field) -> SearchInputError { SearchInputError(field, .missing) }

    public static func invalid(_ field: Field, _ value: String, _ reason: String) -> SearchInputError {
        SearchInputError(field, .invalid(value: value, reason: reason))
    }

    public var description: String {
        switch problem {
        case .missing:
            return "\(field.rawValue) is missing"
        case .invalid(let value, let reason):
            return "\(field.rawValue) '\(value)' is invalid: \(reason)"
        }
    }
}
