import COpenSSL
import Glibc

/// The TLS layer of one connection, between its socket and its HTTP bytes; owned by the
/// connection, on its event loop's thread.
///
/// OpenSSL works on memory BIOs, not on the socket: the session reads ciphertext from the
/// socket itself, hands it to OpenSSL, and sends what OpenSSL wrote. So OpenSSL never blocks
/// and never asks to wait for writability (SSL_write into memory always completes: no
/// WANT_WRITE, no retry with the same buffer), the socket keeps MSG_NOSIGNAL, and a short read
/// still tells edge-triggered epoll that the kernel is drained. What OpenSSL writes on its own
/// (handshake messages, session tickets, a TLS 1.3 KeyUpdate answer, alerts, close_notify)
/// lands in the same outgoing queue and goes out with the next flush.
final class TLSSession {
    private let ssl: OpaquePointer
    /// Ciphertext received and not yet decrypted.
    private let input: OpaquePointer
    /// Ciphertext OpenSSL wrote, not yet taken into `pending`.
    private let output: OpaquePointer
    /// Ciphertext not yet accepted by the kernel.
    private var pending: [UInt8] = []
    private var pendingOffset = 0

    /// The kernel may hold bytes for us: set on EPOLLIN, cleared when a read shows it drained.
    var socketMayHaveInput = true
    /// The peer's FIN was reported: a short read no longer proves the socket drained.
    var finPending = false
    private(set) var isEstablished = false
    /// Some ciphertext arrived: the handshake has begun, which starts the request timeout.
    private(set) var hasReceivedBytes = false
    /// After a fatal error or our close_notify, OpenSSL must not be called again (but to free).
    private var isFinished = false

    /// How a handshake step ended.
    enum HandshakeOutcome {
        case established
        /// More bytes from the client are needed.
        case waitingForInput
        /// The client closed before the handshake completed.
        case closedByPeer
        case failed(Failure)
        case socketFailed(SocketError)
    }

    /// Why a handshake or a record failed, for the log (and for a plain-HTTP answer).
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The bytes were a plain HTTP request, not a ClientHello.
        let isPlainHTTP: Bool
    }

    /// What a read gave.
    enum ReadOutcome {
        case bytes(Int)
        case wouldBlock
        /// close_notify (`clean`) or end of stream.
        case closed(clean: Bool)
        case failed(Failure)
        case socketFailed(SocketError)
    }

    init?(context: TLSContext) {
        guard let ssl = SSL_new(context.pointer) else { return nil }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_bio(ssl, input, output)  // the session owns the BIOs now
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.input = input
        self.output = output
    }

    deinit {
        SSL_free(ssl)
    }

    // MARK: Handshake

    func handshake(socket: Socket, scratch: UnsafeMutableRawBufferPointer) -> HandshakeOutcome {
        guard !isFinished else { return .closedByPeer }
        while true {
            OpenSSLError.clear()
            let result = SSL_do_handshake(ssl)
            let error = result == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, result)
            takeOutput()
            if result == 1 {
                isEstablished = true
                return .established
            }
            guard error == SSL_ERROR_WANT_READ else {
                isFinished = true
                return .failed(failure())
            }
            switch feed(from: socket, scratch: scratch) {
            case .fed: continue
            case .drained: return .waitingForInput
            case .endOfStream:
                isFinished = true
                return .closedByPeer
            case .failed(let socketError):
                isFinished = true
                return .socketFailed(socketError)
            }
        }
    }

    /// What the handshake established (call once established).
    func connectionInfo() -> TLSConnectionInfo {
        var alpnBytes: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnBytes, &alpnLength)
        let alpn = alpnBytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self) }
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_standard_name($0) }.map { String(cString: $0) } ?? "unknown"
        return TLSConnectionInfo(
            protocolVersion: String(cString: SSL_get_version(ssl)), cipher: cipher, alpn: alpn,
            serverName: SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) },
            sessionResumed: SSL_session_reused(ssl) == 1,
            peerCertificate: SSL_get0_peer_certificate(ssl).map(PeerCertificate.init(x509:)))
    }

    // MARK: Reading

    /// Decrypts into `destination`, reading the socket as needed.
    func read(into destination: UnsafeMutableRawBufferPointer, socket: Socket, scratch: UnsafeMutableRawBufferPointer) -> ReadOutcome {
        guard !isFinished else { return .closed(clean: true) }
        while true {
            OpenSSLError.clear()
            let count = SSL_read(ssl, destination.baseAddress, Int32(clamping: destination.count))
            if count > 0 {
                takeOutput()
                return .bytes(Int(count))
            }
            let error = SSL_get_error(ssl, count)
            takeOutput()
            switch error {
            case SSL_ERROR_WANT_READ:
                switch feed(from: socket, scratch: scratch) {
                case .fed: continue
                case .drained: return .wouldBlock
                case .endOfStream: return .closed(clean: false)
                case .failed(let socketError): return .socketFailed(socketError)
                }
            case SSL_ERROR_ZERO_RETURN:
                return .closed(clean: true)
            default:
                isFinished = true
                return .failed(failure())
            }
        }
    }

    /// Bytes received but not yet decrypted or not yet read: the loop must read again even
    /// though epoll reports nothing new.
    var hasBufferedInput: Bool {
        !isFinished && (SSL_has_pending(ssl) == 1 || BIO_ctrl_pending(input) > 0)
    }

    private enum Feed {
        case fed, drained, endOfStream
        case failed(SocketError)
    }

    /// One read of ciphertext from the socket into OpenSSL's input.
    private func feed(from socket: Socket, scratch: UnsafeMutableRawBufferPointer) -> Feed {
        guard socketMayHaveInput else { return .drained }
        let count: Int
        do {
            count = try socket.receive(into: scratch)
        } catch {
            if error == .wouldBlock {
                socketMayHaveInput = false
                return .drained
            }
            return .failed(error)
        }
        guard count > 0 else {
            socketMayHaveInput = false
            return .endOfStream
        }
        hasReceivedBytes = true
        // A short read means the kernel is drained, unless a FIN is pending (no new event would come).
        if count < scratch.count && !finPending { socketMayHaveInput = false }
        _ = BIO_write(input, scratch.baseAddress, Int32(count))
        return .fed
    }

    // MARK: Writing

    /// Encrypts all of `plaintext` into the outgoing queue; nil, or why it failed.
    func encrypt(_ plaintext: UnsafeRawBufferPointer) -> Failure? {
        guard !isFinished else { return Failure(description: "the TLS session is closed", isPlainHTTP: false) }
        var offset = 0
        while offset < plaintext.count {
            OpenSSLError.clear()
            let written = SSL_write(ssl, plaintext.baseAddress! + offset, Int32(clamping: plaintext.count - offset))
            guard written > 0 else {
                isFinished = true
                takeOutput()
                return failure()
            }
            offset += Int(written)
        }
        takeOutput()
        return nil
    }

    var hasPendingOutput: Bool { pendingOffset < pending.count }

    /// What a send of the queue achieved.
    struct SendProgress {
        /// Everything queued is out.
        var complete: Bool
        /// Some bytes went out.
        var progressed: Bool
    }

    /// Sends what is queued, as far as the kernel takes it.
    func sendPending(_ socket: Socket) -> Result<SendProgress, SocketError> {
        var progressed = false
        while pendingOffset < pending.count {
            let offset = pendingOffset
            let result = pending.withUnsafeBytes { raw in
                Result { () throws(SocketError) -> Int in try socket.send(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            switch result {
            case .success(let count):
                pendingOffset += count
                progressed = true
            case .failure(.wouldBlock):
                return .success(SendProgress(complete: false, progressed: progressed))
            case .failure(let error):
                return .failure(error)
            }
        }
        // Keep the buffer for the next answer unless an unusually large one inflated it.
        if pending.capacity > 256 * 1024 {
            pending = []
        } else {
            pending.removeAll(keepingCapacity: true)
        }
        pendingOffset = 0
        return .success(SendProgress(complete: true, progressed: progressed))
    }

    /// Moves what OpenSSL wrote into the outgoing queue.
    private func takeOutput() {
        guard BIO_ctrl_pending(output) > 0 else { return }
        if pendingOffset == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingOffset = 0
        }
        // Through a buffer on the stack: `pending` gets the bytes in one copy, with no
        // zero-filled room made first and no heap allocation per answer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { chunk in
            while true {
                let read = BIO_read(output, chunk.baseAddress, Int32(chunk.count))
                guard read > 0 else { return }
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<Int(read)]))
            }
        }
    }

    // MARK: Closing

    /// Queues our close_notify (once, and only on a healthy session); the caller flushes it.
    /// The peer's close_notify is not waited for: the connection closes or lingers as usual.
    func shutdown() {
        guard isEstablished, !isFinished else { return }
        isFinished = true
        OpenSSLError.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLError.clear()
        takeOutput()
    }

    // MARK: Failures

    /// The failure of the last call, from the error queue and the certificate verification.
    private func failure() -> Failure {
        let reasonCode = OpenSSLError.firstReasonCode()
        let queued = OpenSSLError.drain()
        let verification = SSL_get_verify_result(ssl)
        var text = queued.isEmpty ? "connection reset during TLS" : queued
        if verification != Int(X509_V_OK) {
            text = "client certificate refused: \(String(cString: X509_verify_cert_error_string(verification)))"
        } else if let hint = Self.hint(reasonCode) {
            text += " (\(hint))"
        }
        return Failure(description: text, isPlainHTTP: reasonCode == SSL_R_HTTP_REQUEST || reasonCode == SSL_R_HTTPS_PROXY_REQUEST)
    }

    /// What a user can do about the common failures.
    private static func hint(_ reason: Int32) -> String? {
        switch reason {
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST:
            return "plain HTTP sent to a TLS port: use https://"
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
            return "the client sent no certificate; this listener requires one"
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_WRONG_VERSION_NUMBER:
            return "the client offers no TLS version this listener accepts (TLS 1.2, 1.3)"
        case SSL_R_NO_SHARED_CIPHER:
            return "no cipher suite in common with the client"
        case SSL_R_NO_APPLICATION_PROTOCOL:
            return "the client offered ALPN protocols without http/1.1"
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
            return "the client refused the server's certificate: does it trust the CA, and is the host name in the certificate?"
        default:
            return nil
        }
    }
}
