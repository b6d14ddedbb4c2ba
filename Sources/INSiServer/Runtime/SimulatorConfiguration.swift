import HTTPServer
import INSiCore
import INSiSOAP

/// Everything `insi-sim serve` can be told.
public struct SimulatorConfiguration: Sendable {
    /// The address every listener binds.
    public var host: String = "127.0.0.1"
    /// The plain HTTP listener's port; 0 picks a free port.
    public var port: Int = 8080
    /// TLS listeners beside the plain one (the mTLS endpoint, a CPx-like endpoint...).
    public var tlsListeners: [TLSListener] = []
    /// Forces the security mode of every listener that does not force its own; nil: strict on
    /// TLS listeners, open on plain HTTP.
    public var security: SecurityMode?
    /// How CPx card assertions are checked; nil: an assertion is only checked for presence and
    /// form (strict mode on the CPx endpoint).
    public var cardAssertions: CardAssertions?

    /// The authorities CPx card assertions are checked against, and how old one may be.
    public struct CardAssertions: Sendable {
        /// The card CA(s), PEM: physical cards chain to it.
        public var cardCAFile: String
        /// The e-CPS CA(s), PEM: a card chaining to it is refused as an e-CPS.
        public var eCPSCAFile: String?
        /// How old an assertion's IssueInstant may be.
        public var maxAge: Duration

        public init(cardCAFile: String, eCPSCAFile: String? = nil, maxAge: Duration = .seconds(3600)) {
            self.cardCAFile = cardCAFile
            self.eCPSCAFile = eCPSCAFile
            self.maxAge = maxAge
        }
    }
    /// The seed base; the default base of the resources folder when nil.
    public var seedPath: String?
    /// Told how the seed loads (a million identities take seconds); nothing by default.
    public var seedProgress: SeedLoadProgress = .none
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
    /// How log lines are written (standard error, batched off the event loops).
    public var logFormat: LogFormat = .text
    /// How the editor's calls are judged (findings, `--findings`).
    public var judge = JudgeConfiguration()

    public init() {}

    /// The name of the plain HTTP listener (``HTTPConnectionInfo/listener``).
    public static let plainListenerName = "http"

    /// A TLS listener of the simulator.
    public struct TLSListener: Sendable, Equatable {
        /// Its name in logs and in ``HTTPConnectionInfo/listener``; unique, not "http".
        public var name: String
        /// 0 picks a free port.
        public var port: Int
        /// The certificate, the key, and the client certificates asked for: with them it is the
        /// mTLS endpoint, without them the CPx one (a SAML assertion in strict mode).
        public var tls: TLSConfiguration
        /// Forces this listener's mode over ``SimulatorConfiguration/security``.
        public var security: SecurityMode?

        public init(name: String = "https", port: Int = 8443, tls: TLSConfiguration, security: SecurityMode? = nil) {
            self.name = name
            self.port = port
            self.tls = tls
            self.security = security
        }
    }

    /// The HTTP server's listeners: the plain one, then the TLS ones.
    var listeners: [ListenerConfiguration] {
        [ListenerConfiguration(name: Self.plainListenerName, host: host, port: port)]
            + tlsListeners.map { ListenerConfiguration(name: $0.name, host: host, port: $0.port, tls: $0.tls) }
    }

    /// What each listener requires of callers; `cardVerifier` checks card assertions.
    func securityPolicy(cardVerifier: CardAssertionVerifier?) -> SecurityPolicy {
        var listeners = [Self.plainListenerName: ListenerSecurity(tlsClientCertificate: nil, forced: security)]
        for listener in tlsListeners {
            listeners[listener.name] = ListenerSecurity(tlsClientCertificate: listener.tls.clientCertificate != .none,
                                                        forced: listener.security ?? security)
        }
        return SecurityPolicy(listeners: listeners, cardVerifier: cardVerifier)
    }
}
