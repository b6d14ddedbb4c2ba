import Foundation
import INSiCore
import INSiSOAP
import Logging
import Synchronization

/// Everything the simulator holds while it runs: the base, the scenarios, the journal and the
/// metrics, and the change log that makes run-time changes durable.
///
/// Every change goes through one lock: checked against the current state, written to the log
/// (fsync) and only then applied, so the log's order is the order of the changes and nothing
/// acknowledged is missing from it. The server makes its changes on ``changeQueue``, never on
/// an event loop: an fsync or a compaction (which scans the whole base) takes milliseconds to
/// seconds, and a loop serves every connection it owns.
public final class SimulatorState: Sendable {
    /// Observation points for tests (a compaction held open, say). Nothing by default.
    struct Hooks: Sendable {
        /// Called on the change queue when a compaction starts.
        var compactionStarted: @Sendable () -> Void = {}
    }

    public let store: BaseStore
    public let scenarios: ScenarioStore
    public let journal: Journal
    public let metrics: SimulatorMetrics
    /// Judges calls and journals them; nil with `--findings off` (calls are then journaled at once).
    public let judge: Judge?
    /// The base as loaded at start-up, for `POST /admin/reset`.
    let seed: ReferenceBase
    /// The scenarios of `--scenarios`, for reset.
    let seedScenarios: [Scenario]
    /// The documents and built-in sets scenarios name.
    public let scenarioFiles: ScenarioFiles
    let log: ChangeLog?
    let logger: Logger
    /// Compact the change log past this many records.
    let compactionThreshold: Int
    // Serialises changes: check, log, apply happen as one step for each change.
    private let changeLock = Mutex(())
    /// Where the server runs admin requests and scenario-count bookkeeping: one at a time, off
    /// the event loops. Serial, so that a change never waits for the lock on a loop's thread
    /// and no copy of the base is held while another change mutates it.
    public let changeQueue = DispatchQueue(label: "insi-sim.changes")
    let hooks: Hooks

    /// - Parameters:
    ///   - judging: how calls are judged; nil (or not enabled): they are not.
    ///   - contract: the schemas calls are validated against, when judged.
    ///   - clock: the time the judge ends idle lookups by.
    public convenience init(seed: ReferenceBase, scenarios seedScenarios: [Scenario], journal: Journal, dataDirectory: URL?,
                logger: Logger, compactionThreshold: Int = 10_000, scenarioFiles: ScenarioFiles? = nil,
                judging: JudgeConfiguration? = nil, contract: ContractValidator? = nil, clock: any WallClock = SystemWallClock()) throws {
        try self.init(seed: seed, scenarios: seedScenarios, journal: journal, dataDirectory: dataDirectory, logger: logger,
                      compactionThreshold: compactionThreshold, scenarioFiles: scenarioFiles, hooks: Hooks(),
                      judging: judging, contract: contract, clock: clock)
    }

    init(seed: ReferenceBase, scenarios seedScenarios: [Scenario], journal: Journal, dataDirectory: URL?,
         logger: Logger, compactionThreshold: Int, scenarioFiles: ScenarioFiles?, hooks: Hooks,
         judging: JudgeConfiguration? = nil, contract: ContractValidator? = nil, clock: any WallClock = SystemWallClock()) throws {
        self.hooks = hooks
        self.seed = seed
        self.seedScenarios = seedScenarios
        self.scenarioFiles = scenarioFiles ?? ScenarioFiles(resources: nil, dataDirectory: dataDirectory)
        self.journal = journal
        self.logger = logger
        self.compactionThreshold = compactionThreshold
        store = BaseStore(seed)
        scenarios = ScenarioStore()
        metrics = SimulatorMetrics()
        if let judging, judging.enabled {
            judge = Judge(configuration: judging, journal: journal, store: store, validator: contract, clock: clock, logger: logger)
        } else {
            judge = nil
        }
        for scenario in seedScenarios { scenarios.put(scenario) }
        guard let dataDirectory else {
            log = nil
            return
        }
        let log = try ChangeLog(directory: dataDirectory)
        self.log = log
        let recovery = log.recovered
        for warning in recovery.warnings { logger.warning("data directory: \(warning)") }
        var replayed = 0
        for record in recovery.snapshotRecords + recovery.changeRecords {
            // The record passed its checksum, so the disk gave back what was written: a record that
            // still cannot be used is a bug or a hand edit, and skipping it would silently change
            // the base. Refuse to start, as for any other damage, naming the place.
            let change: StateChange
            do {
                change = try JSONDecoder().decode(StateChange.self, from: record.payload)
            } catch {
                throw ChangeLogError.corruptFile(path: record.path, offset: record.offset,
                                                 reason: "the record cannot be read as a change (\(Self.words(DecodingErrorText(error))))")
            }
            do {
                try apply(change)
                replayed += 1
            } catch {
                throw ChangeLogError.corruptFile(path: record.path, offset: record.offset,
                                                 reason: "the change cannot be replayed (\(error))")
            }
        }
        if replayed > 0 {
            logger.info("data directory \(dataDirectory.path): \(replayed) changes replayed over the seed")
        }
    }

    private static func words(_ text: DecodingErrorText) -> String {
        text.field.isEmpty ? text.reason : "\(text.field) \(text.reason)"
    }

    // MARK: Calls

    /// On the change queue: writes the current count of scenario `id` to the log (or its removal,
    /// once its last application is used), then calls `done` there. Writing the current state,
    /// not the count one call saw, keeps the log right whatever order concurrent calls arrive in
    /// and whatever the admin API changed meanwhile.
    func saveScenarioCount(id: String, then done: @escaping @Sendable () -> Void) {
        changeQueue.async { [self] in
            changeLock.withLock { _ in
                let change: StateChange = scenarios.get(id).map { .putScenario($0) } ?? .deleteScenario(id: id)
                do {
                    try persist(change)
                } catch {
                    // The call is answered as the scenario says; only its count could not be saved.
                    logger.warning("scenario count not saved", metadata: ["scenario": "\(id)", "error": "\(error)"])
                }
                compactIfNeeded()
            }
            done()
        }
    }

    /// The journal's calls once every call answered so far is judged and journaled (the judge
    /// journals on its worker): for tests and tools in the same process. Waits for the worker.
    public func settledCalls(_ filter: Journal.Filter = Journal.Filter()) -> (total: Int, calls: [CallRecord]) {
        judge?.flush()
        return journal.calls(filter)
    }

    // MARK: Changes (admin API)

    /// Adds an identity: validated like a seed record; a duplicate active matricule is a conflict.
    public func addIdentity(_ record: IdentityRecord) throws(AdminError) -> Identity {
        let identity = try Self.validated(record)
        return try changeLock.withLock { (_: inout ()) throws(AdminError) -> Identity in
            if let existing = store.identity(matricule: identity.ins.matricule) {
                throw .conflict("matricule \(identity.ins.matricule) is already the active INS of \(existing.traits.displayName)")
            }
            try persistOrFail(.putIdentity(replacing: nil, record: IdentityRecord(identity)))
            try applyLogged(.putIdentity(replacing: nil, record: IdentityRecord(identity)))
            compactIfNeeded()
            logChange("identity added", ["matricule": "\(identity.ins.matricule)", "birthName": "\(identity.traits.birthName)"])
            return identity
        }
    }

    /// Replaces the identity whose active matricule is `matricule`.
    public func replaceIdentity(matricule text: String, with record: IdentityRecord) throws(AdminError) -> Identity {
        guard let matricule = Matricule(text) else { throw .notFound("no identity has the active matricule \(text)") }
        let identity = try Self.validated(record)
        return try changeLock.withLock { (_: inout ()) throws(AdminError) -> Identity in
            guard store.identity(matricule: matricule) != nil else { throw .notFound("no identity has the active matricule \(text)") }
            if identity.ins.matricule != matricule, let other = store.identity(matricule: identity.ins.matricule) {
                throw .conflict("matricule \(identity.ins.matricule) is already the active INS of \(other.traits.displayName)")
            }
            try persistOrFail(.putIdentity(replacing: matricule.value, record: IdentityRecord(identity)))
            try applyLogged(.putIdentity(replacing: matricule.value, record: IdentityRecord(identity)))
            compactIfNeeded()
            logChange("identity replaced", ["matricule": "\(matricule)", "newMatricule": "\(identity.ins.matricule)",
                                            "birthName": "\(identity.traits.birthName)"])
            return identity
        }
    }

    public func deleteIdentity(matricule text: String) throws(AdminError) {
        try changeLock.withLock { (_: inout ()) throws(AdminError) in
            guard let matricule = Matricule(text), store.identity(matricule: matricule) != nil else {
                throw .notFound("no identity has the active matricule \(text)")
            }
            try persistOrFail(.deleteIdentity(matricule: matricule.value))
            _ = store.withBase { $0.remove(matricule: matricule) }
            compactIfNeeded()
            logChange("identity deleted", ["matricule": "\(matricule)"])
        }
    }

    /// Adds or replaces (same id) a scenario.
    public func putScenario(_ scenario: Scenario) throws(AdminError) -> Scenario {
        try putScenarios([scenario], position: { _ in "" })[0]
    }

    /// Adds (or replaces, same ids) every scenario of the built-in set `name` (`cnda`...).
    public func putScenarioSet(_ name: String) throws(AdminError) -> [Scenario] {
        guard let url = scenarioFiles.set(named: name) else {
            let known = scenarioFiles.setNames
            throw .notFound("no scenario set named '\(name)'; sets: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        let list: [Scenario]
        do throws(ScenarioListError) {
            list = try ScenarioList.read(url)
        } catch {
            throw .invalid(field: "set", reason: error.description)
        }
        return try putScenarios(list) { "\(name) scenario \($0 + 1), " }
    }

    /// Checks every scenario, then logs and applies them all; one invalid scenario adds none.
    private func putScenarios(_ list: [Scenario], position: (Int) -> String) throws(AdminError) -> [Scenario] {
        try changeLock.withLock { (_: inout ()) throws(AdminError) -> [Scenario] in
            // Checked under the lock: a 00 scenario's identity cannot be deleted in between.
            var checked: [Scenario] = []
            for (index, scenario) in list.enumerated() {
                do throws(ScenarioError) {
                    checked.append(try scenario.validated(identityExists: { store.identity(matricule: $0) != nil }, files: scenarioFiles))
                } catch {
                    throw .invalid(field: position(index) + error.field, reason: error.reason)
                }
            }
            var stored: [Scenario] = []
            for var named in checked {
                // The id is chosen before the change is logged, so that the replay gives the same one.
                if named.id == nil || named.id?.isEmpty == true { named.id = scenarios.newID() }
                try persistOrFail(.putScenario(named))
                stored.append(scenarios.put(named))
            }
            compactIfNeeded()
            for scenario in stored { logChange("scenario set", ["scenario": "\(scenario.id ?? "-")"]) }
            return stored
        }
    }

    public func deleteScenario(id: String) throws(AdminError) {
        try changeLock.withLock { (_: inout ()) throws(AdminError) in
            guard scenarios.get(id) != nil else { throw .notFound("no scenario has the id \(id)") }
            try persistOrFail(.deleteScenario(id: id))
            scenarios.delete(id)
            compactIfNeeded()
            logChange("scenario deleted", ["scenario": "\(id)"])
        }
    }

    public func clearScenarios() throws(AdminError) {
        try changeLock.withLock { (_: inout ()) throws(AdminError) in
            try persistOrFail(.clearScenarios)
            scenarios.clear()
            compactIfNeeded()
            logChange("scenarios cleared", [:])
        }
    }

    /// Back to the seed base and the start-up scenarios; the log is compacted to nothing.
    public func reset() throws(AdminError) {
        try changeLock.withLock { (_: inout ()) throws(AdminError) in
            if let log {
                do { try log.compact(state: []) } catch { throw .storage("\(error)") }
            }
            try applyLogged(.reset)
            logChange("reset to the seed", ["identities": "\(store.count)", "scenarios": "\(scenarios.all.count)"])
        }
    }

    // MARK: Inside

    /// Applies a change already in the log. The checks before logging make a failure here
    /// impossible; should one happen anyway, memory and log disagree until a restart replays
    /// the log, and the caller is told so instead of being told it worked.
    private func applyLogged(_ change: StateChange) throws(AdminError) {
        do {
            try apply(change)
        } catch {
            logger.critical("a change in the log could not be applied in memory", metadata: ["error": "\(error)"])
            throw .storage("the change is in the log but could not be applied (\(error)); restart the server to replay the log")
        }
    }

    /// Run-time changes are logged at info, like calls: who changed the base shows in the log.
    private func logChange(_ change: String, _ metadata: Logger.Metadata) {
        logger.info("admin: \(change)", metadata: metadata)
    }

    private static func validated(_ record: IdentityRecord) throws(AdminError) -> Identity {
        do {
            return try record.validated()
        } catch {
            throw .invalid(field: error.field, reason: error.reason)
        }
    }

    private func persistOrFail(_ change: StateChange) throws(AdminError) {
        do {
            try persist(change)
        } catch ChangeLogError.logUnusable {
            // A failed fsync made the log refuse appends until it is rewritten: memory holds
            // exactly what was acknowledged, so a compaction from it puts the log right again.
            do {
                try log?.compact(state: snapshot().map { try JSONEncoder().encode($0) })
                try persist(change)
            } catch {
                throw .storage("\(error)")
            }
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Appends to the log (when there is one). The caller applies the change next, then calls
    /// `compactIfNeeded`: a snapshot must include every change already appended.
    private func persist(_ change: StateChange) throws {
        guard let log else { return }
        try log.append(try JSONEncoder().encode(change))
    }

    /// Past the threshold, replaces the log by a snapshot of the current state (under the change lock).
    private func compactIfNeeded() {
        guard let log, log.logRecords >= compactionThreshold else { return }
        hooks.compactionStarted()
        do {
            try log.compact(state: snapshot().map { try JSONEncoder().encode($0) })
        } catch {
            logger.warning("data directory: compaction failed, the log keeps growing: \(error)")
        }
    }

    /// The current state as changes over the seed.
    private func snapshot() -> [StateChange] {
        var changes: [StateChange] = [.reset]
        // A copy-on-write copy taken under the lock and read outside it: listing a million
        // identities must not hold up the searches of every event loop.
        let base = store.withBase { $0 }
        let current = base.identities
        let currentByMatricule = Dictionary(current.map { ($0.ins.matricule, $0) }, uniquingKeysWith: { first, _ in first })
        for original in seed.identities where currentByMatricule[original.ins.matricule] == nil {
            changes.append(.deleteIdentity(matricule: original.ins.matricule.value))
        }
        for identity in current {
            let original = seed.identity(matricule: identity.ins.matricule)
            guard original != identity else { continue }
            changes.append(.putIdentity(replacing: original != nil ? identity.ins.matricule.value : nil, record: IdentityRecord(identity)))
        }
        let active = scenarios.all
        if active != seedScenarios {
            changes.append(.clearScenarios)
            changes += active.map { .putScenario($0) }
        }
        return changes
    }

    /// Applies a change without logging it (replay, reset).
    private func apply(_ change: StateChange) throws {
        switch change {
        case .putIdentity(let replacing, let record):
            let identity = try record.validated()
            if let replacing, let matricule = Matricule(replacing) {
                try store.withBase { (base: inout ReferenceBase) throws(BaseError) in try base.replace(matricule: matricule, with: identity) }
            } else {
                try store.withBase { (base: inout ReferenceBase) throws(BaseError) in try base.insert(identity) }
            }
        case .deleteIdentity(let text):
            if let matricule = Matricule(text) { _ = store.withBase { $0.remove(matricule: matricule) } }
        case .putScenario(let scenario):
            // A document is read again from its file: the log keeps its name, not its bytes.
            scenarios.put(try scenario.validated(identityExists: { _ in true }, files: scenarioFiles))
        case .deleteScenario(let id):
            scenarios.delete(id)
        case .clearScenarios:
            scenarios.clear()
        case .reset:
            store.replace(with: seed)
            scenarios.clear()
            for scenario in seedScenarios { scenarios.put(scenario) }
        }
    }
}
