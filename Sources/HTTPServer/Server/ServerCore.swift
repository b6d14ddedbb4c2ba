import Logging
import Synchronization

/// The state shared by the server object and all its event loops.
final class ServerCore: Sendable {
    typealias ErrorResponder = @Sendable (HTTPServerError, HTTPRequestHead?) -> HTTPResponse

    let configuration: HTTPServerConfiguration
    let logger: Logger
    let handler: HTTPHandler

    /// The application's shaper for error answers; read by the loops on each error (rare).
    let errorResponder = Mutex<ErrorResponder?>(nil)
    /// Counted by all loops (accept and close), checked against `maxConnections` on accept;
    /// relaxed ordering suffices because no other memory is published through these counters.
    let openConnections = Atomic<Int>(0)
    let acceptedConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(0)
    /// Loops still watching the listening socket; the last one to let go closes it, so no loop
    /// can call accept on a closed (possibly reused) descriptor.
    let listenersRemaining = Atomic<Int>(0)
    /// Written once by `start`, read by `HTTPServer.port` from any thread.
    let boundPort = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, logger: Logger, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
    }

    /// The answer to an error the server handles itself: the application's body if it set a
    /// responder, always with the error's status and `Connection: close`.
    func errorResponse(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
        let responder = errorResponder.withLock { $0 }
        var response = responder?(error, head) ?? error.defaultResponse()
        response.status = error.status
        response.headers.set("Connection", "close")
        return response
    }
}
