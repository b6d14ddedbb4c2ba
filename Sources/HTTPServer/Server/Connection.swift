import Glibc
import Logging

/// One client connection. Owned by its event loop and only ever used on that loop's thread.
///
/// Requests are handled one at a time: while a reply is awaited or being written, nothing more
/// is read, so pipelined requests are answered in order and a fast client is slowed down by the
/// kernel's buffers instead of ours.
final class Connection {
    enum State {
        /// Reading (part of) a request, or waiting for the next one.
        case reading
        /// The handler has the request; `deliver` comes next.
        case awaitingReply
        /// A reply is being written; then read the next request, or close.
        case flushing(thenClose: Bool)
        /// Our side is shut down; reading and discarding until the client closes (see `startLinger`).
        case lingering
        case closed
    }

    unowned let loop: EventLoop
    let socket: Socket
    let id: UInt64
    let remoteAddress: String
    /// False for connections refused over the limit: they are not counted as open.
    let countsTowardLimit: Bool

    private(set) var state = State.reading
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
    private var keepAlive = true
    /// When the first byte of the request being read arrived (0: none yet).
    private var requestStart: UInt64 = 0
    /// Last time bytes moved in either direction.
    private var lastActivity: UInt64
    private var lingerDeadline: UInt64 = 0
    private var lingerBudget = 0

    private var logger: Logger { loop.logger }

    init(loop: EventLoop, socket: Socket, id: UInt64, remoteAddress: String, countsTowardLimit: Bool) {
        self.loop = loop
        self.socket = socket
        self.id = id
        self.remoteAddress = remoteAddress
        self.countsTowardLimit = countsTowardLimit
        parser = HTTPRequestParser(limits: loop.limits)
        lastActivity = loop.now
    }

    // MARK: Events

    func handle(events: UInt32) {
        if events & LinuxAPI.EPOLLERR != 0 {
            close(reason: "socket error")
            return
        }
        if events & (LinuxAPI.EPOLLIN | LinuxAPI.EPOLLRDHUP | LinuxAPI.EPOLLHUP) != 0 {
            readable = true
        }
        if events & (LinuxAPI.EPOLLRDHUP | LinuxAPI.EPOLLHUP) != 0 {
            finPending = true
        }
        if events & LinuxAPI.EPOLLOUT != 0 && outputOffset < output.count {
            flush()
        }
        guard readable else { return }
        switch state {
        case .reading:
            readAndProcess()
        case .lingering:
            discardInput()
        case .awaitingReply, .flushing, .closed:
            // Backpressure: the bytes stay in the kernel until this reply is out.
            break
        }
    }

    private func readAndProcess() {
        while case .reading = state, readable, !peerClosed {
            let wanted = parser.isReadingBody ? 64 * 1024 : 4 * 1024
            let free = buffer.reserveFreeSpace(wanted, maxCapacity: loop.maxReadBufferCapacity)
            guard free > 0 else {
                // Cannot happen: the parser fails with 431 long before the buffer is full.
                sendError(.headersTooLarge)
                return
            }
            switch buffer.receive(from: socket) {
            case .success(0):
                peerClosed = true
                readable = false
            case .success(let count):
                lastActivity = loop.now
                // A short read means the socket buffer is empty; with edge-triggered epoll the
                // next arrival raises a new event, so skip the read that would say EAGAIN.
                // Not so for a FIN already reported: no new event would come for it.
                if count < free && !finPending { readable = false }
            case .failure(.wouldBlock):
                readable = false
                return
            case .failure(.peerClosed):
                close(reason: "connection reset by peer")
                return
            case .failure(let error):
                logger.warning("read failed: \(error)", metadata: ["connection": "\(id)"])
                close(reason: "read error")
                return
            }
            processBuffer()
        }
    }

    /// Parses what is buffered, dispatching at most one complete request.
    private func processBuffer() {
        while case .reading = state {
            var consumed = 0
            let event = buffer.withReadableBytes { parser.parse($0, consumed: &consumed) }
            buffer.consume(consumed)
            switch event {
            case .needMoreData:
                if peerClosed {
                    close(reason: parser.isBetweenRequests && buffer.isEmpty ? "closed by peer" : "peer closed mid-request")
                    return
                }
                if parser.isBetweenRequests && buffer.isEmpty {
                    requestStart = 0
                } else if requestStart == 0 {
                    requestStart = loop.now
                }
                return
            case .head(let head, _):
                if requestStart == 0 { requestStart = loop.now }
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
        state = .awaitingReply
        sequence &+= 1
        requestStart = 0
        currentHead = head
        // RFC 9112 §6.1: chunked framing from an HTTP/1.0 client is suspect; close after answering.
        keepAlive = head.wantsKeepAlive && (head.versionMinor >= 1 || !head.headers.contains("Transfer-Encoding"))
        let request = HTTPRequest(head: head, body: body, remoteAddress: remoteAddress, connectionID: id)
        let reply = HTTPReply(context: ReplyContext(loop: loop.handle, fd: socket.fd, connectionID: id, sequence: sequence))
        loop.core.handler(request, reply)
    }

    // MARK: Replies

    func deliver(_ action: HTTPReplyAction, sequence replySequence: UInt64) {
        guard case .awaitingReply = state, replySequence == sequence else {
            logger.debug("stale reply dropped", metadata: ["connection": "\(id)"])
            return
        }
        let serverKeepsAlive = keepAlive && !loop.stopping
        switch action {
        case .response(let response):
            let isHEAD = currentHead?.method == "HEAD"
            let thenClose = loop.encoder.encode(response, isHEAD: isHEAD, keepAlive: serverKeepsAlive, into: &output)
            state = .flushing(thenClose: thenClose)
        case .raw(let bytes, let thenClose):
            output.append(contentsOf: bytes)
            state = .flushing(thenClose: thenClose || !serverKeepsAlive)
        case .close:
            close(reason: "closed by the handler")
            return
        }
        flush()
    }

    func replyAbandoned(sequence replySequence: UInt64) {
        guard case .awaitingReply = state, replySequence == sequence else { return }
        logger.warning("the handler dropped its reply without answering; closing the connection",
                       metadata: ["connection": "\(id)"])
        close(reason: "reply abandoned")
    }

    /// Answers an error the server detected itself, then closes.
    private func sendError(_ error: HTTPServerError, head: HTTPRequestHead? = nil) {
        logger.debug("answering \(error.status)", metadata: ["connection": "\(id)", "error": "\(error)"])
        let response = loop.core.errorResponse(for: error, head: head)
        _ = loop.encoder.encode(response, isHEAD: head?.method == "HEAD", keepAlive: false, into: &output)
        state = .flushing(thenClose: true)
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
                lastActivity = loop.now
            case .failure(.wouldBlock):
                // The rest goes out on EPOLLOUT (registered once, edge-triggered).
                return
            case .failure(.peerClosed):
                close(reason: "peer closed before the reply was written")
                return
            case .failure(let error):
                logger.warning("write failed: \(error)", metadata: ["connection": "\(id)"])
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
        if case .flushing(let thenClose) = state {
            responseWritten(thenClose: thenClose)
        }
    }

    private func responseWritten(thenClose: Bool) {
        currentHead = nil
        if thenClose || loop.stopping {
            startLinger()
            return
        }
        state = .reading
        lastActivity = loop.now
        buffer.shrink(above: loop.maxReadBufferCapacity)
        // Pipelined requests already buffered are answered before reading more.
        processBuffer()
        if case .reading = state, readable {
            readAndProcess()
        }
    }

    // MARK: Closing

    /// Closes gracefully after the last answer: send FIN, then read and discard whatever the
    /// client still sends (bounded in time and bytes) before closing. Closing with unread data
    /// would make the kernel send a reset, which can destroy the answer before the client reads
    /// it: typically a 413 sent while the client is still uploading.
    private func startLinger() {
        state = .lingering
        socket.shutdownWrite()
        buffer.removeAll()
        let timeout = loop.stopping ? min(loop.lingerTimeout, 250_000_000) : loop.lingerTimeout
        lingerDeadline = loop.now + timeout
        lingerBudget = loop.maxLingerBytes
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
        if case .closed = state { return }
        state = .closed
        socket.close()
        loop.remove(self)
        logger.debug("connection closed: \(reason)", metadata: ["connection": "\(id)"])
    }

    // MARK: Timers

    func checkTimeouts(now: UInt64) {
        switch state {
        case .reading:
            if requestStart != 0 {
                if now &- requestStart >= loop.headerTimeout {
                    sendError(.requestTimeout, head: currentHead)
                }
            } else if now &- lastActivity >= loop.idleTimeout {
                close(reason: "idle timeout")
            }
        case .awaitingReply:
            // The handler may take as long as it likes; shutdown's grace period bounds it.
            break
        case .flushing:
            if now &- lastActivity >= loop.idleTimeout {
                close(reason: "write stalled")
            }
        case .lingering:
            if now >= lingerDeadline {
                close(reason: "lingering close: time is up")
            }
        case .closed:
            break
        }
    }

    /// Shutdown: an idle keep-alive connection is closed now; others finish their current
    /// request, whose answer then says `Connection: close`.
    func serverIsStopping() {
        if case .reading = state, requestStart == 0, buffer.isEmpty {
            close(reason: "server stopping")
        } else if case .lingering = state {
            lingerDeadline = min(lingerDeadline, loop.now + 250_000_000)
        }
    }
}
