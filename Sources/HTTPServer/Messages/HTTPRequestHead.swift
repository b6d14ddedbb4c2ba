/// The request line and header section of a request, available as soon as the head is parsed
/// (before the body, and also when the body is refused).
public struct HTTPRequestHead: Sendable {
    /// The method token, case-sensitive as RFC 9110 §9.1 requires ("GET", "POST"...).
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

    public init(method: String, target: String, versionMinor: Int = 1, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        self.versionMinor = versionMinor
        self.headers = headers
    }

    init(method: String, target: String, path: String, query: String?, versionMinor: Int, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.versionMinor = versionMinor
        self.headers = headers
    }

    /// Whether the client wants the connection kept open after this exchange
    /// (RFC 9112 §9.3: persistent by default in 1.1, opt-in with "keep-alive" in 1.0).
    var wantsKeepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        if versionMinor >= 1 { return true }
        return headers.containsToken("keep-alive", in: "Connection")
    }
}
