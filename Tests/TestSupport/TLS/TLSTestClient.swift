import COpenSSL
import Foundation
import Glibc

/// A session a later client can resume (`SSL_SESSION`, held by this object).
public final class TLSTestSession: @unchecked Sendable {
    // Only handed from one client to the next, never used concurrently.
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { SSL_SESSION_free(pointer) }
}

/// A blocking TLS client for tests (OpenSSL over a blocking socket with receive and send
/// timeouts, so a test that waits for bytes that never come fails instead of hanging).
public final class TLSTestClient {
    public let fd: Int32
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private var pending: [UInt8] = []

    /// A client certificate and its key, PEM files.
    public struct Identity: Sendable {
        public var certificateFile: String
        public var keyFile: String
        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Connects and completes the handshake.
    /// - Parameters:
    ///   - caFile: the authority the server's certificate must chain to; nil skips verification.
    ///   - serverName: SNI and the name the certificate is checked for.
    ///   - maxVersion: e.g. `TLS1_2_VERSION` to force TLS 1.2; 0 for the highest.
    public init(port: Int, caFile: String?, identity: Identity? = nil, serverName: String? = "localhost",
                alpn: [String] = ["http/1.1"], resuming session: TLSTestSession? = nil, maxVersion: Int32 = 0,
                timeout: Duration = RawHTTPClient.patience) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TestFailure("SSL_CTX_new") }
        self.context = context
        if maxVersion != 0 { _ = copenssl_ctx_set_max_proto_version(context, maxVersion) }
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                SSL_CTX_free(context)
                throw TestFailure("cannot read \(caFile): \(Self.reasons())")
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        }
        // The session copies the context's settings when it is made: the settings come first.
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw TestFailure("SSL_new")
        }
        self.ssl = ssl
        do {
            fd = try loopbackConnection(port: port, timeout: timeout)
        } catch {
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw error
        }
        if caFile != nil, let serverName { SSL_set1_host(ssl, serverName) }
        if let identity {
            guard SSL_use_certificate_chain_file(ssl, identity.certificateFile) == 1,
                  SSL_use_PrivateKey_file(ssl, identity.keyFile, SSL_FILETYPE_PEM) == 1 else {
                throw TestFailure("cannot use \(identity.certificateFile): \(Self.reasons())")
            }
        }
        if !alpn.isEmpty {
            let wire = alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            _ = SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
        if let serverName { _ = copenssl_set_tlsext_host_name(ssl, serverName) }
        if let session { SSL_set_session(ssl, session.pointer) }
        SSL_set_fd(ssl, fd)
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else { throw TestFailure("handshake failed: \(Self.reasons(ssl))") }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        Glibc.close(fd)
    }

    /// What OpenSSL queued, and the certificate verification's result.
    static func reasons(_ ssl: OpaquePointer? = nil) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            reasons.append(copenssl_error_reason(code).map { String(cString: $0) } ?? "error \(code)")
        }
        if let ssl, SSL_get_verify_result(ssl) != Int(X509_V_OK) {
            reasons.append(String(cString: X509_verify_cert_error_string(SSL_get_verify_result(ssl))))
        }
        return reasons.isEmpty ? "connection closed (errno \(errno))" : reasons.joined(separator: "; ")
    }

    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }
    public var wasResumed: Bool { SSL_session_reused(ssl) == 1 }

    public var alpn: String? {
        var bytes: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &bytes, &length)
        return bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self) }
    }

    /// The session to resume in a later client (TLS 1.3 sends it after the handshake: read an
    /// answer first).
    public var session: TLSTestSession? { SSL_get1_session(ssl).map(TLSTestSession.init) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let count = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { throw TestFailure("write failed: \(Self.reasons(ssl))") }
            offset += Int(count)
        }
    }

    /// Reads more plaintext; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        ERR_clear_error()
        let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if count > 0 {
            pending.append(contentsOf: chunk[0..<Int(count)])
            return true
        }
        let error = SSL_get_error(ssl, count)
        let code = errno
        if error == SSL_ERROR_ZERO_RETURN { return false }
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_SYSCALL) && (code == EAGAIN || code == EWOULDBLOCK) {
            throw TestFailure("timed out waiting for the server")
        }
        if error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && (errno == 0 || errno == ECONNRESET) { return false }
        throw TestFailure("read failed: \(Self.reasons(ssl))")
    }

    /// Reads one response (Content-Length bodies, or to the end of the stream).
    public func readResponse() throws -> HTTPTestResponse {
        var ended = false
        while true {
            if let (response, length) = parse(complete: ended) {
                pending.removeFirst(length)
                return response
            }
            if ended { throw TestFailure("the connection ended before a complete response (\(pending.count) bytes)") }
            ended = try !fill()
        }
    }

    /// Sends a request and reads its response.
    public func exchange(_ request: String) throws -> HTTPTestResponse {
        try send(request)
        return try readResponse()
    }

    /// True when the server ends the connection (close_notify or FIN) before the deadline of
    /// the socket's receive timeout; the bytes read meanwhile are dropped.
    public func waitForClose() -> Bool {
        while true {
            do {
                if try !fill() { return true }
            } catch {
                return !"\(error)".contains("timed out")
            }
        }
    }

    private func parse(complete: Bool) -> (HTTPTestResponse, Int)? {
        HTTPTestResponse.parse(pending, isHEAD: false, complete: complete)
    }
}
