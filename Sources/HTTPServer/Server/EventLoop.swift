import Glibc
import Logging

/// One event-loop thread: an epoll instance watching the shared listening sockets, its own
/// connections and its wake-up eventfd.
///
/// An `EventLoop` is created on its thread and never leaves it, so its state (the connection
/// table, buffers, timers) needs no locking. Other threads reach it only through its
/// ``EventLoopHandle`` inbox.
final class EventLoop {
    let handle: EventLoopHandle
    /// Every loop of the server, this one included: where a connection it accepts may go.
    private let loops: [EventLoopHandle]
    let core: ServerCore
    let listeners: [ListeningSocket]
    let logger: Logger
    let timeouts: ConnectionLifecycle.Timeouts
    var encoder: ResponseEncoder
    /// The server's responder, this loop's copy, called where it lies (``respond(to:reply:)``).
    /// Read through the shared `core` it was copied for every request, and the copy retained and
    /// released each object the responder holds: writes to those objects' first cache lines from
    /// every loop on every call.
    private let responder: UnsafeMutablePointer<any HTTPResponder>

    /// The time of the current iteration by the server's clock, in nanoseconds: what timeouts
    /// are judged by.
    private(set) var now: UInt64 = 0
    /// The monotonic time of the current iteration: what sweeps are scheduled by (the server's
    /// clock may be a test's, moved by hand).
    private var monotonicNow: UInt64 = 0
    private let monotonic = MonotonicClock()
    private(set) var stopping = false
    private var shutdownDeadline: UInt64 = .max

    /// Upper bound of a connection's read buffer: a full head plus one large read.
    let maxReadBufferCapacity: Int
    private let sweepInterval: UInt64
    private var nextSweep: UInt64 = 0

    /// Connections indexed by descriptor (descriptors are small integers, so this beats hashing).
    private var connections: [Connection?] = []
    private(set) var connectionCount = 0
    private var watchingListener = true
    /// Off epoll for one sweep after an accept error that would otherwise repeat at once.
    private var listenerPaused = false
    private let events = EpollEventBuffer(capacity: 256)
    /// Scratch space for lingering closes, which read and throw away.
    let discardBuffer: UnsafeMutableRawBufferPointer
    /// Scratch space for TLS reads: ciphertext on its way from the kernel into OpenSSL.
    let cipherScratch: UnsafeMutableRawBufferPointer
    private var pendingMessages: [LoopMessage] = []
    /// True while the events of one `epoll_wait` are handled: answers made then are written
    /// together once all of them are handled (`deferFlush`).
    private(set) var deferringFlushes = false
    /// Connections whose answer waits for the end of the events being handled, by id (a
    /// connection closed meanwhile, or its descriptor reused, is passed over).
    private var deferredFlushes: [(fd: Int32, id: UInt64)] = []
    /// A descriptor kept open so it can be given up when accept fails with EMFILE, to accept
    /// and drop the pending connection instead of spinning on it.
    private var reserveFD: Int32

    init(handle: EventLoopHandle, loops: [EventLoopHandle], core: ServerCore, listeners: [ListeningSocket]) {
        self.handle = handle
        self.loops = loops
        self.core = core
        self.listeners = listeners
        let configuration = core.configuration
        var logger = core.logger
        logger[metadataKey: "event-loop"] = "\(handle.index)"
        self.logger = logger
        encoder = ResponseEncoder(serverName: configuration.serverName)
        responder = .allocate(capacity: 1)
        responder.initialize(to: core.responder)
        timeouts = ConnectionLifecycle.Timeouts(configuration.timeouts)
        let limits = configuration.limits
        maxReadBufferCapacity = max(limits.maxHeaderBytes, limits.maxRequestLineBytes) + 64 * 1024
        // Timeouts are checked by a periodic sweep; a quarter of the shortest one keeps them
        // accurate to 25% without waking an idle loop more than a few times per second.
        let shortest = min(timeouts.request, timeouts.idle, timeouts.linger)
        sweepInterval = min(max(shortest / 4, 5_000_000), 250_000_000)
        discardBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 8)
        // A whole TLS record (16 KiB and its overhead) in one read.
        cipherScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: listeners.contains { $0.tls != nil } ? 17 * 1024 : 0, alignment: 8)
        reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        responder.deinitialize(count: 1)
        responder.deallocate()
        discardBuffer.deallocate()
        cipherScratch.deallocate()
        if reserveFD >= 0 { Glibc.close(reserveFD) }
    }

    /// Hands a request to the server's responder (see `responder`).
    func respond(to request: HTTPRequest, reply: HTTPReply) {
        responder.pointee.respond(to: request, reply: reply)
    }

    private func readClocks() {
        monotonicNow = monotonic.nanoseconds()
        now = core.clock?.nanoseconds() ?? monotonicNow
    }

    // MARK: Running

    /// Runs until shutdown has completed on this loop (or epoll fails, which it cannot in practice).
    func run() {
        handle.markCurrentThread()
        readClocks()
        nextSweep = monotonicNow + sweepInterval
        logger.debug("event loop started")
        while true {
            let timeout = Int32(clamping: (nextSweep > monotonicNow ? nextSweep - monotonicNow : 0) / 1_000_000 + 1)
            let count: Int
            do {
                count = try handle.epoll.wait(into: events, timeoutMilliseconds: timeout)
            } catch {
                logger.warning("epoll_wait failed, stopping this event loop: \(error)")
                break
            }
            readClocks()
            deferringFlushes = true
            for index in 0..<count {
                let descriptor = events.descriptor(at: index)
                if let listenerIndex = listenerIndex(for: descriptor) {
                    if watchingListener { acceptConnections(on: listenerIndex) }
                } else if descriptor == handle.wakeup.fd {
                    handle.wakeup.drain()
                } else if let connection = connection(for: descriptor) {
                    connection.handle(events: events.events(at: index))
                }
            }
            deferringFlushes = false
            flushDeferred()
            drainInbox()
            if monotonicNow >= nextSweep {
                sweep()
                nextSweep = monotonicNow + sweepInterval
            }
            if stopping && connectionCount == 0 && handle.closeInboxIfEmpty() { break }
        }
        for case let connection? in connections {
            connection.close(reason: "event loop stopped")
        }
        stopWatchingListener()
        // Connections handed over and never taken (the loop stopped on an epoll failure):
        // closed, and no longer counted as this loop's.
        for case .adopt(let socket, _, _) in handle.close() {
            socket.close()
            handle.heldConnections.wrappingSubtract(1, ordering: .relaxed)
        }
        logger.debug("event loop stopped")
    }

    /// Writes `connection`'s answer once the events being handled are all handled.
    ///
    /// Answers written one by one as they are made reach the client one by one; written
    /// together they arrive together, and a client driving many connections (a load test, a
    /// pool) spends less per answer (wrk: 9.5 to 10.9 µs a call against 10.2 to 15.9). An answer
    /// waits at most for the handlers of `maxDeferredFlushes` - 1 other events.
    func deferFlush(_ connection: Connection) {
        deferredFlushes.append((connection.socket.fd, connection.id))
        // The first answer of a batch waits for the handlers of every event after it: past this
        // many answers they are written at once, so that no answer waits for a whole batch of
        // 256 events.
        if deferredFlushes.count >= Self.maxDeferredFlushes {
            deferringFlushes = false
            flushDeferred()
            deferringFlushes = true
        }
    }

    /// Most answers kept waiting for the end of a batch (a load of 64 connections on two loops
    /// makes batches of about 30 events).
    static let maxDeferredFlushes = 32

    private func flushDeferred() {
        // Not while deferring: a flush goes on to a pipelined request, whose answer would be
        // appended to the list being walked.
        assert(!deferringFlushes)
        guard !deferredFlushes.isEmpty else { return }
        for (fd, id) in deferredFlushes {
            guard let connection = connection(for: fd, id: id) else { continue }
            connection.flushDeferred()
        }
        deferredFlushes.removeAll(keepingCapacity: true)
    }

    /// The index in `listeners` of the listening socket `descriptor`, if it is one (a server
    /// has one to a few).
    private func listenerIndex(for descriptor: Int32) -> Int? {
        listeners.firstIndex { $0.socket.fd == descriptor }
    }

    private func connection(for descriptor: Int32) -> Connection? {
        let index = Int(descriptor)
        return index >= 0 && index < connections.count ? connections[index] : nil
    }

    /// The connection `id` if it is still open on `descriptor`: one closed since, or whose
    /// descriptor a newer connection reuses, is not it.
    private func connection(for descriptor: Int32, id: UInt64) -> Connection? {
        guard let connection = connection(for: descriptor), connection.id == id else { return nil }
        return connection
    }

    /// Delivers posted messages. Replies given inline by handlers arrive here too, and may lead
    /// to more requests and more replies, hence the loop until the inbox stays empty.
    private func drainInbox() {
        while true {
            handle.takeMessages(into: &pendingMessages)
            if pendingMessages.isEmpty { return }
            for message in pendingMessages {
                process(message)
            }
            pendingMessages.removeAll(keepingCapacity: true)
        }
    }

    private func process(_ message: LoopMessage) {
        switch message {
        case .reply(let fd, let connectionID, let sequence, let action):
            guard let connection = connection(for: fd, id: connectionID) else {
                logger.debug("reply for a closed connection dropped", metadata: ["connection": "\(connectionID)"])
                return
            }
            connection.deliver(action, sequence: sequence)
        case .abandoned(let fd, let connectionID, let sequence):
            guard let connection = connection(for: fd, id: connectionID) else { return }
            connection.replyAbandoned(sequence: sequence)
        case .shutdown(let grace):
            beginShutdown(grace: grace)
        case .adopt(let socket, let remoteAddress, let listenerIndex):
            register(socket, remoteAddress: remoteAddress, listener: listeners[listenerIndex], counted: true)
            // Accepted before this loop heard of the stop, handed over after: served like the
            // other connections open at the stop.
            if stopping, let connection = connection(for: socket.fd) { connection.serverIsStopping() }
        }
    }

    // MARK: Accepting

    private func acceptConnections(on listenerIndex: Int, untilEmpty: Bool = false) {
        let listener = listeners[listenerIndex]
        // Bounded so that one loop cannot starve its connections during a connection storm;
        // the listener is level-triggered, so what is left is reported again.
        for _ in 0..<(untilEmpty ? core.configuration.backlog + 64 : 64) {
            let accepted: (socket: Socket, remoteAddress: String)?
            do {
                accepted = try listener.socket.accept()
            } catch {
                handleAcceptFailure(error, on: listener)
                return
            }
            guard let (socket, remoteAddress) = accepted else { return }
            // At a stop the backlog's connections stay here: the other loops may be gone.
            if !untilEmpty, handOver(socket, remoteAddress: remoteAddress, listenerIndex: listenerIndex) { continue }
            register(socket, remoteAddress: remoteAddress, listener: listener, counted: false)
        }
    }

    /// Gives a connection just accepted to the loop holding the fewest connections, when that
    /// is not this one; false when this loop keeps it.
    ///
    /// The loop that wakes for the listener takes every connection waiting, so a client opening
    /// its connections at once (a pool, a load test) could find them all on one loop and the
    /// other cores idle: on 2 cores, 44,400 calls/s with 64 connections on one loop against
    /// 56,000 to 59,500 split between two. Keep-alive connections stay where they are put, so
    /// this costs one inbox message per connection, not per request.
    private func handOver(_ socket: Socket, remoteAddress: String, listenerIndex: Int) -> Bool {
        guard loops.count > 1 else { return false }
        var target: EventLoopHandle?
        var lowest = handle.heldConnections.load(ordering: .relaxed)
        for loop in loops where loop !== handle && !loop.exited.load(ordering: .relaxed) {
            let held = loop.heldConnections.load(ordering: .relaxed)
            if held < lowest {
                lowest = held
                target = loop
            }
        }
        guard let target else { return false }
        // Counted before it is posted, so that the next connection already sees it there.
        target.heldConnections.wrappingAdd(1, ordering: .relaxed)
        if target.submit(.adopt(socket: socket, remoteAddress: remoteAddress, listenerIndex: listenerIndex)) { return true }
        // That loop has exited (the server is stopping): this one serves the connection.
        target.heldConnections.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    private func handleAcceptFailure(_ error: SocketError, on listener: ListeningSocket) {
        guard case .failed(_, let code) = error, code == EMFILE || code == ENFILE, reserveFD >= 0 else {
            // The listener is level-triggered: returning would have epoll report it again at once
            // and spin this loop. Stop watching it until the next sweep tries again.
            logger.warning("accept failed: \(error); this loop stops accepting until its next sweep")
            pauseListener()
            return
        }
        logger.warning("out of file descriptors: dropping a new connection (raise the open-file limit)")
        Glibc.close(reserveFD)
        if let dropped = try? listener.socket.accept() {
            dropped.socket.close()
        }
        reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if reserveFD < 0 { pauseListener() }
    }

    /// Takes the listeners off this loop's epoll for one sweep interval (the other loops still
    /// watch them); `listenersRemaining` is not touched: this loop is not stopping.
    private func pauseListener() {
        guard watchingListener, !listenerPaused else { return }
        listenerPaused = true
        for listener in listeners { handle.epoll.remove(listener.socket.fd) }
    }

    /// Watches the listener again after a pause, and gets the spare descriptor back if it was lost.
    private func resumeListenerIfPaused() {
        if reserveFD < 0 { reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC) }
        guard listenerPaused, watchingListener, !stopping else { return }
        do {
            for listener in listeners {
                try handle.epoll.add(listener.socket.fd, events: EpollEvents.input | EpollEvents.exclusive)
            }
            listenerPaused = false
        } catch {
            // All or none: the next sweep tries again from a clean slate.
            for listener in listeners { handle.epoll.remove(listener.socket.fd) }
            logger.warning("cannot watch the listening sockets again yet: \(error)")
        }
    }

    /// Watches a new connection on this loop. `counted`: ``EventLoopHandle/heldConnections`` already counts
    /// it (a connection handed over by another loop).
    private func register(_ socket: Socket, remoteAddress: String, listener: ListeningSocket, counted: Bool) {
        if !counted { handle.heldConnections.wrappingAdd(1, ordering: .relaxed) }
        core.acceptedConnections.wrappingAdd(1, ordering: .relaxed)
        let id = core.nextConnectionID.wrappingAdd(1, ordering: .relaxed).newValue
        let open = core.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        let overLimit = open > core.configuration.limits.maxConnections
        if overLimit {
            core.openConnections.wrappingSubtract(1, ordering: .relaxed)
        }
        /// Gives up the connection before it is watched: closed, and counted nowhere.
        func drop(_ warning: Logger.Message) {
            logger.warning(warning)
            handle.heldConnections.wrappingSubtract(1, ordering: .relaxed)
            socket.close()
            if !overLimit { core.openConnections.wrappingSubtract(1, ordering: .relaxed) }
        }
        socket.setNoDelay()
        do {
            try handle.epoll.add(
                socket.fd,
                events: EpollEvents.input | EpollEvents.output | EpollEvents.readHangUp | EpollEvents.edgeTriggered
            )
        } catch {
            return drop("cannot watch a new connection: \(error)")
        }
        var session: TLSSession?
        if let context = listener.tls {
            session = TLSSession(context: context)
            if session == nil {
                handle.epoll.remove(socket.fd)
                return drop("cannot start a TLS session (out of memory?): dropping a new connection")
            }
        }
        let connection = Connection(
            loop: self, socket: socket, info: HTTPConnectionInfo(id: id, remoteAddress: remoteAddress, listener: listener.name),
            tls: session, countsTowardLimit: !overLimit
        )
        let index = Int(socket.fd)
        if index >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: index + 1 - connections.count))
        }
        connections[index] = connection
        connectionCount += 1
        if overLimit {
            logger.debug("connection refused: too many connections", metadata: ["remote": "\(remoteAddress)"])
            connection.reject(.tooManyConnections)
        } else {
            logger.debug("connection accepted", metadata: ["connection": "\(id)", "remote": "\(remoteAddress)", "listener": "\(listener.name)"])
        }
    }

    /// Called by a connection once its socket is closed.
    func remove(_ connection: Connection) {
        let index = Int(connection.socket.fd)
        guard index < connections.count, connections[index] === connection else { return }
        connections[index] = nil
        connectionCount -= 1
        handle.heldConnections.wrappingSubtract(1, ordering: .relaxed)
        if connection.countsTowardLimit {
            core.openConnections.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    // MARK: Timers and shutdown

    /// Enforces timeouts. Runs every `sweepInterval`; O(connections), which is cheap next to the
    /// syscalls those connections cost anyway.
    private func sweep() {
        resumeListenerIfPaused()
        let pastGrace = stopping && monotonicNow >= shutdownDeadline
        for index in connections.indices {
            guard let connection = connections[index] else { continue }
            if pastGrace {
                connection.close(reason: "shutdown grace period over")
            } else {
                connection.checkTimeouts(now: now)
            }
        }
    }

    private func beginShutdown(grace: Duration) {
        guard !stopping else { return }
        // Connections already in the backlog were made before the stop: take them, so that a
        // request they carry is answered like any other sent before the stop.
        if watchingListener && !listenerPaused {
            for index in listeners.indices { acceptConnections(on: index, untilEmpty: true) }
        }
        stopping = true
        shutdownDeadline = monotonicNow &+ ConnectionLifecycle.Timeouts.nanoseconds(grace)
        stopWatchingListener()
        for index in connections.indices {
            connections[index]?.serverIsStopping()
        }
        logger.debug("event loop stopping", metadata: ["connections": "\(connectionCount)"])
    }

    private func stopWatchingListener() {
        guard watchingListener else { return }
        watchingListener = false
        if !listenerPaused {
            for listener in listeners { handle.epoll.remove(listener.socket.fd) }
        }
        listenerPaused = false
        if core.listenersRemaining.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            for listener in listeners { listener.socket.close() }
            logger.debug("listening sockets closed")
        }
    }
}

/// A listening socket as the event loops see it: where connections come from and, for a TLS
/// listener, the context their sessions are made from.
struct ListeningSocket: Sendable {
    let socket: Socket
    let name: String
    let tls: TLSContext?
}
