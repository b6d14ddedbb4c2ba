import INSiSOAP

/// The parts of ``SimulatorState`` every call uses, held by the endpoint itself.
///
/// Why not reached through the state: a reference read from a field of the shared state object
/// was retained and released around its use (the compiler cannot tell the field is never
/// replaced), a write to the first cache line of the base's store, the judge, the journal and
/// the metrics from both event loops on every call. Read from a field of the endpoint, a value
/// its caller holds, it is used as it is.
struct CallState: Sendable {
    let store: BaseStore
    let scenarios: ScenarioStore
    let journal: Journal
    let metrics: SimulatorMetrics
    let judge: Judge?

    init(_ state: SimulatorState) {
        store = state.store
        scenarios = state.scenarios
        journal = state.journal
        metrics = state.metrics
        judge = state.judge
    }

    /// The scenario for this call, if any, taken at once (see `ScenarioStore.claim`). `counted`:
    /// its count went down, which ``SimulatorState/saveScenarioCount(id:then:)`` must make
    /// durable before the call is answered.
    func takeScenario(for request: INSiRequest) -> (scenario: Scenario, counted: Bool)? {
        guard !scenarios.isEmpty else { return nil }
        return scenarios.claim(for: request)
    }

    /// Counts the call and has it judged and journaled (journaled at once when nothing judges).
    /// - Parameters:
    ///   - body: the request's bytes, for the contract's schemas.
    ///   - token: the token of ``Judge/started(_:)`` for a call whose answer was delayed.
    func record(_ call: CallRecord, body: [UInt8], token: UInt64?) {
        metrics.record(call)
        // A call the judge admitted names its client (``Judge/admits(at:)``, asked by the endpoint).
        if let judge, call.client != nil {
            let validated = call.operation != nil && judge.wantsContractCheck(at: call.time)
            judge.submit(Judge.Job(record: call, body: validated ? body : [], token: token))
        } else {
            journal.record(call)
        }
    }
}
