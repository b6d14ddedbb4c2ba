import INSiCore

/// A change made at run time, as written to the change log (`--data-dir`) and replayed at start.
enum StateChange: Codable, Sendable, Equatable {
    /// Add an identity, or replace the one whose active matricule is `replacing`.
    case putIdentity(replacing: String?, record: IdentityRecord)
    case deleteIdentity(matricule: String)
    case putScenario(Scenario)
    case deleteScenario(id: String)
    case clearScenarios
    /// Back to the seed base and the start-up scenarios.
    case reset
}
