import Foundation
import Synchronization

/// Counters exposed at `GET /metrics` in the Prometheus text format.
public final class SimulatorMetrics: Sendable {
    struct CallKey: Hashable {
        var operation: String
        var code: String
    }

    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct State {
        /// Calls by operation and code: a handful of pairs (the operations times the codes a
        /// call ends with), looked for in order. A dictionary hashed both strings of every call
        /// (about 600 instructions); compared, they are mostly the very strings of the call
        /// before (the operation's constant; a code such as "00", stored in the string itself).
        var calls: [(key: CallKey, count: Int)] = []
        var faults: [String: Int] = [:]         // "subcode/detail"
        var scenarios = 0
        var bucketCounts = [Int](repeating: 0, count: SimulatorMetrics.buckets.count)
        var latencySum = 0.0
        var latencyCount = 0

        mutating func count(_ key: CallKey, by count: Int = 1) {
            for index in calls.indices where calls[index].key == key {
                calls[index].count += count
                return
            }
            calls.append((key, count))
        }

        mutating func add(_ other: State) {
            for (key, count) in other.calls { self.count(key, by: count) }
            faults.merge(other.faults, uniquingKeysWith: +)
            scenarios += other.scenarios
            for index in bucketCounts.indices { bucketCounts[index] += other.bucketCounts[index] }
            latencySum += other.latencySum
            latencyCount += other.latencyCount
        }
    }

    // The counters, one set per thread that counts (each event loop, the judge's worker), added
    // up when read: one set written by every loop moved its lines between the cores on every call.
    private let shards = ThreadShards { State() }

    public init() {}

    public func record(_ call: CallRecord) {
        let seconds = call.milliseconds / 1000
        let bucket = SimulatorMetrics.buckets.firstIndex { seconds <= $0 }
        shards.withLocalShard { state in
            state.count(CallKey(operation: call.operation ?? "unknown", code: call.code))
            if let fault = call.fault { state.faults[fault, default: 0] += 1 }
            if call.scenario != nil { state.scenarios += 1 }
            if let bucket { state.bucketCounts[bucket] += 1 }
            state.latencySum += seconds
            state.latencyCount += 1
        }
    }

    /// What other parts of the server count, read at scrape time.
    public struct Readings: Sendable {
        public var openConnections = 0
        /// Connections each event loop holds, by loop.
        public var connectionsByLoop: [Int] = []
        public var acceptedConnections = 0
        /// Error answers written by the HTTP layer itself (400, 408, 413...).
        public var httpErrorAnswers = 0
        /// TLS handshakes refused or timed out.
        public var refusedHandshakes = 0
        public var identities = 0
        public var scenarios = 0
        public var journalLinesDropped = 0
        public var logLinesDropped = 0
        /// Calls not judged (over the judge's budget of calls a second, or its queue full).
        public var unjudgedCalls = 0
        /// Calls not validated against the contract's schemas: the budget per second was spent.
        public var contractChecksSkipped = 0

        public init() {}
    }

    /// The exposition text.
    public func render(_ readings: Readings) -> String {
        var snapshot = State()
        shards.forEachShard { snapshot.add($0) }
        var out = ""
        out += "# HELP insi_calls_total INSi calls answered, by operation and answer code (00, 01, 02, fault).\n"
        out += "# TYPE insi_calls_total counter\n"
        for (key, count) in snapshot.calls.sorted(by: { ($0.key.operation, $0.key.code) < ($1.key.operation, $1.key.code) }) {
            out += "insi_calls_total{operation=\"\(label(key.operation))\",code=\"\(label(key.code))\"} \(count)\n"
        }
        out += "# HELP insi_faults_total SOAP faults answered, by subcode/detail code.\n"
        out += "# TYPE insi_faults_total counter\n"
        for (code, count) in snapshot.faults.sorted(by: { $0.key < $1.key }) {
            out += "insi_faults_total{code=\"\(label(code))\"} \(count)\n"
        }
        out += "# HELP insi_scenario_applications_total Calls whose answer a scenario shaped.\n"
        out += "# TYPE insi_scenario_applications_total counter\ninsi_scenario_applications_total \(snapshot.scenarios)\n"
        out += "# HELP insi_call_duration_seconds Time from complete request to answer.\n"
        out += "# TYPE insi_call_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in SimulatorMetrics.buckets.enumerated() {
            cumulative += snapshot.bucketCounts[index]
            out += "insi_call_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "insi_call_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.latencyCount)\n"
        out += "insi_call_duration_seconds_sum \(snapshot.latencySum)\n"
        out += "insi_call_duration_seconds_count \(snapshot.latencyCount)\n"
        out += "# HELP insi_open_connections HTTP connections open now.\n# TYPE insi_open_connections gauge\ninsi_open_connections \(readings.openConnections)\n"
        out += "# HELP insi_event_loop_connections HTTP connections each event loop holds now (new ones go to the loop holding the fewest).\n# TYPE insi_event_loop_connections gauge\n"
        for (loop, count) in readings.connectionsByLoop.enumerated() {
            out += "insi_event_loop_connections{loop=\"\(loop)\"} \(count)\n"
        }
        out += "# HELP insi_accepted_connections_total HTTP connections accepted since start.\n# TYPE insi_accepted_connections_total counter\ninsi_accepted_connections_total \(readings.acceptedConnections)\n"
        out += "# HELP insi_http_error_answers_total Error answers the HTTP layer wrote itself (400, 408, 413, 414, 431, 501, 503, 505).\n# TYPE insi_http_error_answers_total counter\ninsi_http_error_answers_total \(readings.httpErrorAnswers)\n"
        out += "# HELP insi_tls_handshakes_refused_total TLS handshakes refused (certificate, plain HTTP, protocol) or timed out.\n# TYPE insi_tls_handshakes_refused_total counter\ninsi_tls_handshakes_refused_total \(readings.refusedHandshakes)\n"
        out += "# HELP insi_identities Identities in the reference base.\n# TYPE insi_identities gauge\ninsi_identities \(readings.identities)\n"
        out += "# HELP insi_scenarios Active scenarios.\n# TYPE insi_scenarios gauge\ninsi_scenarios \(readings.scenarios)\n"
        out += "# HELP insi_journal_lines_dropped_total Journal file lines dropped because the disk did not keep up.\n# TYPE insi_journal_lines_dropped_total counter\ninsi_journal_lines_dropped_total \(readings.journalLinesDropped)\n"
        out += "# HELP insi_log_lines_dropped_total Log lines dropped because the log output did not keep up.\n# TYPE insi_log_lines_dropped_total counter\ninsi_log_lines_dropped_total \(readings.logLinesDropped)\n"
        out += "# HELP insi_judge_calls_unjudged_total Calls not judged (over the judge's budget of calls per second: no finding; or its queue was full: per-call findings only).\n# TYPE insi_judge_calls_unjudged_total counter\ninsi_judge_calls_unjudged_total \(readings.unjudgedCalls)\n"
        out += "# HELP insi_judge_contract_checks_skipped_total Calls not validated against the contract's schemas (over the budget per second).\n# TYPE insi_judge_contract_checks_skipped_total counter\ninsi_judge_contract_checks_skipped_total \(readings.contractChecksSkipped)\n"
        return out
    }

    private func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
