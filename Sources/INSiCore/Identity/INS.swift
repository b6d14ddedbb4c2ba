/// One INS: a matricule with its key and OID, and optionally the period it was valid
/// (the `INSACTIF` and `INSHISTO` elements of an answer).
public struct INS: Hashable, Sendable {
    public var matricule: Matricule
    /// Two digits, as stored in the base: not always the computed key (CNDA case 2.08).
    public var key: String
    public var oid: INSOID
    /// `DateDeb`: a full date (never lunar).
    public var dateStart: LunarDate?
    /// `DateFin`: a full date (never lunar).
    public var dateEnd: LunarDate?

    public init(matricule: Matricule, key: String, oid: INSOID, dateStart: LunarDate? = nil, dateEnd: LunarDate? = nil) {
        self.matricule = matricule
        self.key = key
        self.oid = oid
        self.dateStart = dateStart
        self.dateEnd = dateEnd
    }

    /// True when the stored key follows the key rule.
    public var hasValidKey: Bool { matricule.isValidKey(key) }
}
