/// The life cycle of one HTTP/1.1 connection (keep-alive, request, idle, write and lingering
/// timeouts) as a pure state machine: the connection tells it what happened and when, and does
/// what it answers. No I/O and no clock here, so every timing rule is tested with plain numbers.
///
/// Times are nanoseconds on a monotonic scale; only differences matter.
struct ConnectionLifecycle: Sendable {
    enum State: Equatable, Sendable {
        /// Waiting for the first byte of a request (the next one, or the first) since `since`.
        case idle(since: UInt64)
        /// A request started arriving at `since`; its head and body must be complete in time.
        case receiving(since: UInt64)
        /// The handler has the request; `keepAlive` is what the client asked for.
        case handling(keepAlive: Bool)
        /// A response is being written; `since` is the last time bytes went out.
        case writing(since: UInt64, thenClose: Bool)
        /// Our side is shut down; reading and discarding until the client closes or `until`.
        case lingering(until: UInt64)
        case closed
    }

    enum Action: Equatable, Sendable {
        case none
        /// Answer this error (with `Connection: close`), then linger.
        case answer(HTTPServerError)
        /// Close now without an answer.
        case close(reason: String)
        /// The response is out and the connection stays open: read the next request.
        case readNextRequest
        /// The response is out and was the last: shut down the write side and linger.
        case linger
        /// The server is stopping and the connection is between requests: read what the kernel
        /// already holds (a request sent before the stop must be answered), then call
        /// ``stoppedWhileIdle(hasInput:)``.
        case readBeforeStopping
    }

    /// The timeouts, in nanoseconds.
    struct Timeouts: Sendable, Equatable {
        var request: UInt64
        var idle: UInt64
        var linger: UInt64
        var lingerWhileStopping: UInt64

        init(_ timeouts: HTTPServerConfiguration.Timeouts) {
            request = Self.nanoseconds(timeouts.request)
            idle = Self.nanoseconds(timeouts.idle)
            linger = Self.nanoseconds(timeouts.linger)
            lingerWhileStopping = min(Self.nanoseconds(timeouts.lingerWhileStopping), linger)
        }

        static func nanoseconds(_ duration: Duration) -> UInt64 {
            let (seconds, attoseconds) = duration.components
            guard seconds >= 0 else { return 0 }
            let total = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
            return total >= Double(UInt64.max / 4) ? UInt64.max / 4 : UInt64(total)
        }
    }

    let timeouts: Timeouts
    private(set) var state: State
    /// The server is stopping: no response keeps the connection open unless a request is
    /// already waiting behind it.
    private(set) var stopping = false

    init(timeouts: Timeouts, now: UInt64) {
        self.timeouts = timeouts
        state = .idle(since: now)
    }

    /// Bytes of a request (not mere empty lines before it) have been received. Starts the
    /// request timeout; later bytes of the same request do not extend it.
    mutating func requestStarted(now: UInt64) {
        if case .idle = state { state = .receiving(since: now) }
    }

    /// A complete request goes to the handler.
    mutating func requestReceived(_ head: HTTPRequestHead) {
        // RFC 9112 §6.1: chunked framing from an HTTP/1.0 client is suspect; close after answering.
        let chunkedFromOld = head.versionMinor == 0 && head.headers.contains("Transfer-Encoding")
        state = .handling(keepAlive: head.wantsKeepAlive && !chunkedFromOld)
    }

    /// Whether the response about to be written may keep the connection open.
    /// `requestWaiting`: more request bytes were already received (pipelining); while stopping,
    /// they are answered before closing.
    func mayKeepAlive(requestWaiting: Bool) -> Bool {
        guard case .handling(let keepAlive) = state, keepAlive else { return false }
        return !stopping || requestWaiting
    }

    /// The handler's answer (or an error answer) starts going out.
    mutating func responseStarted(thenClose: Bool, now: UInt64) {
        state = .writing(since: now, thenClose: thenClose)
    }

    /// Some bytes of the response were written.
    mutating func wroteBytes(now: UInt64) {
        if case .writing(_, let thenClose) = state { state = .writing(since: now, thenClose: thenClose) }
    }

    /// The whole response is written.
    mutating func responseWritten(now: UInt64) -> Action {
        guard case .writing(_, let thenClose) = state else { return .none }
        if thenClose {
            state = .lingering(until: now + (stopping ? timeouts.lingerWhileStopping : timeouts.linger))
            return .linger
        }
        state = .idle(since: now)
        return .readNextRequest
    }

    /// Checks the timeouts; called periodically.
    mutating func tick(now: UInt64) -> Action {
        switch state {
        case .idle(let since):
            guard now &- since >= timeouts.idle else { return .none }
            state = .closed
            return .close(reason: "idle timeout")
        case .receiving(let since):
            guard now &- since >= timeouts.request else { return .none }
            return .answer(.requestTimeout)
        case .handling:
            // The handler may take as long as it likes; the shutdown's grace period bounds it.
            return .none
        case .writing(let since, _):
            guard now &- since >= timeouts.idle else { return .none }
            state = .closed
            return .close(reason: "write stalled")
        case .lingering(let until):
            guard now >= until else { return .none }
            state = .closed
            return .close(reason: "lingering close: time is up")
        case .closed:
            return .none
        }
    }

    /// The server begins a graceful stop.
    mutating func serverStopping(now: UInt64) -> Action {
        stopping = true
        switch state {
        case .idle:
            return .readBeforeStopping
        case .lingering(let until):
            state = .lingering(until: min(until, now + timeouts.lingerWhileStopping))
            return .none
        case .receiving, .handling, .writing, .closed:
            return .none
        }
    }

    /// After ``Action/readBeforeStopping``: `hasInput` tells whether a request started arriving.
    mutating func stoppedWhileIdle(hasInput: Bool) -> Action {
        guard case .idle = state, !hasInput else { return .none }
        state = .closed
        return .close(reason: "server stopping")
    }

    /// The connection was closed (by the peer, an error or an action).
    mutating func closed() {
        state = .closed
    }
}
