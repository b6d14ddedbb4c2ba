import Glibc
import Logging

/// One client connection: the socket I/O around a ``ConnectionLifecycle``. Owned by its event
/// loop and only ever used on that loop's thread.
///
/// On a TLS listener a ``TLSSession`` sits between the socket and the HTTP bytes: the
/// handshake comes first (its bytes count as the start of a request, so the request timeout
/// bounds it), then reads give plaintext and writes are encrypted; the HTTP logic is the same.
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
    /// Completed with the TLS particulars once the handshake is done.
    private(set) var info: HTTPConnectionInfo
    /// nil on plain HTTP (and once a TLS connection turned out to be plain HTTP, to answer it).
    private var tls: TLSSession?
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

    init(loop: EventLoop, socket: Socket, info: HTTPConnectionInfo, tls: TLSSession?, countsTowardLimit: Bool) {
        self.loop = loop
        self.socket = socket
        self.info = info
        self.tls = tls
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
            markReadable()
        }
        if events & (EpollEvents.readHangUp | EpollEvents.hangUp) != 0 {
            finPending = true
            tls?.finPending = true
        }
        if events & EpollEvents.output != 0 && hasOutput {
            flush()
            if isClosed { return }
        }
        guard readable else { return }
        if let tls, !tls.isEstablished {
            continueHandshake(tls)
            return
        }
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

    /// Bytes may be waiting in the kernel (and so in front of TLS).
    private func markReadable() {
        readable = true
        tls?.socketMayHaveInput = true
    }

    /// Output not yet accepted by the kernel: plaintext not yet sent or encrypted, or ciphertext.
    private var hasOutput: Bool {
        outputOffset < output.count || tls?.hasPendingOutput == true
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
        if let tls { return receiveOnce(tls, free: free) }
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
        case .failure(let error):
            readFailed(error)
            return false
        }
        return true
    }

    /// A failed read closes the connection, quietly when the peer reset it.
    private func readFailed(_ error: SocketError) {
        guard error != .peerClosed else {
            close(reason: "connection reset by peer")
            return
        }
        logger.warning("read failed", metadata: ["connection": "\(id)", "error": "\(error)"])
        close(reason: "read error")
    }

    /// One TLS read: plaintext into the buffer, with the same outcomes as a plain read.
    private func receiveOnce(_ tls: TLSSession, free: Int) -> Bool {
        let outcome = buffer.receive(from: tls, socket: socket, scratch: loop.cipherScratch)
        // OpenSSL may have written while reading (a KeyUpdate answer, an alert): send it along.
        if tls.hasPendingOutput, !sendTLSOutput(tls) { return false }
        switch outcome {
        case .bytes:
            // Unlike a plain read, a short TLS read says nothing of the kernel: one record at a time.
            readable = tls.socketMayHaveInput || tls.hasBufferedInput
        case .wouldBlock:
            readable = false
        case .closed:
            peerClosed = true
            readable = false
        case .socketFailed(let error):
            readFailed(error)
            return false
        case .failed(let failure):
            logger.info("TLS error, closing", metadata: ["connection": "\(id)", "listener": "\(info.listener)", "reason": "\(failure)"])
            close(reason: "TLS error: \(failure)")
            return false
        }
        return true
    }

    // MARK: TLS handshake

    private func continueHandshake(_ tls: TLSSession) {
        let outcome = tls.handshake(socket: socket, scratch: loop.cipherScratch)
        // Handshake bytes are the start of a request: the request timeout bounds the handshake.
        if tls.hasReceivedBytes { lifecycle.requestStarted(now: loop.now) }
        // Counted before the alert leaves: a client that saw it may read the counter at once.
        if case .failed = outcome { loop.core.refusedHandshakes.wrappingAdd(1, ordering: .relaxed) }
        if tls.hasPendingOutput, !sendTLSOutput(tls) { return }
        switch outcome {
        case .established:
            info.tls = tls.connectionInfo()
            if let tlsInfo = info.tls, logger.logLevel <= .debug {
                logger.debug("TLS handshake done", metadata: [
                    "connection": "\(id)", "listener": "\(info.listener)", "protocol": "\(tlsInfo.protocolVersion)",
                    "cipher": "\(tlsInfo.cipher)", "resumed": "\(tlsInfo.sessionResumed)",
                    "client": "\(tlsInfo.peerCertificate?.subject ?? "-")",
                ])
            }
            readable = tls.socketMayHaveInput || tls.hasBufferedInput
            // The client's request often arrives with its last handshake message.
            if readable { readAndProcess() }
        case .waitingForInput:
            readable = false
        case .closedByPeer:
            close(reason: "closed by peer during the TLS handshake")
        case .socketFailed(let error):
            close(reason: "TLS handshake: \(error)")
        case .failed(let failure):
            refuseHandshake(failure)
        }
    }

    /// A clean refusal: the reason logged, the alert OpenSSL wrote already sent; plain HTTP
    /// on the TLS port gets a plain HTTP 400 saying so.
    private func refuseHandshake(_ failure: TLSSession.Failure) {
        logger.info("TLS handshake refused", metadata: [
            "connection": "\(id)", "listener": "\(info.listener)", "remote": "\(info.remoteAddress)", "reason": "\(failure)",
        ])
        guard failure.isPlainHTTP else {
            close(reason: "TLS handshake failed: \(failure)")
            return
        }
        // The request is answered in plain text on the raw socket, then the connection lingers.
        tls = nil
        buffer.removeAll()
        sendError(.malformedRequest("this port speaks HTTPS (TLS); the request came in plain HTTP: use an https:// URL"))
    }

    /// Sends the ciphertext OpenSSL queued outside an answer (handshake, tickets, alerts);
    /// false when the connection was closed. What the kernel does not take now goes on EPOLLOUT.
    private func sendTLSOutput(_ tls: TLSSession) -> Bool {
        switch tls.sendPending(socket) {
        case .success:
            return true
        case .failure(.peerClosed):
            close(reason: "connection reset by peer")
            return false
        case .failure(let error):
            close(reason: "write error: \(error)")
            return false
        }
    }

    /// Parses what is buffered, dispatching at most one complete request.
    private func processBuffer() {
        while isReading {
            var consumed = 0
            let event = buffer.withReadableBytes { parser.parse($0, consumed: &consumed) }
            buffer.consume(consumed)
            // Consumed: the head and body bound below are moved out, not copied (a head's copy
            // retains each of its strings).
            switch consume event {
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

    private func dispatch(_ head: consuming HTTPRequestHead, body: consuming [UInt8]) {
        lifecycle.requestReceived(head)
        sequence &+= 1
        currentHead = copy head
        let request = HTTPRequest(head: head, body: body, connection: info)
        let reply = HTTPReply(context: ReplyContext(loop: loop.handle, fd: socket.fd, connectionID: id, sequence: sequence))
        let slot = loop.handle.inlineReply
        guard !slot.delivering else {
            loop.respond(to: request, reply: reply)
            return
        }
        slot.arm(connectionID: id, sequence: sequence)
        loop.respond(to: request, reply: reply)
        guard let action = slot.disarm() else { return }
        slot.delivering = true
        deliver(action, sequence: sequence)
        slot.delivering = false
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
            markReadable()
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
        if loop.deferringFlushes {
            loop.deferFlush(self)
        } else {
            flush()
        }
    }

    /// Writes an answer whose writing waited for the end of the loop's batch of events.
    func flushDeferred() {
        guard !isClosed, case .writing = lifecycle.state else { return }
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

    /// Refuses a connection accepted over the limit: with an answer in plain HTTP, without one
    /// over TLS (it would take a handshake).
    func reject(_ error: HTTPServerError) {
        if tls != nil {
            close(reason: "refused: \(error)")
        } else {
            sendError(error)
        }
    }

    /// Writes pending output; a response normally leaves in this single send.
    private func flush() {
        if let tls {
            guard flushEncrypted(tls) else { return }
        }
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

    /// Encrypts the plaintext output and sends the ciphertext; true once all of it is out
    /// (`flush` then finishes the answer), false when it must wait for EPOLLOUT or closed.
    private func flushEncrypted(_ tls: TLSSession) -> Bool {
        if outputOffset < output.count {
            let offset = outputOffset
            let failure = output.withUnsafeBytes { raw in tls.encrypt(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            if let failure {
                logger.info("TLS error while writing", metadata: ["connection": "\(id)", "reason": "\(failure)"])
                close(reason: "TLS error: \(failure)")
                return false
            }
            outputOffset = output.count
        }
        switch tls.sendPending(socket) {
        case .success(let progress):
            if progress.progressed { lifecycle.wroteBytes(now: loop.now) }
            return progress.complete
        case .failure(.peerClosed):
            close(reason: "peer closed before the reply was written")
            return false
        case .failure(let error):
            logger.warning("write failed", metadata: ["connection": "\(id)", "error": "\(error)"])
            close(reason: "write error")
            return false
        }
    }

    private func perform(_ action: ConnectionLifecycle.Action) {
        switch action {
        case .none:
            break
        case .answer(let error):
            if let tls, !tls.isEstablished {
                loop.core.refusedHandshakes.wrappingAdd(1, ordering: .relaxed)
                logger.info("TLS handshake timed out", metadata: ["connection": "\(id)", "listener": "\(info.listener)",
                                                                  "remote": "\(info.remoteAddress)"])
                close(reason: "TLS handshake timed out")
                return
            }
            sendError(error, head: currentHead)
        case .close(let reason):
            close(reason: reason)
        case .readNextRequest:
            currentHead = nil
            buffer.shrink(above: loop.maxReadBufferCapacity)
            // Pipelined requests already buffered are answered before reading more.
            processBuffer()
            if let tls, !readable, tls.hasBufferedInput { readable = true }
            if isReading && readable { readAndProcess() }
        case .linger:
            currentHead = nil
            startLinger()
        case .readBeforeStopping:
            markReadable()
            if let tls, !tls.isEstablished {
                // A ClientHello sent before the stop is served like a request; silence is closed.
                continueHandshake(tls)
                if !isClosed && !tls.hasReceivedBytes { close(reason: "server stopping") }
                return
            }
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
        if let tls {
            // close_notify before the FIN; best effort, what the kernel does not take is dropped.
            tls.shutdown()
            _ = tls.sendPending(socket)
        }
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
        if let tls, tls.isEstablished {
            tls.shutdown()
            _ = tls.sendPending(socket)
        }
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
