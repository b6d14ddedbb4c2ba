/// The OID that says which kind of matricule an INS carries.
public enum INSOID: String, Sendable, CaseIterable, Codable {
    case nir = "1.2.250.1.213.1.4.8"
    case nia = "1.2.250.1.213.1.4.9"
    case nirTest = "1.2.250.1.213.1.4.10"
    case niaTest = "1.2.250.1.213.1.4.11"

    /// True for a waiting number (NIA) rather than a social security number (NIR).
    public var isNIA: Bool { self == .nia || self == .niaTest }
}
