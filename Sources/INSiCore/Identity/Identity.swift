/// A person of the reference base: the active INS, its history and the reference traits.
public struct Identity: Hashable, Sendable {
    /// `INSACTIF`.
    public var ins: INS
    /// `INSHISTO`, in the order they are answered.
    public var history: [INS]
    /// `TIQ`.
    public var traits: IdentityTraits
    /// False when the record opted out of the key rule (to reproduce a CNDA case with wrong keys).
    public var keyCheck: Bool
    /// Free text from the seed, for people reading the base.
    public var note: String?

    public init(ins: INS, history: [INS] = [], traits: IdentityTraits, keyCheck: Bool = true, note: String? = nil) {
        self.ins = ins
        self.history = history
        self.traits = traits
        self.keyCheck = keyCheck
        self.note = note
    }
}
