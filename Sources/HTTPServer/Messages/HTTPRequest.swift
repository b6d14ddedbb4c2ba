/// A complete request as handed to the application handler.
public struct HTTPRequest: Sendable {
    /// The method token, e.g. "GET" or "POST".
    public var method: String
    /// The raw request-target, e.g. "/lps?wsdl".
    public var target: String
    /// The part of `target` before '?', not percent-decoded.
    public var path: String
    /// The raw part of `target` after '?', nil when there is no '?'.
    public var query: String?
    /// 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var versionMinor: Int
    public var headers: HTTPHeaders
    /// The body, de-chunked when it came with `Transfer-Encoding: chunked`.
    public var body: [UInt8]
    /// The peer address, e.g. "127.0.0.1:54321" or "[::1]:54321".
    public var remoteAddress: String
    /// Identifies the connection the request came on (unique for the life of the server).
    public var connectionID: UInt64

    public init(
        head: HTTPRequestHead,
        body: [UInt8] = [],
        remoteAddress: String = "",
        connectionID: UInt64 = 0
    ) {
        method = head.method
        target = head.target
        path = head.path
        query = head.query
        versionMinor = head.versionMinor
        headers = head.headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.connectionID = connectionID
    }

    /// The head part of this request.
    public var head: HTTPRequestHead {
        HTTPRequestHead(method: method, target: target, path: path, query: query,
                        versionMinor: versionMinor, headers: headers)
    }
}
