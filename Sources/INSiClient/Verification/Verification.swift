import INSiSOAP

extension INSiTraitsSearching {
    /// Verifies an INS already held: INSi's verification operation has no public contract, so
    /// this runs the traits search the way a lookup does (`procedure`, the ANS one by default)
    /// with the held traits, then compares what INSi returns with what is held: the INS
    /// (matricule, and key and OID when held) and every trait.
    ///
    /// OK when INSi returns the held INS with the held traits and an INS that may be used; KO
    /// otherwise, with every reason (01, 02, another INS, other traits, an unusable answer): the
    /// identity then goes to the work list (``VerificationResult/assessment(document:)``).
    public func verify(held: HeldIdentity, procedure: LookupProcedure = .ans) async -> VerificationResult {
        let search = await procedure.run(for: held.traits, using: self)
        let outcome: VerificationOutcome
        switch search.outcome {
        case .found(let identity):
            let reasons = Self.reasons(held: held, returned: identity)
            outcome = reasons.isEmpty ? .ok(identity) : .ko(reasons, returned: identity)
        case .notFound:
            outcome = .ko([.notFound], returned: nil)
        case .several:
            outcome = .ko([.several], returned: nil)
        case .failed(let error):
            outcome = .failed(error)
        }
        return VerificationResult(held: held, outcome: outcome, search: search)
    }

    private static func reasons(held: HeldIdentity, returned identity: INSiIdentity) -> [VerificationReason] {
        var reasons: [VerificationReason] = []
        if !held.ins.isSame(as: identity.active) {
            let inHistory = identity.history.contains { held.ins.isSame(as: $0) }
            reasons.append(.differentINS(held: held.ins, returned: identity.active, heldInHistory: inHistory))
        }
        // The lookup compared every trait with the held ones.
        for case .traitsDiffer(let differences) in identity.warnings {
            reasons.append(.differentTraits(differences))
        }
        let unusable = identity.warnings.filter(\.makesINSUnusable)
        if !unusable.isEmpty { reasons.append(.unusableAnswer(unusable)) }
        return reasons
    }
}
