/// The `Sexe` trait.
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    case male = "M"
    case female = "F"
    /// Indeterminate: accepted by the contract, rare in practice.
    case indeterminate = "I"

    /// Parses `M`, `F` or `I`, case-insensitively.
    public init?(wire: String) {
        if let exact = Sex(rawValue: wire) { self = exact; return }
        self.init(rawValue: wire.uppercased())
    }
}
