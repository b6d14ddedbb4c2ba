import Glibc
import Logging

/// One client connection: the socket I/O around a ``ConnectionLifecycle``. Owned by its event
/// loop and only ever used on that loop's thread.
///
/// Requests are handled one at a time: while a reply is awaited or being written, nothing more
/// is read, so pipelined requests are answered in order and a fast client is slowed down by the
/// kernel's buffers instead of ours.
final class Connection {
    /// `unowned(unsafe)`: the loop owns its connections and closes every one before it ends,
    /// so the checked `unowned` (a strong retain and release at each of the many uses per
    /// request) buys nothing.
    unowned(unsafe) let loop: EventLoop
    let socket: Socket
    let info: HTTPConnectionInfo
    /// False for connections refused over the limit: they are not counted as open.
    let countsTowardLimit: Bool

    private var lifecycle: ConnectionLifecycle
    private var buffer = ReadBuffer()
    private var parser: HTTPRequestParser
    private var output: [UInt8] = []
    private var outputOffset = 0

    /// Edge-triggered epoll: true until a read shows the kernel buffer is drained.
    private var readable = true
    /// epoll reported the peer's FIN (EPOLLRDHUP): the end of stream is pending, so a short read
    /// no longer proves the socket is drained.
    private var finPending = false
    private var peerClosed = false
    /// Numbers requests so that a late reply for an earlier one can never be taken for the current one.
    private var sequence: UInt64 = 0
    /// The head of the request being read or served, for error answers and HEAD.
    private var currentHead: HTTPRequestHead?
    private var lingerBudget = 0

    private var logger: Logger { loop.logger }
    var id: UInt64 { info.id }
    var state: ConnectionLifecycle.State { lifecycle.state }

    init(loop: EventLoop, socket: Socket, info: HTTPConnectionInfo, countsTowardLimit: Bool) {
        self.loop = loop
        self.socket = socket
        self.info = info
        self.countsTowardLimit = countsTowardLimit
        parser = HTTPRequestParser(limits: loop.core.configuration.limits,
                                   requireHost: loop.core.configuration.requireHostHeader)
        lifecycle = ConnectionLifecycle(timeouts: loop.timeouts, now: loop.now)
    }

    private var isReading: Bool {
        switch lifecycle.state {
        case .idle, .receiving: true
        case .handling, .writing, .lingering, .closed: false
        }
    }

    /// No byte of a next request is held, here or in the parser.
    private var holdsNoRequest: Bool {
        parser.isBetweenRequests && buffer.isEmpty
    }

    // MARK: Events

    func handle(events: UInt32) {
        if events & EpollEvents.error != 0 {
            close(reason: "socket error")
            return
        }
        if events & (EpollEvents.input | EpollEvents.readHangUp | EpollEvents.hangUp) != 0 {
            readable = true
        }
        if events & (EpollEvents.readHangUp | EpollEvents.hangUp) != 0 {
            finPending = true
        }
        if events & EpollEvents.output != 0 && outputOffset < output.count {
            flush()
        }
        guard readable else { return }
        switch lifecycle.state {
        case .idle, .receiving:
            readAndProcess()
        case .lingering:
            discardInput()
        case .handling, .writing, .closed:
            // Backpressure: the bytes stay in the kernel until this reply is out.
            break
        }
    }

    private func readAndProcess() {
        while isReading, readable, !peerClosed {
            guard receiveOnce() else { return }
            processBuffer()
        }
    }

    /// One read into the buffer; false when the connection was closed.
    private func receiveOnce() -> Bool {
        let wanted = parser.isReadingBody ? 64 * 1024 : 4 * 1024
        let free = buffer.reserveFreeSpace(wanted, maxCapacity: loop.maxReadBufferCapacity)
        guard free > 0 else {
            // Only while a reply is awaited with pipelined bytes buffered: leave the rest in the kernel.
            readable = false
            return true
        }
        switch buffer.receive(from: socket) {
        case .success(0):
            peerClosed = true
            readable = false
        case .success(let count):
            // A short read means the socket buffer is empty; with edge-triggered epoll the
            // next arrival raises a new event, so skip the read that would say EAGAIN.
            // Not so for a FIN already reported: no new event would come for it.
            if count < free && !finPending { readable = false }
        case .failure(.wouldBlock):
            readable = false
        case .failure(.peerClosed):
            close(reason: "connection reset by peer")
            return false
        case .failure(let error):
            logger.warning("read failed", metadata: ["connection": "\(id)", "error": "\(error)"])
            close(reason: "read error")
            return false
        }
        return true
    }

    /// Parses what is buffered, dispatching at most one complete request.
    private func processBuffer() {
        while isReading {
            var consumed = 0
            let event = buffer.withReadableBytes { parser.parse($0, consumed: &consumed) }
            buffer.consume(consumed)
            switch event {
            case .needMoreData:
                if peerClosed {
                    close(reason: holdsNoRequest ? "closed by peer" : "peer closed mid-request")
                    return
                }
                // Empty lines alone do not start a request, so they cannot hold off the idle timeout.
                if !holdsNoRequest { lifecycle.requestStarted(now: loop.now) }
                return
            case .head(let head, _):
                lifecycle.requestStarted(now: loop.now)
                currentHead = head
                // RFC 9110 §10.1.1: tell the client to go on only if the body is not already on its
                // way; an oversized one was refused by the parser before we get here.
                if buffer.isEmpty && head.versionMinor >= 1
                    && head.headers.containsToken("100-continue", in: "Expect") {
                    output.append(contentsOf: ResponseEncoder.continueResponse)
                    flush()
                }
            case .request(let head, let body):
                dispatch(head, body: body)
            case .failure(let error, let head):
                sendError(error, head: head ?? currentHead)
            }
        }
    }

    private func dispatch(_ head: HTTPRequestHead, body: [UInt8]) {
        lifecycle.requestReceived(head)
        sequence &+= 1
        currentHead = head
        let request = HTTPRequest(head: head, body: body, connection: info)
        let reply = HTTPReply(context: ReplyContext(loop: loop.handle, fd: socket.fd, connectionID: id, sequence: sequence))
        loop.core.responder.respond(to: request, reply: reply)
    }

    // MARK: Replies

    func deliver(_ action: HTTPReplyAction, sequence replySequence: UInt64) {
        guard case .handling = lifecycle.state, replySequence == sequence else {
            logger.debug("stale reply dropped", metadata: ["connection": "\(id)"])
            return
        }
        // While stopping, a request the client already sent behind this one (pipelining) is
        // still answered: look at what the kernel holds before deciding to close (its event
        // may not have been seen yet, so try the read whatever `readable` says).
        if lifecycle.stopping && !peerClosed && holdsNoRequest {
            readable = true
            guard receiveOnce() else { return }
        }
        let keepAlive = lifecycle.mayKeepAlive(requestWaiting: !holdsNoRequest)
        switch action {
        case .response(let response):
            let isHEAD = currentHead?.method == "HEAD"
            let thenClose = loop.encoder.encode(response, isHEAD: isHEAD, keepAlive: keepAlive, into: &output)
            lifecycle.responseStarted(thenClose: thenClose, now: loop.now)
        case .raw(let bytes, let thenClose):
            output.append(contentsOf: bytes)
            lifecycle.responseStarted(thenClose: thenClose || !keepAlive, now: loop.now)
        case .close:
            close(reason: "closed by the handler")
            return
        }
        flush()
    }

    func replyAbandoned(sequence replySequence: UInt64) {
        guard case .handling = lifecycle.state, replySequence == sequence else { return }
        logger.warning("the handler dropped its reply without answering; closing the connection",
                       metadata: ["connection": "\(id)"])
        close(reason: "reply abandoned")
    }

    /// Answers an error the server detected itself, then closes.
    private func sendError(_ error: HTTPServerError, head: HTTPRequestHead? = nil) {
        logger.debug("answering an error", metadata: ["connection": "\(id)", "status": "\(error.status)", "error": "\(error)"])
        let response = loop.core.errorResponse(for: error, head: head)
        _ = loop.encoder.encode(response, isHEAD: head?.method == "HEAD", keepAlive: false, into: &output)
        lifecycle.responseStarted(thenClose: true, now: loop.now)
        flush()
    }

    /// Refuses a connection accepted over the limit.
    func reject(_ error: HTTPServerError) {
        sendError(error)
    }

    /// Writes pending output; a response normally leaves in this single send.
    private func flush() {
        while outputOffset < output.count {
            let offset = outputOffset
            let result = output.withUnsafeBytes { raw in
                Result { () throws(SocketError) -> Int in
                    try socket.send(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
            }
            switch result {
            case .success(let count):
                outputOffset += count
                lifecycle.wroteBytes(now: loop.now)
            case .failure(.wouldBlock):
                // The rest goes out on EPOLLOUT (registered once, edge-triggered).
                return
            case .failure(.peerClosed):
                close(reason: "peer closed before the reply was written")
                return
            case .failure(let error):
                logger.warning("write failed", metadata: ["connection": "\(id)", "error": "\(error)"])
                close(reason: "write error")
                return
            }
        }
        // Keep the buffer for the next response unless an unusually large one inflated it.
        if output.capacity > 256 * 1024 {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputOffset = 0
        perform(lifecycle.responseWritten(now: loop.now))
    }

    private func perform(_ action: ConnectionLifecycle.Action) {
        switch action {
        case .none:
            break
        case .answer(let error):
            sendError(error, head: currentHead)
        case .close(let reason):
            close(reason: reason)
        case .readNextRequest:
            currentHead = nil
            buffer.shrink(above: loop.maxReadBufferCapacity)
            // Pipelined requests already buffered are answered before reading more.
            processBuffer()
            if isReading && readable { readAndProcess() }
        case .linger:
            currentHead = nil
            startLinger()
        case .readBeforeStopping:
            readable = true
            readAndProcess()
            perform(lifecycle.stoppedWhileIdle(hasInput: !holdsNoRequest))
        }
    }

    // MARK: Closing

    /// Closes gracefully after the last answer: send FIN, then read and discard whatever the
    /// client still sends (bounded in time and bytes) before closing. Closing with unread data
    /// would make the kernel send a reset, which can destroy the answer before the client reads
    /// it: typically a 413 sent while the client is still uploading.
    private func startLinger() {
        socket.shutdownWrite()
        buffer.removeAll()
        lingerBudget = loop.core.configuration.limits.maxLingerBytes
        if peerClosed {
            close(reason: "done")
        } else if readable {
            discardInput()
        }
    }

    private func discardInput() {
        while true {
            switch Result(catching: { () throws(SocketError) -> Int in try socket.receive(into: loop.discardBuffer) }) {
            case .success(0):
                close(reason: "closed by peer after the last answer")
                return
            case .success(let count):
                lingerBudget -= count
                if lingerBudget <= 0 {
                    close(reason: "lingering close: byte budget spent")
                    return
                }
            case .failure(.wouldBlock):
                readable = false
                return
            case .failure:
                close(reason: "lingering close ended by the peer")
                return
            }
        }
    }

    func close(reason: String) {
        guard !isClosed else { return }
        isClosed = true
        lifecycle.closed()
        socket.close()
        loop.remove(self)
        logger.debug("connection closed", metadata: ["connection": "\(id)", "reason": "\(reason)"])
    }

    /// Set once the socket is closed (the lifecycle may reach `.closed` first, from a timeout).
    private var isClosed = false

    // MARK: Timers and stop

    func checkTimeouts(now: UInt64) {
        perform(lifecycle.tick(now: now))
    }

    /// Shutdown: a connection between requests reads what the kernel already holds (a request
    /// sent before the stop is answered) and is closed if there is none; others finish their
    /// current request, whose answer then says `Connection: close`.
    func serverIsStopping() {
        perform(lifecycle.serverStopping(now: loop.now))
    }
}
