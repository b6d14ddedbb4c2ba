import Foundation

/// Settings of an ``HTTPServer``: where to listen (one or more ``ListenerConfiguration``, plain
/// or TLS), the size ``Limits`` checked while reading (before memory is committed), and the
/// ``Timeouts`` of a connection's life cycle.
public struct HTTPServerConfiguration: Sendable {
    /// Sizes and counts; each one exceeded gets the status named on it, then the connection closes.
    public struct Limits: Sendable, Equatable {
        /// Longest request line accepted; longer gets 414 (or 400 when it is not even a request line).
        public var maxRequestLineBytes = 8 * 1024
        /// Largest head (request line + header fields) accepted; larger gets 431. Also bounds the
        /// trailer section of a chunked body.
        public var maxHeaderBytes = 32 * 1024
        /// Most header fields (and most trailer fields) accepted; more gets 431.
        public var maxHeaderCount = 100
        /// Largest body accepted, declared by Content-Length or summed over chunks; larger gets 413.
        public var maxBodyBytes = 1024 * 1024
        /// Longest chunk-size line (size plus extensions); longer gets 400. Extensions are
        /// validated and ignored, but must not make the server buffer without bound.
        public var maxChunkLineBytes = 4 * 1024
        /// Empty lines (CRLF) tolerated before a request line (RFC 9112 §2.2 asks to ignore at
        /// least one); more gets 400, so that a client cannot hold a connection with CRLFs alone.
        public var maxEmptyLinesBeforeRequest = 2
        /// Open connections beyond which a new one gets 503 and is closed.
        public var maxConnections = 4096
        /// Most bytes read and discarded during a lingering close.
        public var maxLingerBytes = 4 * 1024 * 1024

        public init() {}
    }

    /// How long each phase of a connection may last.
    public struct Timeouts: Sendable, Equatable {
        /// Time allowed for a whole request (head and body) once its first byte arrived; then 408
        /// and close. Also bounds a TLS handshake.
        public var request: Duration = .seconds(10)
        /// Time a connection may wait for its next (or first) request, or for a stalled write to
        /// make progress, before it is closed without an answer.
        public var idle: Duration = .seconds(60)
        /// How long a closing connection keeps reading and discarding what the client still
        /// sends, so that the client gets the last answer instead of a TCP reset.
        public var linger: Duration = .seconds(2)
        /// The lingering close while the server stops: shorter, so a stop is not held up.
        public var lingerWhileStopping: Duration = .milliseconds(250)

        public init() {}
    }

    /// Where to listen; the first is the one ``host``, ``port`` and ``HTTPServer/port`` speak of.
    public var listeners: [ListenerConfiguration]
    /// Address of the first listener: "127.0.0.1", "0.0.0.0", "::", "::1" or a host name
    /// resolved at start.
    public var host: String {
        get { listeners.first?.host ?? "127.0.0.1" }
        set { updateFirstListener { $0.host = newValue } }
    }
    /// TCP port of the first listener; 0 lets the system pick a free one (read it back from
    /// ``HTTPServer/start()``).
    public var port: Int {
        get { listeners.first?.port ?? 0 }
        set { updateFirstListener { $0.port = newValue } }
    }
    public var limits: Limits
    public var timeouts: Timeouts
    /// Number of event-loop threads.
    public var eventLoopCount: Int
    /// Value of the `Server` header.
    public var serverName: String
    /// Answer 400 to HTTP/1.1 requests without exactly one Host field, as RFC 9112 §3.2 requires.
    public var requireHostHeader: Bool
    /// Listen backlog handed to listen(2).
    public var backlog: Int

    /// One plain HTTP listener named "http" on `host`:`port`.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        limits: Limits = Limits(),
        timeouts: Timeouts = Timeouts(),
        eventLoopCount: Int = HTTPServerConfiguration.defaultEventLoopCount,
        serverName: String = "insi-sim",
        requireHostHeader: Bool = true,
        backlog: Int = 1024
    ) {
        self.init(listeners: [ListenerConfiguration(name: "http", host: host, port: port)], limits: limits, timeouts: timeouts,
                  eventLoopCount: eventLoopCount, serverName: serverName, requireHostHeader: requireHostHeader, backlog: backlog)
    }

    /// Several listeners, plain or TLS, served by the same event loops.
    public init(
        listeners: [ListenerConfiguration],
        limits: Limits = Limits(),
        timeouts: Timeouts = Timeouts(),
        eventLoopCount: Int = HTTPServerConfiguration.defaultEventLoopCount,
        serverName: String = "insi-sim",
        requireHostHeader: Bool = true,
        backlog: Int = 1024
    ) {
        self.listeners = listeners
        self.limits = limits
        self.timeouts = timeouts
        self.eventLoopCount = eventLoopCount
        self.serverName = serverName
        self.requireHostHeader = requireHostHeader
        self.backlog = backlog
    }

    private mutating func updateFirstListener(_ change: (inout ListenerConfiguration) -> Void) {
        if listeners.isEmpty { listeners = [ListenerConfiguration(name: "http", port: 8080)] }
        change(&listeners[0])
    }

    /// The number of active processors.
    public static var defaultEventLoopCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
