/// How calls are judged (``Judge``), nested in ``SimulatorConfiguration``. Every bound keeps the
/// judge's memory fixed, whatever the number of calls.
public struct JudgeConfiguration: Sendable {
    /// Off: calls are answered and journaled without findings (`--findings off`).
    public var enabled = true
    /// Clients whose sequences are followed; past it the least recently seen is forgotten.
    public var maxClients = 256
    /// Recent calls kept per client, for the repeat rule.
    public var callsPerClient = 32
    /// MessageIDs remembered, all clients together, for the reuse rule.
    public var messageIDs = 16_384
    /// Schema validations per second at most: beyond it (a load test) calls are not validated,
    /// and counted; an editor's software never comes near.
    public var contractChecksPerSecond = 200.0
    /// Calls judged per second at most: beyond it (a load test) a call is answered and journaled
    /// as with the judge off; an editor's software never comes near. The judge's cost is bounded
    /// by it.
    public var judgedCallsPerSecond = 1_000
    /// A lookup with no call for this long is over: what it still lacked becomes a finding.
    public var lookupIdleSeconds = 30.0
    /// The same call again within this time is a retry storm.
    public var repeatSeconds = 2.0
    /// The pause expected after a siram_40 fault or a timeout.
    public var pauseSeconds = 5.0
    /// Calls one lookup should take at most.
    public var maxCallsPerLookup = 8
    /// Calls waiting for the worker; past it a call is journaled with its per-call findings only.
    public var maxPendingCalls = 10_000

    public init() {}
}
