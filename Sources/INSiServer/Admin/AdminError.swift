import HTTPServer

/// An admin request that cannot be carried out; renders its own JSON answer.
public enum AdminError: HTTPResponseError, Equatable, CustomStringConvertible {
    /// 400: a field of the request is invalid.
    case invalid(field: String, reason: String)
    /// 401: the server has an admin token and the request carries none.
    case unauthorized
    /// 403: the request carries another token.
    case forbidden
    /// 404.
    case notFound(String)
    /// 405: `method` is not allowed on `path`.
    case methodNotAllowed(method: String, path: String)
    /// 409: a duplicate.
    case conflict(String)
    /// 500: the change could not be made durable (disk full, I/O error): it was not applied.
    case storage(String)

    public var status: Int {
        switch self {
        case .invalid: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .storage: 500
        }
    }

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .unauthorized: "this admin API needs Authorization: Bearer <token> (the --admin-token of the server)"
        case .forbidden: "wrong admin token"
        case .notFound(let what): what
        case .methodNotAllowed(let method, let path): "\(method) is not allowed on \(path)"
        case .conflict(let what): what
        case .storage(let what): "the change was not saved: \(what)"
        }
    }

    /// `{"error": description}`, plus `field` and `reason` for an invalid field.
    public func response() -> HTTPResponse {
        var response: HTTPResponse
        if case .invalid(let field, let reason) = self {
            response = AdminAPI.json(status, ["error": description, "field": field, "reason": reason])
        } else {
            response = AdminAPI.json(status, ["error": description])
        }
        if case .unauthorized = self {
            response.headers.add("WWW-Authenticate", "Bearer realm=\"insi-sim admin\"")
        }
        return response
    }
}
