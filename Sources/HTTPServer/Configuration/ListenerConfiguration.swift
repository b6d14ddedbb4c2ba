/// One address an ``HTTPServer`` listens on, in plain HTTP or over TLS. A server has one or
/// more; they share the event loops, the limits and the timeouts.
public struct ListenerConfiguration: Sendable, Equatable {
    /// Names the listener in logs and in ``HTTPConnectionInfo/listener``, e.g. "http", "https".
    public var name: String
    /// Address to bind: "127.0.0.1", "0.0.0.0", "::", "::1" or a host name resolved at start.
    public var host: String
    /// TCP port; 0 lets the system pick a free one (read it back from ``HTTPServer/boundListeners``).
    public var port: Int
    /// TLS settings; nil for plain HTTP.
    public var tls: TLSConfiguration?

    public init(name: String, host: String = "127.0.0.1", port: Int, tls: TLSConfiguration? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// "http" or "https".
    public var scheme: String { tls == nil ? "http" : "https" }
}
