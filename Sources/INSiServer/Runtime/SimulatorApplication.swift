import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging

/// The routes of the simulator over the generic HTTP server:
/// `POST /lps` (INSi), `GET /lps?wsdl`, `GET /lps?xsd=NAME`, `GET /health`, `GET /metrics`, `/admin/...`.
public struct SimulatorApplication: HTTPResponder {
    public let endpoint: INSiEndpoint
    public let admin: AdminAPI
    public let contract: ContractFiles
    /// The web console at `/ui/`; nil when its files are missing.
    public let console: ConsoleFiles?
    public let store: BaseStore
    /// The HTTP server's counters, for `/metrics`.
    let httpCounters: @Sendable () -> HTTPCounters
    /// The URL to write in the WSDL when the request's Host header cannot be used.
    let fallbackBaseURL: @Sendable () -> String
    /// The base URL of a listener by name (its scheme and port), when known.
    var listenerBaseURL: @Sendable (String) -> String? = { _ in nil }
    let publicURL: String?
    /// The server's log output, for its dropped-lines counter.
    let logSink: LogSink?

    public init(endpoint: INSiEndpoint, admin: AdminAPI, contract: ContractFiles, console: ConsoleFiles? = nil, publicURL: String?,
                logSink: LogSink? = nil,
                httpCounters: @escaping @Sendable () -> HTTPCounters, fallbackBaseURL: @escaping @Sendable () -> String) {
        self.endpoint = endpoint
        self.admin = admin
        self.contract = contract
        self.console = console
        self.store = endpoint.state.store
        self.httpCounters = httpCounters
        self.publicURL = publicURL
        self.logSink = logSink
        self.fallbackBaseURL = fallbackBaseURL
    }

    /// Handles one request: the SOAP endpoint may answer later (a scenario's delay).
    public func respond(to request: HTTPRequest, reply: HTTPReply) {
        if request.path == "/lps" && request.method == "POST" {
            endpoint.handle(request, reply: reply)
        } else if let judge = endpoint.state.judge, AdminAPI.readsJudgedCalls(request) {
            // Answered on the judge's worker once the calls answered before are judged and journaled.
            judge.whenSettled { [self] in reply.send(admin.respond(to: request)) }
        } else if Self.isAdmin(request.path) {
            admin.respond(to: request, reply: reply)
        } else {
            reply.send(answer(request))
        }
    }

    static func isAdmin(_ path: String) -> Bool {
        path == "/admin" || path.hasPrefix("/admin/")
    }

    /// Answers every route but the SOAP calls, on the calling thread (the admin API's included).
    public func answer(_ request: HTTPRequest) -> HTTPResponse {
        if Self.isAdmin(request.path) { return admin.respond(to: request) }
        if request.path == "/ui" || request.path.hasPrefix("/ui/") {
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed(allow: "GET, HEAD") }
            guard let console else { return .text(404, "the web console's files (Resources/ui) are missing\n") }
            return console.response(path: request.path)
        }
        switch request.path {
        case "/lps":
            guard request.method == "GET" || request.method == "HEAD" else {
                return methodNotAllowed(allow: "GET, HEAD, POST")
            }
            return contractFile(request)
        case "/health":
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed(allow: "GET, HEAD") }
            return health()
        case "/metrics":
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed(allow: "GET, HEAD") }
            let http = httpCounters()
            var readings = SimulatorMetrics.Readings()
            readings.openConnections = http.openConnections
            readings.connectionsByLoop = http.connectionsByLoop
            readings.acceptedConnections = http.acceptedConnections
            readings.httpErrorAnswers = http.errorAnswers
            readings.refusedHandshakes = http.refusedHandshakes
            readings.identities = store.count
            readings.scenarios = endpoint.state.scenarios.all.count
            readings.journalLinesDropped = endpoint.state.journal.droppedLines
            readings.logLinesDropped = logSink?.droppedLines ?? 0
            readings.unjudgedCalls = endpoint.state.judge?.unjudgedCalls ?? 0
            readings.contractChecksSkipped = endpoint.state.judge?.contractChecksSkipped ?? 0
            let text = endpoint.state.metrics.render(readings)
            var headers = HTTPHeaders()
            headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return HTTPResponse(status: 200, headers: headers, body: Array(text.utf8))
        default:
            return .text(404, "no such resource: \(request.path) (the INSi endpoint is POST /lps, its WSDL GET /lps?wsdl)\n")
        }
    }

    /// The body of the server's own error answers: a SOAP fault on the SOAP endpoint.
    public func response(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
        guard let head, head.path == "/lps", head.method == "POST" else {
            return error.response()
        }
        let fault: INSiFault
        switch error {
        case .bodyTooLarge(let limit): fault = .bodyTooLarge(limit: limit)
        default: fault = .notSOAP("HTTP error \(error.status): \(error)")
        }
        var response = fault.response()
        response.status = error.status
        return response
    }

    private func contractFile(_ request: HTTPRequest) -> HTTPResponse {
        let query = request.query ?? ""
        let base = baseURL(for: request)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/xml; charset=utf-8")
        if query.lowercased() == "wsdl", let wsdl = contract.wsdl(baseURL: base) {
            return HTTPResponse(status: 200, headers: headers, body: Array(wsdl.utf8))
        }
        if query.hasPrefix("xsd=") {
            let name = String(query.dropFirst(4))
            if let schema = contract.schema(name, baseURL: base) {
                return HTTPResponse(status: 200, headers: headers, body: Array(schema.utf8))
            }
            return .text(404, "no schema named '\(name)'; available: \(contract.schemaNames.joined(separator: ", "))\n")
        }
        return .text(400, "GET /lps serves the contract: /lps?wsdl or /lps?xsd=NAME; INSi calls are POST /lps\n")
    }

    private func health() -> HTTPResponse {
        let body: [String: Any] = [
            "status": "ok",
            "version": SimulatorVersion.current,
            "identities": store.count,
            "nameMatching": store.nameMatching.rawValue,
            // For the console: whether to ask for a token before any admin request, and whether calls are judged.
            "adminToken": admin.token != nil,
            "findings": endpoint.state.judge != nil,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{\"status\":\"ok\"}".utf8)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return HTTPResponse(status: 200, headers: headers, body: Array(data))
    }

    private func methodNotAllowed(allow: String) -> HTTPResponse {
        var response = HTTPResponse.text(405, "method not allowed; allowed: \(allow)\n")
        response.headers.add("Allow", allow)
        return response
    }

    /// `http://` (`https://` over TLS) + the Host the client used, when it is a plain
    /// host[:port]; else the listener's own address. The value goes into XML the client will
    /// parse: anything unusual is not echoed.
    func baseURL(for request: HTTPRequest) -> String {
        if let publicURL { return publicURL }
        if let host = request.headers["Host"], !host.isEmpty, host.utf8.count <= 255,
           host.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".-:[]".unicodeScalars.contains($0) }) {
            return "\(request.connection.tls == nil ? "http" : "https")://\(host)"
        }
        return listenerBaseURL(request.connection.listener) ?? fallbackBaseURL()
    }
}
