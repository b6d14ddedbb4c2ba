import COpenSSL
import Glibc

/// One listener's OpenSSL context (`SSL_CTX`): its certificate and key, what it asks of
/// clients, its session cache and ticket keys. Made when the server starts; every event loop
/// then makes its connections' sessions from it.
///
/// `@unchecked Sendable`: the context is configured entirely in `init` and only read
/// afterwards; `SSL_new` and the session cache are thread-safe in OpenSSL 3 (it locks them).
final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    let configuration: TLSConfiguration

    /// Why a listener's TLS cannot be set up, with what to do about it.
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    init(configuration: TLSConfiguration, listenerName: String) throws(SetupError) {
        OpenSSLError.clear()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw SetupError(description: "OpenSSL cannot make a TLS context: \(OpenSSLError.drain())")
        }
        pointer = context
        self.configuration = configuration
        let minimum = configuration.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        _ = copenssl_ctx_set_min_proto_version(context, minimum)
        // No renegotiation (TLS 1.2): a client could otherwise make the server redo a handshake
        // mid-connection; TLS 1.3 key updates need none of it.
        SSL_CTX_set_options(context, copenssl_op_no_renegotiation() | copenssl_op_cipher_server_preference()
                            | copenssl_op_no_compression())
        try Self.check(SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainFile) == 1,
                       "cannot use the certificate file \(configuration.certificateChainFile) (PEM, the server's certificate first)")
        let mismatch = "the key \(configuration.privateKeyFile) does not belong to the certificate \(configuration.certificateChainFile)"
        if SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) != 1 {
            let mismatched = OpenSSLError.firstReasonCode() == X509_R_KEY_VALUES_MISMATCH
            try Self.check(!mismatched, mismatch)
            try Self.check(false, "cannot use the private key file \(configuration.privateKeyFile) (PEM, not encrypted)")
        }
        try Self.check(SSL_CTX_check_private_key(context) == 1, mismatch)
        // Sessions are only resumed on the listener that made them, with its client rules.
        let sessionContext = Array(listenerName.utf8.prefix(Int(SSL_MAX_SID_CTX_LENGTH)))
        _ = SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count))
        _ = copenssl_ctx_set_session_cache_mode(context, copenssl_sess_cache_server())
        SSL_CTX_set_alpn_select_cb(context, selectALPN, nil)
        if configuration.clientCertificate != .none {
            guard let caFile = configuration.clientCAFile else {
                throw SetupError(description: "client certificates are \(configuration.clientCertificate.rawValue) but no client CA file is given")
            }
            try Self.check(SSL_CTX_load_verify_locations(context, caFile, nil) == 1,
                           "cannot read the client CA file \(caFile) (PEM certificates)")
            guard let names = SSL_load_client_CA_file(caFile), copenssl_sk_x509_name_num(names) > 0 else {
                throw SetupError(description: "the client CA file \(caFile) holds no certificate: \(OpenSSLError.drain())")
            }
            SSL_CTX_set_client_CA_list(context, names)
            let mode = configuration.clientCertificate == .required ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
            SSL_CTX_set_verify(context, mode, nil)
            SSL_CTX_set_verify_depth(context, 5)
        }
        OpenSSLError.clear()
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    private static func check(_ condition: Bool, _ message: String) throws(SetupError) {
        guard condition else {
            let reason = OpenSSLError.drain()
            throw SetupError(description: reason.isEmpty ? message : "\(message): \(reason)")
        }
    }
}

/// ALPN (RFC 7301): http/1.1 when the client offers it; a client offering only other
/// protocols (h2 alone) is refused with the no_application_protocol alert rather than
/// answered in a protocol it did not ask for.
private func selectALPN(_ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                        _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
                        _ argument: UnsafeMutableRawPointer?) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    var index = 0
    let count = Int(offeredLength)
    while index < count {
        let length = Int(offered[index])
        let start = index + 1
        guard start + length <= count else { break }
        if length == 8 && memcmp(offered + start, httpProtocol.utf8Start, 8) == 0 {
            out.pointee = offered + start
            outLength.pointee = 8
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}

private let httpProtocol: StaticString = "http/1.1"
