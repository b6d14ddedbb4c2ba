/// Why no TLS session could be set up with INSi, said so that a user knows what to change.
/// `detail` fields keep libcurl's own message (with OpenSSL's reason) for bug reports.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A certificate, key or CA file could not be read (missing, permissions, a folder).
    case fileUnreadable(path: String, role: TLSFileRole, reason: String)
    /// A file was read but is not what its role needs (a PEM file given as PKCS#12, no
    /// certificate or no private key in a PEM file, a structure OpenSSL cannot load).
    case fileInvalid(path: String, role: TLSFileRole, reason: String)
    /// The PKCS#12 file does not open with the password given.
    case wrongPassword(path: String)
    /// The PKCS#12 file is encrypted with an algorithm OpenSSL 3 no longer loads by default
    /// (RC2 or 3DES, from an old export).
    case legacyPKCS12(path: String, detail: String)
    /// OpenSSL refused the private key: it does not match the certificate, or its passphrase
    /// is wrong or missing.
    case keyRejected(path: String, detail: String)
    /// The server's certificate does not chain to a trusted CA, or is expired or not yet valid.
    /// `reason` is OpenSSL's verification result; `caFile` the CA file used, nil for the
    /// system's store.
    case serverNotTrusted(host: String, reason: String, caFile: String?)
    /// The server's certificate is trusted but names neither this host name nor this address.
    case nameMismatch(host: String, detail: String)
    /// The server ended the handshake because no client certificate was presented (the alert
    /// it sent, e.g. `certificate required`).
    case clientCertificateRequired(host: String, alert: String)
    /// The server refused the client certificate presented (`unknown ca`, `bad certificate`,
    /// `certificate expired`…).
    case clientCertificateRefused(host: String, alert: String)
    /// The server ended the handshake with another TLS alert (`protocol version`…).
    case alert(host: String, alert: String)
    /// The handshake failed without an alert: most often the port does not speak TLS.
    case handshakeFailed(host: String, detail: String)

    /// A short stable name of the case, for logs and JSON.
    public var kind: String {
        switch self {
        case .fileUnreadable: return "fileUnreadable"
        case .fileInvalid: return "fileInvalid"
        case .wrongPassword: return "wrongPassword"
        case .legacyPKCS12: return "legacyPKCS12"
        case .keyRejected: return "keyRejected"
        case .serverNotTrusted: return "serverNotTrusted"
        case .nameMismatch: return "nameMismatch"
        case .clientCertificateRequired: return "clientCertificateRequired"
        case .clientCertificateRefused: return "clientCertificateRefused"
        case .alert: return "alert"
        case .handshakeFailed: return "handshakeFailed"
        }
    }

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let role, let reason):
            return "cannot read the \(role.rawValue) file \(path): \(reason)"
        case .fileInvalid(let path, let role, let reason):
            return "the \(role.rawValue) file \(path) cannot be used: \(reason)"
        case .wrongPassword(let path):
            return "the password given does not open the PKCS#12 file \(path): check the password it was exported with"
        case .legacyPKCS12(let path, let detail):
            return "the PKCS#12 file \(path) is encrypted with an algorithm OpenSSL 3 refuses (RC2 or 3DES, an old export; \(detail)): "
                + "re-export it (openssl pkcs12 -legacy -in OLD.p12 -nodes | openssl pkcs12 -export -out NEW.p12) "
                + "or give the certificate and key as PEM"
        case .keyRejected(let path, let detail):
            return "the private key \(path) was refused (\(detail)): check that it is the key of this certificate "
                + "and, when it is encrypted, its password"
        case .serverNotTrusted(let host, let reason, let caFile):
            let trust = caFile.map { "the CA file \($0)" } ?? "the system's trust store"
            return "the server certificate of \(host) is not trusted (\(reason)): it is not issued by a CA of \(trust); "
                + "give the CA that issued it as CA file (insi-sim's test PKI: its ca.pem)"
        case .nameMismatch(let host, let detail):
            return "the server certificate is not issued for \(host) (\(detail)): call the server by a name its certificate "
                + "holds, or give it a certificate for this name (insi-sim certs generate --host \(host))"
        case .clientCertificateRequired(let host, let alert):
            return "\(host) refused the TLS handshake (alert: \(alert)): it requires a client certificate; "
                + "give the organisation certificate (PKCS#12, or PEM certificate and key)"
        case .clientCertificateRefused(let host, let alert):
            return "\(host) refused the client certificate (alert: \(alert)): it does not accept its issuer, "
                + "or the certificate is expired or revoked; use a certificate issued by a CA the server trusts"
        case .alert(let host, let alert):
            return "\(host) ended the TLS handshake with the alert '\(alert)'"
                + (alert.contains("version") ? ": it and the client share no TLS version (the client needs TLS 1.2 or later)" : "")
        case .handshakeFailed(let host, let detail):
            return "the TLS handshake with \(host) failed (\(detail))"
                + (TLSError.looksPlain(detail) ? ": the port does not speak TLS; is it an http:// port?" : "")
        }
    }

    /// OpenSSL's reasons when the peer answered bytes that are not TLS (a plain HTTP answer).
    static func looksPlain(_ detail: String) -> Bool {
        ["wrong version number", "packet length too long", "http request"].contains { detail.contains($0) }
    }
}

/// What a file given in a ``ClientTLSConfiguration`` is for; its raw value names it in messages.
public enum TLSFileRole: String, Sendable, Equatable {
    /// The organisation certificate (PKCS#12, or PEM): ``ClientCertificate``.
    case clientCertificate = "client certificate"
    /// The PEM private key of ``ClientCertificate/pem(certificate:key:keyPassword:)``.
    case privateKey = "private key"
    /// The CA file of ``ServerTrust/certificateAuthorities(_:)``.
    case certificateAuthorities = "CA certificates"
}
