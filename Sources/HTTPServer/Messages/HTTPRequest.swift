/// A complete request as handed to the application: its head, its body and the connection it
/// came on.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    /// The body, de-chunked when it came with `Transfer-Encoding: chunked`.
    public var body: [UInt8]
    public var connection: HTTPConnectionInfo

    public init(head: HTTPRequestHead, body: [UInt8] = [], connection: HTTPConnectionInfo = HTTPConnectionInfo()) {
        self.head = head
        self.body = body
        self.connection = connection
    }

    public var method: String { head.method }
    public var path: String { head.path }
    public var query: String? { head.query }
    public var headers: HTTPHeaders { head.headers }
}

/// Who sent a request: the connection's identity for logs and journals.
public struct HTTPConnectionInfo: Sendable, Equatable {
    /// Unique for the life of the server.
    public var id: UInt64
    /// The peer address, e.g. "127.0.0.1:54321" or "[::1]:54321".
    public var remoteAddress: String
    /// The name of the listener the connection came on (``ListenerConfiguration/name``).
    public var listener: String
    /// What the TLS handshake established; nil on a plain HTTP connection.
    public var tls: TLSConnectionInfo?

    public init(id: UInt64 = 0, remoteAddress: String = "", listener: String = "", tls: TLSConnectionInfo? = nil) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.listener = listener
        self.tls = tls
    }
}
