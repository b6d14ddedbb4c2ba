/// The `CR` of an answer: code and label, exactly as the real service writes them.
public enum INSiResultCode: String, Sendable, Codable, CaseIterable {
    case found = "00"
    case notFound = "01"
    case several = "02"

    /// `LibelleCR` as recorded (no diacritics).
    public var label: String {
        switch self {
        case .found: return "OK"
        case .notFound: return "Aucune identite trouvee"
        case .several: return "Plusieurs identites trouvees"
        }
    }
}
