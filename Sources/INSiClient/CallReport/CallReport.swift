import Foundation
import INSiCore

/// What insi-sim's judge said about the calls an editor's software made: per client, every call
/// grouped into lookups, with the findings of each, and the rules broken. Read from a running
/// insi-sim's admin API (`GET /admin/rules`, `/admin/clients`, `/admin/journal`); written as
/// Markdown (``CallReportMarkdown``) and JUnit XML (``CallReportJUnit``) by `insi-sim report`.
public struct CallReport: Sendable {
    /// A rule of the server's catalogue.
    public struct Rule: Sendable, Decodable, Hashable {
        public var id: String
        public var severity: String
        public var source: String
        public var sourceTitle: String
        public var reason: String
    }

    /// A finding on a call.
    public struct Finding: Sendable, Decodable, Hashable {
        public var rule: String
        public var severity: String
        public var detail: String
    }

    /// A call as the journal holds it.
    public struct Call: Sendable, Decodable {
        public var seq: Int
        public var time: Double
        public var operation: String?
        public var messageID: String?
        public var client: String?
        public var lookup: Int?
        public var traits: [String: String]
        public var code: String
        public var fault: String?
        public var reason: String
        public var findings: [Finding]

        /// The traits as sent, in the contract's order.
        public var traitsText: String {
            let order = ["NomNaissance", "Prenom", "Sexe", "DateNaissance", "LieuNaissance", "MatriculeOD", "MatriculeIndividu", "RangNaissance"]
            return order.compactMap { traits[$0] }.joined(separator: " / ")
        }

        /// The answer in a few words: `00`, `fault siram_40/insisim_940`…
        public var answer: String { fault.map { "fault \($0)" } ?? code }
    }

    /// A lookup: the consecutive calls of a client for one person.
    public struct Lookup: Sendable {
        public var number: Int
        public var calls: [Call]
    }

    /// A client and what it did.
    public struct Client: Sendable {
        public var id: String
        public var software: String?
        public var lookups: [Lookup]
        /// Findings per rule id.
        public var findingsByRule: [String: [(call: Call, finding: Finding)]]

        public var calls: [Call] { lookups.flatMap(\.calls) }
    }

    public var target: URL
    public var generated: Date
    public var rules: [Rule]
    public var clients: [Client]

    /// Builds the report from the rules and the journal's calls.
    public init(target: URL, generated: Date, rules: [Rule], calls: [Call]) {
        self.target = target
        self.generated = generated
        self.rules = rules
        var order: [String] = []
        var byClient: [String: [Call]] = [:]
        for call in calls.sorted(by: { $0.seq < $1.seq }) {
            let id = call.client ?? "-"
            if byClient[id] == nil { order.append(id) }
            byClient[id, default: []].append(call)
        }
        clients = order.map { id in
            let calls = byClient[id] ?? []
            var lookups: [Lookup] = []
            for call in calls {
                if let last = lookups.last, last.number == (call.lookup ?? 0) {
                    lookups[lookups.count - 1].calls.append(call)
                } else {
                    lookups.append(Lookup(number: call.lookup ?? 0, calls: [call]))
                }
            }
            var findings: [String: [(call: Call, finding: Finding)]] = [:]
            for call in calls {
                for finding in call.findings { findings[finding.rule, default: []].append((call, finding)) }
            }
            return Client(id: id, software: nil, lookups: lookups, findingsByRule: findings)
        }
    }

    /// Rules of error severity that some call broke: the report's exit code is 1 when there is one.
    public var failedErrorRules: [(client: String, rule: Rule)] {
        clients.flatMap { client in
            rules.filter { $0.severity == CallRule.Severity.error.rawValue && client.findingsByRule[$0.id] != nil }.map { (client.id, $0) }
        }
    }

    /// 0 when no error-severity rule was broken, 1 otherwise.
    public var exitCode: Int32 { failedErrorRules.isEmpty ? 0 : 1 }

    /// Why a report could not be made.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// True when nothing answered at the URL (exit 4 in the CLI).
        public var noAnswer: Bool
    }

    /// Reads the report from insi-sim at `base` (`http://127.0.0.1:8080`), for one client or all.
    public static func fetch(base: URL, client: String?, adminToken: String?, timeout: Duration = .seconds(10),
                             tls: ClientTLSConfiguration = ClientTLSConfiguration()) async throws(Failure) -> CallReport {
        let http = RehearsalHTTP(adminToken: adminToken, timeout: timeout, tls: tls)
        func get<T: Decodable>(_ path: String, _ query: [URLQueryItem], as type: T.Type) async throws(Failure) -> T {
            var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)
            if !query.isEmpty { components?.queryItems = query }
            guard let url = components?.url else { throw Failure(description: "cannot make a URL of \(base) and \(path)", noAnswer: false) }
            let reply: RehearsalHTTP.Reply
            do {
                reply = try await http.send(.get, url, admin: true)
            } catch {
                throw Failure(description: "nothing answers at \(url): \(error.description)", noAnswer: true)
            }
            switch reply.status {
            case 200: break
            case 401, 403: throw Failure(description: "\(url): \(reply.status): the admin token is missing or wrong (--admin-token)", noAnswer: false)
            case 404: throw Failure(description: "\(url): 404: is this insi-sim (with call findings)? \(reply.text)", noAnswer: false)
            default: throw Failure(description: "\(url): HTTP \(reply.status): \(reply.text)", noAnswer: false)
            }
            do {
                return try JSONDecoder().decode(type, from: reply.body)
            } catch {
                throw Failure(description: "\(url): the answer is not what insi-sim sends: \(error)", noAnswer: false)
            }
        }
        struct Rules: Decodable { var rules: [Rule] }
        struct Clients: Decodable {
            struct Entry: Decodable { var id: String; var software: String? }
            var judging: Bool
            var clients: [Entry]
        }
        struct Journal: Decodable { var calls: [Call] }
        let rules = try await get("admin/rules", [], as: Rules.self).rules
        let clients = try await get("admin/clients", [], as: Clients.self)
        guard clients.judging else {
            throw Failure(description: "\(base) does not judge calls (started with --findings off)", noAnswer: false)
        }
        var query = [URLQueryItem(name: "limit", value: "10000")]
        if let client { query.append(URLQueryItem(name: "client", value: client)) }
        let calls = try await get("admin/journal", query, as: Journal.self).calls
        var report = CallReport(target: base, generated: Date(), rules: rules, calls: calls)
        for index in report.clients.indices {
            report.clients[index].software = clients.clients.first { $0.id == report.clients[index].id }?.software
        }
        return report
    }
}
