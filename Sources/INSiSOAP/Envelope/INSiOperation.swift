/// The two operations of the INSi contract.
public enum INSiOperation: String, Sendable, CaseIterable, Codable {
    /// `rechercherInsAvecTraitsIdentite`: search by identity traits.
    case traitsSearch = "rechercherInsAvecTraitsIdentite"
    /// `rechercherInsAvecCarteVitale`: search with the data of a Vitale card.
    case vitaleSearch = "rechercherInsAvecCarteVitale"

    /// The SOAP 1.2 action (Content-Type `action` parameter and `wsa:Action`).
    public var action: String {
        // Literals, not built from rawValue: every call compares its actions with these.
        switch self {
        case .traitsSearch: return "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
        case .vitaleSearch: return "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale"
        }
    }

    /// The body element of the request.
    public var bodyElement: (namespace: String, name: String) {
        switch self {
        case .traitsSearch: return (INSiNamespace.recSans, "RECSANSVITALE")
        case .vitaleSearch: return (INSiNamespace.recVit, "RECVITALE")
        }
    }

    /// The operation of an action URN, if it is one of the contract's.
    public init?(action: String) {
        guard let operation = INSiOperation.allCases.first(where: { $0.action == action }) else { return nil }
        self = operation
    }

    /// The operation of a body element.
    public init?(bodyNamespace: String, name: String) {
        guard let operation = INSiOperation.allCases.first(where: { $0.bodyElement == (bodyNamespace, name) }) else { return nil }
        self = operation
    }
}
