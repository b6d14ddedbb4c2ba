/// An admin request that cannot be carried out, with its HTTP status.
public enum AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400: a field of the request is invalid.
    case invalid(field: String, reason: String)
    /// 404.
    case notFound(String)
    /// 409: a duplicate.
    case conflict(String)
    /// 500: the change could not be made durable (disk full, I/O error): it was not applied.
    case storage(String)

    public var status: Int {
        switch self {
        case .invalid: return 400
        case .notFound: return 404
        case .conflict: return 409
        case .storage: return 500
        }
    }

    public var description: String {
        switch self {
        case .invalid(let field, let reason): return "\(field): \(reason)"
        case .notFound(let what): return what
        case .conflict(let what): return what
        case .storage(let what): return "the change was not saved: \(what)"
        }
    }
}
