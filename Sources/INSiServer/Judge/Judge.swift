import Dispatch
import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging
import Synchronization

/// Judges the editor's calls: the per-call rules ran on the event loop (``CallChecks``); this
/// runs the rest on one serial worker, off the event loops: the contract's schemas, MessageID
/// reuse, the Vitale card's twins, and the sequence rules over each client's calls. The worker
/// then journals the call with all its findings.
///
/// Queries that read the journal run on the same worker (``whenSettled(_:)``), so that a call
/// answered before a query is always journaled, and judged, when the query reads.
public final class Judge: Sendable {
    /// One answered call waiting for the worker.
    struct Job: Sendable {
        /// The call; its body (``CallRecord/requestBody``) is what the sequence rules read.
        var record: CallRecord
        /// The request's bytes, for the schemas: empty when it could not be read or when the
        /// budget of validations was spent (``wantsContractCheck(at:)``).
        var body: [UInt8]
        /// Set for a call whose answer was delayed (``started(_:)``).
        var token: UInt64?
    }

    private enum Work: Sendable {
        case call(Job)
        case started(token: UInt64, record: CallRecord)
    }

    /// The worker's state: what it knows of the clients and the recent MessageIDs.
    private struct State {
        var registry: ClientRegistry
        var messageIDs: RecentSet
    }

    private struct Queue {
        var work: [Work] = []
        var scheduled = false
    }

    public let configuration: JudgeConfiguration
    let journal: Journal
    let store: BaseStore
    let validator: ContractValidator?
    let clock: any WallClock
    let logger: Logger
    private let queue = DispatchQueue(label: "insi-sim.judge")
    /// How long handed-over calls wait for the worker, at most, when it is idle.
    static let batchMilliseconds = 5
    // The calls handed over by the event loops and whether the worker is already on its way.
    private let pending = Mutex(Queue())
    // What the worker knows; taken by the worker and by queries that run on it.
    private let state: Mutex<State>
    private let tokens = Atomic<UInt64>(0)
    // Calls journaled without the worker: its queue was full (the call budget counts its own).
    private let dropped = Atomic<Int>(0)
    private let contractBudget: RateBudget
    private let callBudget: RateBudget

    init(configuration: JudgeConfiguration, journal: Journal, store: BaseStore, validator: ContractValidator?,
         clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.journal = journal
        self.store = store
        self.validator = validator
        self.clock = clock
        self.logger = logger
        contractBudget = RateBudget(perSecond: Int(configuration.contractChecksPerSecond))
        callBudget = RateBudget(perSecond: configuration.judgedCallsPerSecond)
        state = Mutex(State(registry: ClientRegistry(configuration: configuration), messageIDs: RecentSet(capacity: configuration.messageIDs)))
    }

    /// Calls not judged: over the budget of judged calls per second (no finding at all), or the
    /// worker's queue was full (per-call findings only).
    public var unjudgedCalls: Int { dropped.load(ordering: .relaxed) + callBudget.refused }
    /// Calls not validated against the schemas because the budget per second was spent.
    public var contractChecksSkipped: Int { contractBudget.refused }

    /// Whether a call made at `time` is judged: at most ``JudgeConfiguration/judgedCallsPerSecond``
    /// a second. Beyond (a load test), the call is answered and journaled as with `--findings off`:
    /// the judge's cost per second is bounded whatever the load. Asked by the endpoint, first.
    func admits(at time: Double) -> Bool {
        callBudget.take(at: time)
    }

    /// Hands an answered call over; journals it at once, unjudged, when the worker is too far behind.
    func submit(_ job: Job) {
        guard enqueue(.call(job)) else {
            dropped.add(1, ordering: .relaxed)
            journal.record(job.record)
            return
        }
    }

    /// Whether a call made at `time` is validated against the schemas: at most
    /// ``JudgeConfiguration/contractChecksPerSecond`` a second. Asked on the event loop, so that
    /// the request's bytes go to the worker only when they will be read there.
    func wantsContractCheck(at time: Double) -> Bool {
        validator != nil && contractBudget.take(at: time)
    }

    /// Notes a call whose answer is delayed: a call for the same person meanwhile is a retry
    /// after a timeout. Returns the token to submit the call with.
    func started(_ record: CallRecord) -> UInt64 {
        let token = tokens.add(1, ordering: .relaxed).newValue
        _ = enqueue(.started(token: token, record: record))
        return token
    }

    /// Runs `body` on the worker once every call handed over before is judged and journaled.
    func whenSettled(_ body: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            drain()
            body()
        }
    }

    /// Waits until every call handed over is journaled (shutdown, tests).
    public func flush() {
        queue.sync { drain() }
    }

    /// The clients seen, with their counts, as of now (lookups idle too long are ended first).
    func clients() -> [ClientSummary] {
        let now = clock.now()
        let unjudged = unjudgedCalls
        return state.withLock { state in
            state.registry.unjudgedCalls = unjudged
            amend(state.registry.sweep(now: now))
            return state.registry.clients.values.sorted { $0.firstSeen < $1.firstSeen }.map(ClientSummary.init)
        }
    }

    /// Ends the lookups idle too long, so that what they lacked shows.
    func sweep() {
        let now = clock.now()
        let unjudged = unjudgedCalls
        state.withLock { state in
            state.registry.unjudgedCalls = unjudged
            amend(state.registry.sweep(now: now))
        }
    }

    /// Forgets every client (with `DELETE /admin/journal`).
    func clear() {
        state.withLock { state in
            state.registry.clear()
            state.messageIDs = RecentSet(capacity: configuration.messageIDs)
        }
    }

    // MARK: Worker

    private func enqueue(_ work: Work) -> Bool {
        let schedule: Bool? = pending.withLock { pending in
            guard pending.work.count < configuration.maxPendingCalls else { return nil }
            pending.work.append(work)
            if pending.scheduled { return false }
            pending.scheduled = true
            return true
        }
        guard let schedule else { return false }
        // A few milliseconds late on purpose: the calls of that time are judged in one batch,
        // instead of waking the worker (a futex and a context switch) for every call.
        if schedule { queue.asyncAfter(deadline: .now() + .milliseconds(Self.batchMilliseconds)) { [self] in drain() } }
        return true
    }

    /// Judges everything handed over so far, in order. Runs on the queue.
    private func drain() {
        while true {
            let batch: [Work] = pending.withLock { pending in
                let work = pending.work
                pending.work.removeAll(keepingCapacity: true)
                if work.isEmpty { pending.scheduled = false }
                return work
            }
            if batch.isEmpty { return }
            // Consumed from the end, after an in-place reversal: each call is moved out, never copied.
            var remaining = batch
            remaining.reverse()
            state.withLock { state in
                while let work = remaining.popLast() { process(work, &state) }
            }
        }
    }

    private func process(_ work: consuming Work, _ state: inout State) {
        // Lookups that saw calls go unjudged expect nothing at their end: a missing retry may
        // have been one of those calls.
        state.registry.unjudgedCalls = unjudgedCalls
        switch consume work {
        case .started(let token, let record):
            let identity = record.client ?? .software(idam: nil, instance: nil, emitter: nil)
            amend(state.registry.started(token: token, client: identity, body: record.requestBody, time: record.time))
        case .call(var job):
            let body = job.record.requestBody
            if job.record.operation != nil {
                let found = workerChecks(job, body, &state)
                if !found.isEmpty { job.record.findings += found }
            }
            let late = state.registry.judge(&job.record, body: body, token: job.token) { record in
                journal.record(record)
            }
            amend(late)
        }
    }

    /// The per-call rules that need the schemas, the base or the past MessageIDs.
    private func workerChecks(_ job: Job, _ body: INSiRequest.Body?, _ state: inout State) -> [Finding] {
        var findings: [Finding] = []
        if let validator, !job.body.isEmpty {
            let report = validator.validate(job.body)
            for problem in report.problems {
                findings.append(Finding(.contractSchema, CallRecord.capped(problem) ?? problem))
            }
            for (field, text) in report.rawNames {
                TraitChecks.surroundingSpaces(CallRecord.capped(text) ?? text, field: field, into: &findings)
            }
        }
        if let messageID = job.record.messageID, !messageID.isEmpty, let first = state.messageIDs.insert(messageID, time: job.record.time) {
            findings.append(Finding(.headerMessageIDReused, "\(messageID) was already sent \(ClientRegistry.seconds(job.record.time - first)) s before"))
        }
        if case .vitale(let vitale)? = body {
            twins(vitale, into: &findings)
        }
        return findings
    }

    /// A card with two beneficiaries born the same day needs the rank.
    private func twins(_ vitale: VitaleSearchRequest, into findings: inout [Finding]) {
        guard vitale.rank?.isEmpty ?? true, let number = vitale.ouvrantDroit?.number, let od = Matricule(number),
              let text = vitale.birthDate, let date = LunarDate(text) else { return }
        guard let card = store.withBase({ $0.card(ouvrantDroit: od) }) else { return }
        let born = card.beneficiaries.filter { $0.birthDate == date }
        if born.count > 1 {
            findings.append(Finding(.vitaleBeneficiary,
                                    "the card of \(number) has \(born.count) beneficiaries born \(text) (twins): send RangNaissance"))
        }
    }

    /// Adds findings that showed later to the calls they belong to.
    private func amend(_ late: [ClientRegistry.LateFinding]) {
        for finding in late {
            journal.amend(seq: finding.seq, adding: finding.finding)
            logger.debug("finding", metadata: ["call": "\(finding.seq)", "rule": "\(finding.finding.rule.rawValue)",
                                                "client": "\(finding.client.id)"])
        }
    }
}

/// A client as `GET /admin/clients` lists it.
struct ClientSummary: Encodable {
    var id: String
    var certificate: String?
    var idam: String?
    var instance: String?
    var emitter: String?
    var software: String?
    var firstSeen: Double
    var lastSeen: Double
    var calls: Int
    var lookups: Int
    var findings: [String: Int]
    var rules: [String: Int]

    init(_ client: ClientRegistry.Client) {
        id = client.identity.id
        switch client.identity {
        case .certificate(let subject): certificate = subject
        case .software(let idam, let instance, let emitter):
            self.idam = idam
            self.instance = instance
            self.emitter = emitter
        }
        software = client.software
        firstSeen = client.firstSeen
        lastSeen = client.lastSeen
        calls = client.calls
        lookups = client.lookupsStarted
        findings = Dictionary(uniqueKeysWithValues: CallRule.Severity.allCases.map { ($0.rawValue, client.bySeverity[$0] ?? 0) })
        rules = Dictionary(uniqueKeysWithValues: client.byRule.map { ($0.key.rawValue, $0.value) })
    }
}

/// The last `capacity` texts seen, with the time each was first seen: a bounded memory of
/// MessageIDs.
struct RecentSet {
    private var order: [String] = []
    private var next = 0
    private var times: [String: Double] = [:]
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Remembers `text`; returns when it was seen before, if it was.
    mutating func insert(_ text: String, time: Double) -> Double? {
        if let seen = times[text] { return seen }
        if order.count < capacity {
            order.append(text)
        } else {
            times[order[next]] = nil
            order[next] = text
            next = (next + 1) % capacity
        }
        times[text] = time
        return nil
    }
}
