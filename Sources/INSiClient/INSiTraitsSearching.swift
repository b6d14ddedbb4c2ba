/// What a ``LookupProcedure`` needs: one traits search. ``INSiClient`` is the real one; a test
/// or an integrator's own transport can stand in for it.
public protocol INSiTraitsSearching: Sendable {
    /// One `rechercherInsAvecTraitsIdentite` call sent with this MessageID.
    func searchByTraits(_ traits: SearchTraits, messageID: String) async throws(INSiClientError) -> INSiAnswer
}
