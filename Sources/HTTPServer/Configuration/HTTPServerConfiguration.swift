import Foundation

/// Settings of an ``HTTPServer``. Every limit is checked while reading, before memory is committed.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind: "127.0.0.1", "0.0.0.0", "::", "::1" or a host name resolved at start.
    public var host: String
    /// TCP port; 0 lets the system pick a free one (read it back from ``HTTPServer/start()``).
    public var port: Int
    /// Longest request line accepted; longer gets 414 (or 400 when it is not even a request line).
    public var maxRequestLineBytes: Int
    /// Largest head (request line + header fields) accepted; larger gets 431.
    public var maxHeaderBytes: Int
    /// Most header fields accepted; more gets 431.
    public var maxHeaderCount: Int
    /// Largest body accepted, declared by Content-Length or summed over chunks; larger gets 413.
    public var maxBodyBytes: Int
    /// Time allowed for a request (head and body) once its first byte arrived; then 408 and close.
    public var headerReadTimeout: Duration
    /// Time a connection may wait for its next (or first) request, or for a stalled write, before
    /// it is closed without an answer.
    public var idleTimeout: Duration
    /// Open connections beyond which new ones get 503 and are closed.
    public var maxConnections: Int
    /// Number of event-loop threads.
    public var eventLoopCount: Int
    /// Value of the `Server` header.
    public var serverName: String
    /// Answer 400 to HTTP/1.1 requests without exactly one Host field, as RFC 9112 §3.2 requires.
    public var requireHostHeader: Bool
    /// How long a closing connection keeps reading and discarding what the client still sends, so
    /// that the client gets the last answer instead of a TCP reset.
    public var lingerTimeout: Duration
    /// Most bytes discarded during that lingering close.
    public var maxLingerBytes: Int
    /// Listen backlog handed to listen(2).
    public var backlog: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxRequestLineBytes: Int = 8 * 1024,
        maxHeaderBytes: Int = 32 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1024 * 1024,
        headerReadTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 4096,
        eventLoopCount: Int = HTTPServerConfiguration.defaultEventLoopCount,
        serverName: String = "insi-sim",
        requireHostHeader: Bool = true,
        lingerTimeout: Duration = .seconds(2),
        maxLingerBytes: Int = 4 * 1024 * 1024,
        backlog: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.eventLoopCount = eventLoopCount
        self.serverName = serverName
        self.requireHostHeader = requireHostHeader
        self.lingerTimeout = lingerTimeout
        self.maxLingerBytes = maxLingerBytes
        self.backlog = backlog
    }

    /// The number of active processors.
    public static var defaultEventLoopCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
