import Foundation
import HTTPServer
import INSiCore

/// JSON over HTTP under `/admin`: identities, scenarios, journal, reset.
public struct AdminAPI: Sendable {
    public let state: SimulatorState
    /// When set, every admin request needs `Authorization: Bearer <token>` (401 without, 403 wrong).
    public let token: AdminToken?

    public init(state: SimulatorState, token: AdminToken?) {
        self.state = state
        self.token = token
    }

    /// Answers on the state's change queue, never on the event loop: a change waits for its
    /// fsync, a listing or a reset scans the base, and a compaction may follow any change.
    public func respond(to request: HTTPRequest, reply: HTTPReply) {
        state.changeQueue.async { reply.send(respond(to: request)) }
    }

    /// The answer, computed on the calling thread (the change queue, or a test).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch {
            return error.response()
        }
    }

    private func route(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        if let token {
            guard let authorization = request.headers["Authorization"] else { throw .unauthorized }
            guard token.accepts(authorization: authorization) else { throw .forbidden }
        }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map { QueryString.decode(String($0), plusIsSpace: false) }
        // parts[0] == "admin"
        let resource = parts.count > 1 ? parts[1] : ""
        let id = parts.count > 2 ? parts[2] : nil
        guard parts.count <= 3 else { throw .notFound("no such admin resource: \(request.path)") }
        switch (resource, id, request.method) {
        case ("identities", nil, "GET"): return try listIdentities(QueryString(request.query))
        case ("identities", nil, "POST"):
            let identity = try state.addIdentity(try Self.decode(IdentityRecord.self, request.body))
            return Self.json(201, IdentityRecord(identity))
        case ("identities", let matricule?, "GET"):
            guard let value = Matricule(matricule), let identity = state.store.identity(matricule: value) else {
                throw .notFound("no identity has the active matricule \(matricule)")
            }
            return Self.json(200, IdentityRecord(identity))
        case ("identities", let matricule?, "PUT"):
            let identity = try state.replaceIdentity(matricule: matricule, with: try Self.decode(IdentityRecord.self, request.body))
            return Self.json(200, IdentityRecord(identity))
        case ("identities", let matricule?, "DELETE"):
            try state.deleteIdentity(matricule: matricule)
            return HTTPResponse(status: 204)
        case ("scenarios", nil, "GET"):
            return Self.json(200, ScenarioPage(scenarios: state.scenarios.all, sets: state.scenarioFiles.setNames,
                                               documents: state.scenarioFiles.documentNames))
        case ("scenarios", nil, "POST"):
            if let set = QueryString(request.query)["set"] {
                return Self.json(201, ScenarioPage(scenarios: try state.putScenarioSet(set), sets: nil, documents: nil))
            }
            return Self.json(201, try state.putScenario(try Self.decode(Scenario.self, request.body)))
        case ("scenarios", nil, "DELETE"):
            try state.clearScenarios()
            return HTTPResponse(status: 204)
        case ("scenarios", let scenarioID?, "GET"):
            guard let scenario = state.scenarios.get(scenarioID) else { throw .notFound("no scenario has the id \(scenarioID)") }
            return Self.json(200, scenario)
        case ("scenarios", let scenarioID?, "PUT"):
            var scenario = try Self.decode(Scenario.self, request.body)
            scenario.id = scenarioID
            return Self.json(200, try state.putScenario(scenario))
        case ("scenarios", let scenarioID?, "DELETE"):
            try state.deleteScenario(id: scenarioID)
            return HTTPResponse(status: 204)
        case ("journal", nil, "GET"): return try journal(QueryString(request.query))
        case ("journal", nil, "DELETE"):
            state.journal.clear()
            state.judge?.clear()
            return HTTPResponse(status: 204)
        case ("findings", nil, "GET"): return try findings(QueryString(request.query))
        case ("clients", nil, "GET"):
            return Self.json(200, ClientPage(judging: state.judge != nil, clients: state.judge?.clients() ?? []))
        case ("rules", nil, "GET"):
            return Self.json(200, RulePage(rules: CallRule.catalogue.map(RuleEntry.init)))
        case ("reset", nil, "POST"):
            try state.reset()
            return Self.json(200, ["status": "reset", "identities": "\(state.store.count)", "scenarios": "\(state.scenarios.all.count)"])
        case ("identities", _, _), ("scenarios", _, _), ("journal", nil, _), ("reset", nil, _), ("findings", nil, _), ("clients", nil, _),
             ("rules", nil, _):
            throw .methodNotAllowed(method: request.method, path: request.path)
        default:
            throw .notFound("no such admin resource: \(request.path) (identities, scenarios, journal, findings, clients, rules, reset)")
        }
    }

    private func listIdentities(_ query: QueryString) throws(AdminError) -> HTTPResponse {
        let offset = max(0, query["offset"].flatMap(Int.init) ?? 0)
        let limit = min(1_000, max(0, query["limit"].flatMap(Int.init) ?? 100))
        let prefix = query["birthName"]?.uppercased()
        let matricule = query["matricule"]?.uppercased()
        // A copy-on-write copy taken under the lock, scanned outside it: a listing must not hold
        // up the searches of every event loop.
        let base = state.store.withBase { $0 }
        if let matricule, let value = Matricule(matricule), let identity = base.identity(matricule: value), prefix == nil {
            return Self.json(200, IdentityPage(total: 1, offset: offset, limit: limit, identities: offset == 0 && limit > 0 ? [IdentityRecord(identity)] : []))
        }
        let (total, page) = base.identities(offset: offset, limit: limit) { identity in
                if let prefix, !identity.traits.birthName.hasPrefix(prefix) { return false }
                if let matricule, identity.ins.matricule.value != matricule && !identity.history.contains(where: { $0.matricule.value == matricule }) {
                    return false
                }
                return true
            }
        return Self.json(200, IdentityPage(total: total, offset: offset, limit: limit, identities: page.map(IdentityRecord.init)))
    }

    /// Whether a request reads the calls the judge writes: it is answered once they are judged.
    static func readsJudgedCalls(_ request: HTTPRequest) -> Bool {
        guard request.method == "GET" else { return request.method == "DELETE" && request.path == "/admin/journal" }
        return request.path == "/admin/journal" || request.path == "/admin/findings" || request.path == "/admin/clients"
    }

    private func journal(_ query: QueryString) throws(AdminError) -> HTTPResponse {
        var filter = Journal.Filter(messageID: query["messageID"], birthName: query["birthName"], code: query["code"])
        filter.since = try Self.time(query, "since")
        filter.client = query["client"]
        filter.rule = query["finding"]
        if let after = query["after"] {
            guard let number = Int(after) else { throw .invalid(field: "after", reason: "'\(after)' is not a call number") }
            filter.after = number
        }
        filter.limit = min(10_000, max(0, query["limit"].flatMap(Int.init) ?? 100))
        state.judge?.sweep()
        let page = state.journal.page(filter)
        return Self.json(200, JournalPage(total: page.total, last: page.last, oldest: page.oldest, calls: page.calls))
    }

    /// `GET /admin/findings`: every finding of the calls held, newest last.
    private func findings(_ query: QueryString) throws(AdminError) -> HTTPResponse {
        var filter = Journal.Filter(limit: Int.max)
        filter.client = query["client"]
        filter.rule = query["rule"] ?? "any"
        filter.since = try Self.time(query, "since")
        let until = try Self.time(query, "until")
        var severity: CallRule.Severity?
        if let text = query["severity"] {
            guard let value = CallRule.Severity(rawValue: text) else {
                throw .invalid(field: "severity", reason: "'\(text)' is not error, warning or advice")
            }
            severity = value
        }
        if let rule = query["rule"], CallRule.ID(rawValue: rule) == nil {
            throw .invalid(field: "rule", reason: "'\(rule)' is no rule id; GET /admin/rules lists them")
        }
        let limit = min(10_000, max(0, query["limit"].flatMap(Int.init) ?? 1_000))
        state.judge?.sweep()
        var entries: [FindingEntry] = []
        for call in state.journal.calls(filter).calls where until.map({ call.time <= $0 }) ?? true {
            for finding in call.findings where (filter.rule == "any" || finding.rule.rawValue == filter.rule)
                && (severity == nil || finding.severity == severity) {
                entries.append(FindingEntry(call: call, finding: finding))
            }
        }
        return Self.json(200, FindingPage(total: entries.count, findings: Array(entries.suffix(limit))))
    }

    /// A time parameter: seconds since 1970 or ISO 8601.
    private static func time(_ query: QueryString, _ name: String) throws(AdminError) -> Double? {
        guard let text = query[name] else { return nil }
        if let seconds = Double(text) { return seconds }
        if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
        throw .invalid(field: name, reason: "'\(text)' is neither seconds since 1970 nor an ISO 8601 date (2026-11-23T10:00:00Z)")
    }

    struct IdentityPage: Encodable {
        var total: Int
        var offset: Int
        var limit: Int
        var identities: [IdentityRecord]
    }

    /// `GET /admin/scenarios`: the active scenarios and the built-in sets that can be loaded.
    struct ScenarioPage: Encodable {
        var scenarios: [Scenario]
        var sets: [String]?
        /// The documents a `document` effect can name (`scenarios/cnda/…`).
        var documents: [String]?
    }

    struct JournalPage: Encodable {
        /// The calls held in memory that match the filters, before `limit`.
        var total: Int
        /// The number of the last call journaled: poll with `after=` it.
        var last: Int
        /// The number of the oldest call held (absent when none is): calls before it are gone.
        var oldest: Int?
        var calls: [CallRecord]
    }

    struct FindingPage: Encodable {
        var total: Int
        var findings: [FindingEntry]
    }

    /// One finding with the call it belongs to.
    struct FindingEntry: Encodable {
        var seq: Int
        var time: Double
        var client: String?
        var lookup: Int?
        var messageID: String?
        var operation: String?
        var code: String
        var rule: String
        var severity: String
        var detail: String

        init(call: CallRecord, finding: Finding) {
            seq = call.seq
            time = call.time
            client = call.client?.id
            lookup = call.lookup
            messageID = call.messageID
            operation = call.operation
            code = call.fault.map { "fault \($0)" } ?? call.code
            rule = finding.rule.rawValue
            severity = finding.severity.rawValue
            detail = finding.detail
        }
    }

    struct ClientPage: Encodable {
        /// False with `--findings off`: nothing is judged.
        var judging: Bool
        var clients: [ClientSummary]
    }

    struct RulePage: Encodable {
        var rules: [RuleEntry]
    }

    /// A rule of the catalogue, its source in words too.
    struct RuleEntry: Encodable {
        var id: String
        var severity: String
        var source: String
        var sourceTitle: String
        var reason: String

        init(_ rule: CallRule) {
            id = rule.id.rawValue
            severity = rule.severity.rawValue
            source = rule.source.rawValue
            sourceTitle = rule.source.title
            reason = rule.reason
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws(AdminError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            let text = DecodingErrorText(error)
            throw .invalid(field: text.field.isEmpty ? "body" : text.field, reason: text.reason)
        }
    }

    static func json<T: Encodable>(_ status: Int, _ value: T) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json; charset=utf-8")
        let body = (try? encoder.encode(value)).map { Array($0) + [0x0A] } ?? Array("{\"error\":\"encoding failed\"}\n".utf8)
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
