internal import CLibCurl
internal import COpenSSL
import Foundation

/// Turns libcurl's result codes and messages (which carry OpenSSL's reasons) into failures a
/// user can act on. What a transfer was asked to do (the host, which files) completes them.
struct CurlFailureContext: Sendable {
    var url: URL
    var credentials: TLSCredentials?

    private var host: String { url.host ?? url.absoluteString }

    func failure(code: CURLcode, message: String) -> TransportFailure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_SSL_CERTPROBLEM:
            return .tls(certificateProblem(message))
        case CURLE_SSL_CACERT_BADFILE:
            return .tls(.fileInvalid(path: caFile ?? "(system store)", role: .certificateAuthorities, reason: message))
        case CURLE_PEER_FAILED_VERIFICATION:
            // libcurl's own name check runs once OpenSSL verified the chain; the result code is
            // the same, its words tell them apart (CURLINFO_SSL_VERIFYRESULT is not set then).
            if CurlFailureContext.isNameMismatch(message) { return .tls(.nameMismatch(host: host, detail: message)) }
            return .tls(.serverNotTrusted(host: host, reason: CurlFailureContext.verificationReason(message), caFile: caFile))
        case CURLE_SSL_CLIENTCERT:
            return .tls(.clientCertificateRequired(host: host, alert: message))
        case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            if let alert = CurlFailureContext.alert(in: message) { return .tls(refusal(alert)) }
            if code == CURLE_SSL_CONNECT_ERROR { return .tls(.handshakeFailed(host: host, detail: message)) }
            return connection(code, message)
        default:
            return connection(code, message)
        }
    }

    private var caFile: String? { credentials?.authorities?.path }

    private var presentsCertificate: Bool { credentials?.certificate != nil }

    /// A TLS alert from the server, by what it says about the client certificate.
    private func refusal(_ alert: String) -> TLSError {
        switch alert {
        case "certificate required":
            return .clientCertificateRequired(host: host, alert: alert)
        case "handshake failure" where !presentsCertificate:
            // TLS 1.2 servers answer a missing required certificate with this generic alert.
            return .clientCertificateRequired(host: host, alert: alert)
        case "unknown ca", "bad certificate", "certificate expired", "certificate revoked", "certificate unknown",
             "unsupported certificate", "access denied", "handshake failure":
            return presentsCertificate ? .clientCertificateRefused(host: host, alert: alert) : .alert(host: host, alert: alert)
        default:
            return .alert(host: host, alert: alert)
        }
    }

    /// libcurl's messages on loading the client certificate: OpenSSL's reason decides.
    private func certificateProblem(_ message: String) -> TLSError {
        switch credentials?.certificate {
        case .pkcs12(let bytes, let password, let path)?:
            // libcurl's message carries the oldest error of the thread's OpenSSL queue, which may
            // be another transfer's: the password is checked here, where that cannot happen.
            if CurlFailureContext.pkcs12Opens(bytes, with: password) == false { return .wrongPassword(path: path) }
            if message.contains("mac verify failure") { return .wrongPassword(path: path) }
            if message.contains("unsupported") { return .legacyPKCS12(path: path, detail: message) }
            return .fileInvalid(path: path, role: .clientCertificate, reason: message)
        case .pem(_, _, _, let certificatePath, let keyPath)?:
            if message.contains("private key") { return .keyRejected(path: keyPath, detail: message) }
            return .fileInvalid(path: certificatePath, role: .clientCertificate, reason: message)
        case nil:
            return .fileInvalid(path: "(none)", role: .clientCertificate, reason: message)
        }
    }

    /// Whether `password` opens the PKCS#12 archive `bytes` (its MAC checks); nil when the
    /// bytes are no PKCS#12 archive OpenSSL can read.
    static func pkcs12Opens(_ bytes: [UInt8], with password: String) -> Bool? {
        defer { ERR_clear_error() }
        let archive = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer = buffer.baseAddress
            return d2i_PKCS12(nil, &pointer, buffer.count)
        }
        guard let archive else { return nil }
        defer { PKCS12_free(archive) }
        return PKCS12_verify_mac(archive, password, -1) == 1
    }

    private func connection(_ code: CURLcode, _ message: String) -> TransportFailure {
        var text = message
        if [CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR].contains(code), url.scheme == "https", !presentsCertificate {
            // TLS 1.3 servers refuse a missing certificate after the handshake: some close
            // without their alert reaching the client.
            text += " (a server that requires a client certificate may refuse its absence this way)"
        }
        return .connection(code: Int(code.rawValue), message: text)
    }

    /// The alert in OpenSSL's reason: `…:SSL routines::tlsv13 alert certificate required, errno 0`.
    static func alert(in message: String) -> String? {
        for prefix in ["tlsv13 alert ", "tlsv1 alert ", "sslv3 alert "] {
            guard let range = message.range(of: prefix) else { continue }
            let rest = message[range.upperBound...]
            let end = rest.firstIndex { !($0.isLetter || $0 == " ") } ?? rest.endIndex
            return rest[..<end].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// libcurl's own name check fails with these words (7.x and 8.x alike).
    static func isNameMismatch(_ message: String) -> Bool {
        message.contains("subject name") || message.contains("does not match target host")
    }

    /// `SSL certificate problem: unable to get local issuer certificate` → the reason alone.
    static func verificationReason(_ message: String) -> String {
        guard let range = message.range(of: "SSL certificate problem: ") else { return message }
        return String(message[range.upperBound...])
    }
}
