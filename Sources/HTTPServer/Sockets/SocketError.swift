import Glibc

/// A failed socket call, with errno captured right at the failing call.
///
/// Would-block and peer-closed are separate cases because they are ordinary events on a
/// non-blocking server, not failures worth a warning.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// EAGAIN/EWOULDBLOCK: try again when epoll says the socket is ready.
    case wouldBlock
    /// The peer reset or closed the connection (ECONNRESET, EPIPE, ENOTCONN).
    case peerClosed
    /// Any other failure of `operation` ("bind", "recv", ...).
    case failed(operation: String, errno: Int32)

    /// Classifies the current `errno` after `operation` returned -1.
    static func lastError(_ operation: String) -> SocketError {
        classify(errno, operation)
    }

    static func classify(_ code: Int32, _ operation: String) -> SocketError {
        switch code {
        case EAGAIN, EWOULDBLOCK: .wouldBlock
        case ECONNRESET, EPIPE, ENOTCONN, ECONNABORTED: .peerClosed
        default: .failed(operation: operation, errno: code)
        }
    }

    /// The errno value when there is one.
    public var errnoValue: Int32? {
        switch self {
        case .wouldBlock: EAGAIN
        case .peerClosed: nil
        case .failed(_, let code): code
        }
    }

    public var description: String {
        switch self {
        case .wouldBlock: "operation would block"
        case .peerClosed: "connection closed by peer"
        case .failed(let operation, let code): "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
