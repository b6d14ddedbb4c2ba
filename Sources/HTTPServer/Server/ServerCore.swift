import Logging
import Synchronization

/// The state shared by the server object and all its event loops.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let logger: Logger
    /// Immutable: read by every loop on every request and every error, without a lock.
    let responder: any HTTPResponder
    /// The time timeouts are judged by; nil for the monotonic clock the loops read anyway.
    let clock: (any ServerClock)?

    /// Counted by all loops (accept and close), checked against `maxConnections` on accept;
    /// relaxed ordering suffices because no other memory is published through these counters.
    let openConnections = Atomic<Int>(0)
    let acceptedConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(0)
    /// Answers the server wrote itself (4xx/5xx from the HTTP layer), over the process lifetime.
    let errorAnswers = Atomic<Int>(0)
    /// TLS handshakes that failed or timed out, over the process lifetime.
    let refusedHandshakes = Atomic<Int>(0)
    /// Loops still watching the listening socket; the last one to let go closes it, so no loop
    /// can call accept on a closed (possibly reused) descriptor.
    let listenersRemaining = Atomic<Int>(0)
    /// Written once by `start`, read by `HTTPServer.port` from any thread.
    let boundPort = Atomic<Int>(0)
    /// Written once by `start`, read by `HTTPServer.boundListeners` from any thread.
    let boundListeners = Mutex<[BoundListener]>([])

    init(configuration: HTTPServerConfiguration, logger: Logger, responder: any HTTPResponder, clock: (any ServerClock)?) {
        self.configuration = configuration
        self.logger = logger
        self.responder = responder
        self.clock = clock
    }

    /// The answer to an error the server handles itself: the responder's body, always with the
    /// error's status and `Connection: close`.
    func errorResponse(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
        errorAnswers.wrappingAdd(1, ordering: .relaxed)
        var response = responder.response(for: error, head: head)
        response.status = error.status
        response.headers.set("Connection", "close")
        return response
    }
}
