/// The status of a local identity in the INS reference (the national identity-vigilance
/// reference, RNIV), from the two facts that make it: an INS obtained from INSi (or verified
/// through it) and the identity checked against a high-trust identity document.
///
/// |                         | no INS        | INS from INSi  |
/// |-------------------------|---------------|----------------|
/// | no document checked     | `provisional` | `retrieved`    |
/// | high-trust document     | `validated`   | `qualified`    |
///
/// Only a ``qualified`` identity's INS may be used to reference and share health data.
public enum IdentityStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// *Provisoire*: no INS, no document checked.
    case provisional
    /// *Récupérée*: an INS from INSi, the identity not yet compared with a high-trust document.
    case retrieved
    /// *Validée*: checked against a high-trust document, no INS (none found, or not usable).
    case validated
    /// *Qualifiée*: an INS from INSi and a high-trust document checked.
    case qualified

    /// The status made of these two facts.
    public init(hasINS: Bool, document: HighTrustDocument) {
        switch (hasINS, document) {
        case (false, .notChecked): self = .provisional
        case (true, .notChecked): self = .retrieved
        case (false, .checked): self = .validated
        case (true, .checked): self = .qualified
        }
    }

    /// The name the INS reference gives it.
    public var frenchName: String {
        switch self {
        case .provisional: return "provisoire"
        case .retrieved: return "récupérée"
        case .validated: return "validée"
        case .qualified: return "qualifiée"
        }
    }

    /// True when the identity holds an INS obtained from INSi.
    public var hasINS: Bool { self == .retrieved || self == .qualified }

    /// True when the identity was checked against a high-trust document.
    public var documentChecked: Bool { self == .validated || self == .qualified }

    /// True only for a qualified identity: its INS may reference and share health data.
    public var maySendINS: Bool { self == .qualified }

    /// `récupérée (retrieved)`.
    public var description: String { "\(frenchName) (\(rawValue))" }
}

/// Whether the person's identity was checked against a high-trust identity document (passport,
/// national identity card, residence permit, or what the reference accepts in its place). The
/// caller says it: the library never assumes it, and without it no identity is qualified.
public enum HighTrustDocument: String, Sendable, Hashable, Codable, CaseIterable {
    /// The person showed a high-trust document and the identity was compared with it: a usable
    /// INS then makes it qualified.
    case checked
    /// Not checked, or not known to be: the safe default, since only the caller can vouch for it.
    case notChecked
}
