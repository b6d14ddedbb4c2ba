/// What an ``HTTPServer`` serves: the application's answers to requests, and the body of the
/// answers the server gives itself (parse errors, limits, timeouts). Given once, at init, and
/// never changed: the loops read it on every request without a lock.
public protocol HTTPResponder: Sendable {
    /// Answers `request` through `reply`, now or later, from any thread. Runs on an event-loop
    /// thread: it must not block.
    func respond(to request: HTTPRequest, reply: HTTPReply)

    /// The answer to an error the server detected itself. `head` is the request's head when it
    /// was parsed. The server then forces the error's status and `Connection: close`.
    /// Default: ``HTTPResponseError/response()``, a text/plain reason.
    func response(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse
}

extension HTTPResponder {
    public func response(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
        error.response()
    }
}

/// The application's request handler as a closure; see ``HTTPResponder/respond(to:reply:)``.
public typealias HTTPHandler = @Sendable (HTTPRequest, HTTPReply) -> Void

/// A responder made of a handler closure, with the default error answers.
struct HandlerResponder: HTTPResponder {
    let handler: HTTPHandler

    func respond(to request: HTTPRequest, reply: HTTPReply) {
        handler(request, reply)
    }
}

/// An error that knows its HTTP answer: the server's own errors, the admin API's, a SOAP fault.
/// One way to render errors, whichever layer raised them.
public protocol HTTPResponseError: Error, Sendable {
    /// The status code of the answer.
    var status: Int { get }
    /// The whole answer; its status is ``status``.
    func response() -> HTTPResponse
}
