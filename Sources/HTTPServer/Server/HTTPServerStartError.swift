import Foundation

/// Why ``HTTPServer/start()`` failed, phrased so that a user can act on it.
public enum HTTPServerStartError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    case addressInUse(host: String, port: Int)
    case permissionDenied(host: String, port: Int)
    case addressNotAvailable(host: String)
    case cannotResolve(host: String, reason: String)
    case invalidPort(Int)
    case alreadyStarted
    case system(SocketError)
    /// A listener's TLS settings cannot be used (a certificate or key file, the client CA).
    case tls(listener: String, reason: String)
    case noListener
    case duplicateListener(String)

    public var description: String {
        switch self {
        case .addressInUse(let host, let port):
            "port \(port) is already in use on \(host)"
        case .permissionDenied(let host, let port):
            "permission denied to listen on \(host):\(port)"
                + (port < 1024 ? " (ports below 1024 need elevated privileges; pick a port above 1023)" : "")
        case .addressNotAvailable(let host):
            "address \(host) is not available on this machine (use 127.0.0.1, 0.0.0.0 or ::)"
        case .cannotResolve(let host, let reason):
            "cannot resolve host \"\(host)\": \(reason)"
        case .invalidPort(let port):
            "invalid port \(port): use 0...65535"
        case .alreadyStarted:
            "the server was already started"
        case .system(let error):
            "cannot start the server: \(error)"
        case .tls(let listener, let reason):
            "cannot set up TLS for the \(listener) listener: \(reason)"
        case .noListener:
            "the configuration has no listener"
        case .duplicateListener(let name):
            "two listeners are named \(name): each needs its own name"
        }
    }

    public var errorDescription: String? { description }
}
