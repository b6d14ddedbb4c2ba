import Foundation

/// What the client needs of an HTTP client: one exchange, abandoned as soon as the calling task
/// is cancelled (the client's own deadline cancels it). ``CurlTransport`` is the one in use; the
/// protocol keeps the call logic of ``INSiClient`` and the rehearsal apart from libcurl.
protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse
}

struct TransportRequest: Sendable {
    enum Method: String, Sendable {
        case get = "GET", post = "POST", delete = "DELETE"
    }

    var method: Method
    var url: URL
    /// In order; a name given twice is sent twice.
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
    /// The transport's own limit on the whole exchange, a wall-clock backstop: the deadline
    /// that counts is the caller's, which cancels the task.
    var backstop: Duration
}

struct TransportResponse: Sendable {
    var status: Int
    var contentType: String?
    var body: [UInt8]
}

/// Why an exchange brought no HTTP answer.
enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The calling task was cancelled (the client's deadline, or its caller).
    case cancelled
    /// The transport's backstop passed.
    case timedOut
    /// No TLS session could be set up, or the TLS files cannot be used.
    case tls(TLSError)
    /// The exchange failed otherwise: `code` is libcurl's `CURLcode`, `message` says what to do.
    case connection(code: Int, message: String)

    var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .timedOut: return "no complete answer in time"
        case .tls(let error): return error.description
        case .connection(_, let message): return message
        }
    }
}
