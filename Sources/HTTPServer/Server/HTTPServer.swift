import Foundation
import Glibc
import Logging
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets and epoll.
///
/// `eventLoopCount` threads each run an epoll loop; every loop watches the shared listening
/// sockets (EPOLLEXCLUSIVE, so a new connection wakes one loop), gives each connection it
/// accepts to the loop holding the fewest (itself on a tie), and owns the connections it gets
/// for their whole life. Listeners may be plain HTTP or TLS (OpenSSL), side by side. The
/// handler runs inline on the loop thread and answers through ``HTTPReply``, at once or later
/// from any thread.
public final class HTTPServer: Sendable {
    private enum Lifecycle {
        case idle
        case starting
        case running(loops: [EventLoopHandle], runningLoops: Int)
        case stopping(runningLoops: Int)
        case stopped
    }

    private struct State {
        var lifecycle = Lifecycle.idle
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        /// A shutdown asked for while `start` was still running, applied when it finishes.
        var pendingShutdown: Duration?
    }

    private let core: ServerCore
    /// Guards the start/stop life cycle and the tasks waiting for the end of it.
    private let state = Mutex(State())

    /// A server answering with `responder`, which also shapes the server's own error answers
    /// (for example a SOAP fault for a 413 on a SOAP route).
    /// - Parameter clock: the time timeouts are judged by; the monotonic clock when nil.
    public init(configuration: HTTPServerConfiguration, logger: Logger, responder: some HTTPResponder,
                clock: (any ServerClock)? = nil) {
        core = ServerCore(configuration: configuration, logger: logger, responder: responder, clock: clock)
    }

    /// A server answering with `handler`, and with text/plain reasons for its own errors.
    public convenience init(configuration: HTTPServerConfiguration, logger: Logger,
                            clock: (any ServerClock)? = nil, handler: @escaping HTTPHandler) {
        self.init(configuration: configuration, logger: logger, responder: HandlerResponder(handler: handler), clock: clock)
    }

    /// The bound port of the first listener (0 before `start`).
    public var port: Int { core.boundPort.load(ordering: .acquiring) }

    /// Every listener with its bound port, in the configuration's order (empty before `start`).
    public var boundListeners: [BoundListener] { core.boundListeners.withLock { $0 } }

    /// The bound port of the listener named `name` (nil before `start` or for an unknown name).
    public func port(of name: String) -> Int? {
        boundListeners.first { $0.name == name }?.port
    }

    /// Connections currently open (refused over-limit connections are not counted).
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    /// Connections accepted since start, refused ones included.
    public var acceptedConnections: Int { core.acceptedConnections.load(ordering: .relaxed) }

    /// Error answers the server wrote itself (400, 408, 413, 414, 431, 501, 503, 505) since start.
    public var errorAnswers: Int { core.errorAnswers.load(ordering: .relaxed) }

    /// TLS handshakes refused (a certificate, plain HTTP, a protocol version...) or timed out since start.
    public var refusedHandshakes: Int { core.refusedHandshakes.load(ordering: .relaxed) }

    /// Connections each event loop holds now, by loop (empty unless running): a new connection
    /// goes to the loop holding the fewest, so these stay within one or two of each other
    /// (two loops accepting at the same moment) unless connections close unevenly.
    public var connectionsByLoop: [Int] {
        state.withLock { state in
            guard case .running(let loops, _) = state.lifecycle else { return [] }
            return loops.map { $0.heldConnections.load(ordering: .relaxed) }
        }
    }

    /// The counters above, read together (for metrics).
    public var counters: HTTPCounters {
        HTTPCounters(openConnections: openConnections, acceptedConnections: acceptedConnections, errorAnswers: errorAnswers,
                     refusedHandshakes: refusedHandshakes, connectionsByLoop: connectionsByLoop)
    }

    /// Binds, listens and starts the event loops; returns the bound port (useful with port 0).
    /// - Throws: ``HTTPServerStartError`` with a message a user can act on.
    @discardableResult
    public func start() throws(HTTPServerStartError) -> Int {
        let canStart = state.withLock { state -> Bool in
            guard case .idle = state.lifecycle else { return false }
            state.lifecycle = .starting
            return true
        }
        guard canStart else { throw .alreadyStarted }
        do {
            return try startLoops()
        } catch {
            let waiters = state.withLock { state in
                state.lifecycle = .stopped
                return state.stopWaiters.take()
            }
            waiters.forEach { $0.resume() }
            throw error
        }
    }

    private func startLoops() throws(HTTPServerStartError) -> Int {
        // A client vanishing mid-write must never kill the process; sends also use MSG_NOSIGNAL.
        signal(SIGPIPE, SIG_IGN)
        let configuration = core.configuration
        let (listeners, bound) = try openListeners(configuration)
        let port = bound[0].port
        var handles: [EventLoopHandle] = []
        do throws(SocketError) {
            for index in 0..<max(1, configuration.eventLoopCount) {
                let epoll = try Epoll.create()
                let wakeup: WakeupFD
                do {
                    wakeup = try WakeupFD.create()
                } catch {
                    epoll.close()
                    throw error
                }
                let handle = EventLoopHandle(index: index, epoll: epoll, wakeup: wakeup, logger: core.logger)
                handles.append(handle)
                try epoll.add(wakeup.fd, events: EpollEvents.input)
                for listener in listeners {
                    try epoll.add(listener.socket.fd, events: EpollEvents.input | EpollEvents.exclusive)
                }
            }
        } catch {
            handles.forEach { $0.close() }
            listeners.forEach { $0.socket.close() }
            throw .system(error)
        }
        core.listenersRemaining.store(handles.count, ordering: .releasing)
        core.boundListeners.withLock { $0 = bound }
        core.boundPort.store(port, ordering: .releasing)
        let pendingShutdown = state.withLock { state in
            state.lifecycle = .running(loops: handles, runningLoops: handles.count)
            return state.pendingShutdown
        }
        let core = self.core
        let loops = handles
        for handle in handles {
            let thread = Thread { [self] in
                EventLoop(handle: handle, loops: loops, core: core, listeners: listeners).run()
                self.loopDidStop()
            }
            thread.start()
        }
        if let pendingShutdown {
            beginShutdown(grace: pendingShutdown)
        }
        for listener in bound {
            core.logger.debug("HTTP server listening", metadata: [
                "listener": "\(listener.name)", "url": "\(listener.baseURL)", "event-loops": "\(handles.count)",
            ])
        }
        return port
    }

    /// Sets up every listener's TLS context, then binds them all; on failure nothing stays open.
    private func openListeners(_ configuration: HTTPServerConfiguration) throws(HTTPServerStartError)
        -> ([ListeningSocket], [BoundListener]) {
        guard !configuration.listeners.isEmpty else { throw .noListener }
        var names: Set<String> = []
        var contexts: [TLSContext?] = []
        for listener in configuration.listeners {
            guard names.insert(listener.name).inserted else { throw .duplicateListener(listener.name) }
            guard let tls = listener.tls else {
                contexts.append(nil)
                continue
            }
            do {
                contexts.append(try TLSContext(configuration: tls, listenerName: listener.name))
            } catch {
                throw .tls(listener: listener.name, reason: error.description)
            }
        }
        var sockets: [ListeningSocket] = []
        var bound: [BoundListener] = []
        for (listener, context) in zip(configuration.listeners, contexts) {
            do throws(HTTPServerStartError) {
                let socket = try Socket.listen(host: listener.host, port: listener.port, backlog: configuration.backlog)
                sockets.append(ListeningSocket(socket: socket, name: listener.name, tls: context))
                guard let port = socket.localPort() else { throw HTTPServerStartError.system(SocketError.lastError("getsockname")) }
                bound.append(BoundListener(configuration: listener, port: port))
            } catch {
                sockets.forEach { $0.socket.close() }
                throw error
            }
        }
        return (sockets, bound)
    }

    private func loopDidStop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            switch state.lifecycle {
            case .running(let loops, let running):
                state.lifecycle = running > 1 ? .running(loops: loops, runningLoops: running - 1) : .stopped
            case .stopping(let running):
                state.lifecycle = running > 1 ? .stopping(runningLoops: running - 1) : .stopped
            case .idle, .starting, .stopped:
                break
            }
            guard case .stopped = state.lifecycle else { return [] }
            return state.stopWaiters.take()
        }
        waiters.forEach { $0.resume() }
    }

    /// Graceful stop: stop accepting (the listening socket is closed), let requests in flight get
    /// their reply (up to `grace`), close idle keep-alive connections, then return once every
    /// event loop has exited. Safe to call twice and from any thread.
    public func shutdown(grace: Duration = .seconds(10)) async {
        beginShutdown(grace: grace)
        await waitUntilStopped()
    }

    /// Starts the graceful stop described in ``shutdown(grace:)`` without waiting for it, for
    /// callers that cannot await (a signal handler, a synchronous context). Safe to call twice.
    public func beginShutdown(grace: Duration = .seconds(10)) {
        let loops = state.withLock { state -> [EventLoopHandle] in
            switch state.lifecycle {
            case .running(let loops, let running):
                state.lifecycle = .stopping(runningLoops: running)
                return loops
            case .idle:
                state.lifecycle = .stopped
                return []
            case .starting:
                state.pendingShutdown = grace
                return []
            case .stopping, .stopped:
                return []
            }
        }
        for loop in loops {
            loop.submit(.shutdown(grace: grace))
        }
    }

    /// Returns once the server has fully stopped (immediately if it never started).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { state -> Bool in
                switch state.lifecycle {
                case .idle, .stopped:
                    return true
                case .starting, .running, .stopping:
                    state.stopWaiters.append(continuation)
                    return false
                }
            }
            if stopped { continuation.resume() }
        }
    }
}

/// Counters of an ``HTTPServer``, see its properties of the same names.
public struct HTTPCounters: Sendable, Equatable {
    public var openConnections = 0
    public var acceptedConnections = 0
    public var errorAnswers = 0
    public var refusedHandshakes = 0
    public var connectionsByLoop: [Int] = []

    public init(openConnections: Int = 0, acceptedConnections: Int = 0, errorAnswers: Int = 0, refusedHandshakes: Int = 0,
                connectionsByLoop: [Int] = []) {
        self.openConnections = openConnections
        self.acceptedConnections = acceptedConnections
        self.errorAnswers = errorAnswers
        self.refusedHandshakes = refusedHandshakes
        self.connectionsByLoop = connectionsByLoop
    }
}

extension Array {
    /// Empties the array and returns what it held.
    fileprivate mutating func take() -> [Element] {
        let elements = self
        self = []
        return elements
    }
}

/// A listener once bound: its configuration and the port it got.
public struct BoundListener: Sendable, Equatable {
    public let configuration: ListenerConfiguration
    /// The bound port (the one the system picked for port 0).
    public let port: Int

    public init(configuration: ListenerConfiguration, port: Int) {
        self.configuration = configuration
        self.port = port
    }

    public var name: String { configuration.name }

    /// "http://127.0.0.1:8080" or "https://[::1]:8443": the address as bound, no path.
    public var baseURL: String {
        let host = configuration.host
        return "\(configuration.scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
