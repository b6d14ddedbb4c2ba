import INSiSOAP

/// An INS the software already holds: the matricule and, when stored, its key and OID.
public struct HeldINS: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 13-character matricule (NIR or NIA).
    public var matricule: String
    /// The 2-digit key, when held; compared when given.
    public var key: String?
    /// The OID (`1.2.250.1.213.1.4.8` for a NIR...), when held; compared when given.
    public var oid: String?

    /// Give the key and the OID when they are stored: only what is given is compared.
    public init(matricule: String, key: String? = nil, oid: String? = nil) {
        self.matricule = matricule
        self.key = key
        self.oid = oid
    }

    /// `1810363220456 key 76 (OID …)`.
    public var description: String {
        var text = matricule
        if let key { text += " key \(key)" }
        if let oid { text += " (OID \(oid))" }
        return text
    }

    /// True when `returned` is this INS: the same matricule and, for what is held, the same key
    /// and OID.
    func isSame(as returned: WireINS) -> Bool {
        matricule.uppercased() == returned.matricule.uppercased()
            && (key == nil || key == returned.key)
            && (oid == nil || oid == returned.oid)
    }
}

/// A local identity that holds an INS: what ``INSiTraitsSearching/verify(held:procedure:)``
/// checks against INSi.
public struct HeldIdentity: Sendable, Hashable, Codable {
    /// The INS to confirm.
    public var ins: HeldINS
    /// The traits held with it: INSi's traits, when the INS was stored as the rules say.
    public var traits: SearchTraits

    /// The INS and the traits as the software stores them: both are compared with INSi's.
    public init(ins: HeldINS, traits: SearchTraits) {
        self.ins = ins
        self.traits = traits
    }
}
