import HTTPServer
import INSiCore
import INSiSOAP

/// Everything `insi-sim serve` can be told.
public struct SimulatorConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port.
    public var port: Int = 8080
    /// The seed base; the default base of the resources folder when nil.
    public var seedPath: String?
    public var nameMatching: NameMatching = .strict
    /// Empty: every approval number is accepted.
    public var authorizedIDAMs: Set<String> = []
    /// The `Resources/` folder; located automatically when nil.
    public var resourcesPath: String?
    /// The URL clients should use, when it differs from what they send in `Host` (a proxy).
    public var publicURL: String?
    /// Sizes and counts the HTTP server enforces (body, head, connections...).
    public var limits = HTTPServerConfiguration.Limits()
    /// Request, idle and lingering-close timeouts of connections.
    public var timeouts = HTTPServerConfiguration.Timeouts()
    /// Bounds on the XML of a SOAP request (depth, elements, text).
    public var xmlLimits = XMLSafetyLimits()
    /// Event loop threads; the number of cores when nil.
    public var eventLoopCount: Int?
    /// Scenarios loaded at start-up (a JSON array, or `{"scenarios": [...]}`).
    public var scenariosPath: String?
    /// JSON Lines file every call is appended to.
    public var journalPath: String?
    /// Calls kept in memory for `GET /admin/journal`.
    public var journalCapacity: Int = 10_000
    /// Where run-time changes are made durable; none when nil (changes live until the process ends).
    public var dataDirectory: String?
    /// Required by the admin API when set; mandatory when listening beyond loopback.
    public var adminToken: String?
    /// Records in the change log before it is compacted into a snapshot.
    public var compactionThreshold: Int = 10_000
    /// How the editor's calls are judged (findings, `--findings`).
    public var judge = JudgeConfiguration()

    public init() {}
}
