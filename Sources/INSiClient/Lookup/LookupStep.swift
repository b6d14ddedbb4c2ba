/// One step of a ``LookupProcedure``. A step makes zero, one or several calls; it runs only in
/// its phase:
/// - *searching* steps run while every answer so far was 01 (or before any call);
/// - *narrowing* steps run once an answer was 02, from the last traits that answered 02.
///
/// No step sends traits already sent: such a call is skipped, not repeated.
public enum LookupStep: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Searching: the first first name alone (with each birth name form opened so far).
    case firstFirstName
    /// Searching, only for a birth name holding a hyphen or an apostrophe: the first first name
    /// with each variant of the birth name (``NameVariants``). From this step on, the searching
    /// steps try every name form: the name as held, then its variants.
    case birthNameVariants
    /// Searching: each first name after the first, alone.
    case eachOtherFirstName
    /// Searching: the complete first-name list.
    case completeFirstNameList
    /// Narrowing: the traits that answered 02 with the complete first-name list.
    case addOtherFirstNames
    /// Narrowing: the last traits that answered 02 (the list, if it still answered 02) with the
    /// birth place; skipped when the local identity has no birth place.
    case addBirthPlace

    /// The phase the step belongs to.
    public var isNarrowing: Bool {
        self == .addOtherFirstNames || self == .addBirthPlace
    }

    /// Short words for trails.
    public var description: String {
        switch self {
        case .firstFirstName: return "first first name"
        case .birthNameVariants: return "birth name variant"
        case .eachOtherFirstName: return "other first name"
        case .completeFirstNameList: return "first-name list"
        case .addOtherFirstNames: return "02: add first names"
        case .addBirthPlace: return "02: add birth place"
        }
    }
}
