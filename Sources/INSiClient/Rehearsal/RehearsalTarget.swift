import Foundation
import INSiCore

/// The INSi a rehearsal runs against, and whether it is insi-sim: only insi-sim can be shaped by
/// scenarios, and only insi-sim says its name-matching mode (another INSi is taken as strict,
/// the rule of the real service).
public struct RehearsalTarget: Sendable, Equatable {
    /// How to decide whether the target is insi-sim.
    public enum Detection: String, Sendable, CaseIterable {
        /// `GET /health` answers insi-sim's JSON (`version`, `nameMatching`) and `GET
        /// /admin/scenarios` answers 200.
        case auto
        /// Taken as insi-sim without asking (the health route hidden behind a proxy, say).
        case simulator = "insi-sim"
        /// Taken as another INSi: scenario cases are skipped (or run as is), strict expectations.
        case other
    }

    /// Whether scenarios can shape the target's answers.
    public enum Scenarios: Sendable, Equatable {
        /// insi-sim with its admin API reachable: a case's scenario is posted before it.
        case available
        /// insi-sim whose admin API refused (the reason): scenario cases are skipped, since
        /// insi-sim does not behave that way by itself.
        case refused(String)
        /// Another INSi: scenario cases are skipped, or run as is (``RehearsalOtherTargets``).
        case unsupported
    }

    /// The SOAP endpoint called.
    public var endpoint: URL
    /// True when the target answers as insi-sim (or is taken as such).
    public var isSimulator: Bool
    /// insi-sim's version, from `/health`.
    public var version: String?
    /// The mode whose expectations apply.
    public var nameMatching: NameMatching
    /// Whether scenario cases can run, or why not.
    public var scenarios: Scenarios
    /// How the decision was made, or why the target is not taken as insi-sim.
    public var detail: String

    /// `scenarios` defaults to available for insi-sim and unsupported otherwise; public so that
    /// tests can state a target without asking one.
    public init(endpoint: URL, isSimulator: Bool, version: String?, nameMatching: NameMatching, scenarios: Scenarios? = nil,
                detail: String) {
        self.endpoint = endpoint
        self.isSimulator = isSimulator
        self.version = version
        self.nameMatching = nameMatching
        self.scenarios = scenarios ?? (isSimulator ? .available : .unsupported)
        self.detail = detail
    }

    /// The base URL of the routes beside the endpoint (`…/lps` → `…/`).
    static func base(of endpoint: URL) -> URL {
        endpoint.lastPathComponent == "lps" ? endpoint.deletingLastPathComponent() : endpoint
    }

    /// Asks the target what it is. Throws when nothing answers at its address (no HTTP answer
    /// at all): every case would fail the same way.
    static func detect(endpoint: URL, detection: Detection, http: RehearsalHTTP) async throws(RehearsalUnreachable) -> RehearsalTarget {
        if detection == .other {
            // Any HTTP answer will do: the question is only whether something answers.
            do {
                _ = try await http.send(.get, endpoint)
            } catch {
                throw RehearsalUnreachable(endpoint: endpoint, reason: error.description, tls: error.tls)
            }
            return RehearsalTarget(endpoint: endpoint, isSimulator: false, version: nil, nameMatching: .strict,
                                   detail: "taken as another INSi (detection: other): strict name matching, no scenario")
        }
        let base = base(of: endpoint)
        var version: String?
        var mode: NameMatching?
        var healthProblem: String?
        let reply: RehearsalHTTP.Reply
        do {
            reply = try await http.send(.get, base.appendingPathComponent("health"))
        } catch {
            throw RehearsalUnreachable(endpoint: endpoint, reason: "GET /health: \(error.description)", tls: error.tls)
        }
        if reply.status == 200, case .object(let object)? = try? JSONDecoder().decode(RehearsalJSON.self, from: reply.body),
           case .string(let text)? = object["version"], case .string(let matching)? = object["nameMatching"],
           let parsed = NameMatching(rawValue: matching) {
            version = text
            mode = parsed
        } else {
            healthProblem = "GET /health answered HTTP \(reply.status) without insi-sim's version and nameMatching"
        }
        if detection == .simulator {
            return RehearsalTarget(endpoint: endpoint, isSimulator: true, version: version, nameMatching: mode ?? .strict,
                                   detail: "taken as insi-sim (detection: insi-sim)" + (healthProblem.map { "; \($0), so strict name matching" } ?? ""))
        }
        guard let version, let mode else {
            return RehearsalTarget(endpoint: endpoint, isSimulator: false, version: nil, nameMatching: .strict,
                                   detail: "not insi-sim (\(healthProblem ?? "no health answer")): strict name matching, no scenario")
        }
        let adminProblem: String?
        do {
            let reply = try await http.send(.get, base.appendingPathComponent("admin/scenarios"), admin: true)
            switch reply.status {
            case 200: adminProblem = nil
            case 401, 403: adminProblem = "its admin API answered \(reply.status): give the admin token (--admin-token)"
            default: adminProblem = "GET /admin/scenarios answered HTTP \(reply.status)"
            }
        } catch {
            adminProblem = "GET /admin/scenarios failed: \(error.description)"
        }
        if let adminProblem {
            return RehearsalTarget(endpoint: endpoint, isSimulator: true, version: version, nameMatching: mode,
                                   scenarios: .refused(adminProblem),
                                   detail: "insi-sim \(version) (GET /health), \(mode.rawValue) name matching, but \(adminProblem); "
                                       + "the scenario cases are skipped")
        }
        return RehearsalTarget(endpoint: endpoint, isSimulator: true, version: version, nameMatching: mode,
                               detail: "insi-sim \(version) (GET /health), \(mode.rawValue) name matching, admin API reachable")
    }
}

/// Nothing answers at the target's address, or no TLS session can be made with it: the
/// rehearsal stops before its first case.
public struct RehearsalUnreachable: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SOAP endpoint no one answered at.
    public var endpoint: URL
    /// The failure of the first request, as the transport reported it.
    public var reason: String
    /// Why no TLS session could be made, when that is the reason: then something does answer.
    public var tls: TLSError?

    /// Public so that tests can state the error they expect.
    public init(endpoint: URL, reason: String, tls: TLSError? = nil) {
        self.endpoint = endpoint
        self.reason = reason
        self.tls = tls
    }

    public var description: String {
        if let tls { return "no TLS session with \(endpoint.absoluteString): \(tls); no case was run" }
        return "nothing answers at \(endpoint.absoluteString) (\(reason)): check the URL and that the service is up; no case was run"
    }
}
