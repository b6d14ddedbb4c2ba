/// Errors the server answers itself, before (or instead of) calling the handler.
/// The connection is always closed after such an answer.
public enum HTTPServerError: HTTPResponseError, Equatable, CustomStringConvertible {
    /// 400: the bytes are not a valid HTTP/1.1 request; the text says what was wrong.
    case malformedRequest(String)
    /// 414: the request line is longer than `maxRequestLineBytes`.
    case uriTooLong
    /// 431: the head is larger than `maxHeaderBytes` or has more than `maxHeaderCount` fields.
    case headersTooLarge
    /// 413: the body (declared or chunked total) is larger than `limit` bytes.
    case bodyTooLarge(limit: Int)
    /// 408: the head or body did not arrive within `headerReadTimeout`.
    case requestTimeout
    /// 505: an HTTP major version other than 1.
    case unsupportedVersion
    /// 501: a transfer coding other than chunked.
    case unsupportedTransferEncoding
    /// 503: the server already has `maxConnections` open connections.
    case tooManyConnections

    /// The status code the server answers with.
    public var status: Int {
        switch self {
        case .malformedRequest: 400
        case .uriTooLong: 414
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .requestTimeout: 408
        case .unsupportedVersion: 505
        case .unsupportedTransferEncoding: 501
        case .tooManyConnections: 503
        }
    }

    public var description: String {
        switch self {
        case .malformedRequest(let reason): "Bad Request: \(reason)"
        case .uriTooLong: "URI Too Long"
        case .headersTooLarge: "Request Header Fields Too Large"
        case .bodyTooLarge(let limit): "Content Too Large: the body exceeds \(limit) bytes"
        case .requestTimeout: "Request Timeout"
        case .unsupportedVersion: "HTTP Version Not Supported"
        case .unsupportedTransferEncoding: "Not Implemented: unsupported Transfer-Encoding"
        case .tooManyConnections: "Service Unavailable: too many connections"
        }
    }

    /// The default answer: the description as text/plain.
    public func response() -> HTTPResponse {
        HTTPResponse.text(status, description + "\n")
    }
}
