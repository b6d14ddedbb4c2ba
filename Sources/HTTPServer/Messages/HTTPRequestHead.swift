/// The request line and header section of a request, available as soon as the head is parsed
/// (before the body, and also when the body is refused).
public struct HTTPRequestHead: Sendable {
    /// The method token, case-sensitive as RFC 9110 §9.1 requires ("GET", "POST"...).
    public var method: String
    /// The raw request-target, e.g. "/lps?wsdl" or, in absolute form, "http://host/lps?wsdl".
    public var target: String
    /// The path of the target, not percent-decoded: the part before '?', after the authority
    /// of an absolute-form target ("/" when that has no path).
    public var path: String
    /// The raw part of `target` after '?', nil when there is no '?'.
    public var query: String?
    /// The host[:port] of an absolute-form target (RFC 9112 §3.2.2), nil for the usual origin form.
    public var targetAuthority: String?
    /// 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var versionMinor: Int
    public var headers: HTTPHeaders

    public init(method: String, target: String, versionMinor: Int = 1, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        (targetAuthority, path, query) = Self.split(target)
        self.versionMinor = versionMinor
        self.headers = headers
    }

    /// The authority the client addressed: an absolute-form target's, which RFC 9112 §3.2.2
    /// says wins over the Host field, else the Host field.
    public var authority: String? {
        targetAuthority ?? headers["Host"]
    }

    init(method: String, target: String, targetAuthority: String?, path: String, query: String?,
         versionMinor: Int, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.targetAuthority = targetAuthority
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

    /// Splits a request-target into authority (absolute form only), path and query.
    static func split(_ target: String) -> (authority: String?, path: String, query: String?) {
        var rest = Substring(target)
        var authority: String?
        for scheme in ["http://", "https://"] where rest.utf8.count > scheme.utf8.count
            && ASCII.equalsIgnoringCase(rest.utf8.prefix(scheme.utf8.count), scheme.utf8) {
            rest = rest.dropFirst(scheme.count)
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
            if rest.first != "/" { rest = Substring("/" + rest) }
            break
        }
        guard let mark = rest.firstIndex(of: "?") else { return (authority, String(rest), nil) }
        return (authority, String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
    }
}
