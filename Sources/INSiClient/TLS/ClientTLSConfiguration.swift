import Foundation

/// How the client authenticates over HTTPS and whom it trusts. Used only for `https://`
/// endpoints; the server's name is always checked against its certificate (there is no switch to
/// turn that off), and TLS 1.2 is the oldest version accepted, as on the real service.
///
/// <doc:GettingStarted#Call-over-HTTPS> sets one up.
///
/// The files are read at each call, so a renewed certificate is picked up without a restart;
/// ``check()`` reads them once up front and says what is wrong with them.
public struct ClientTLSConfiguration: Sendable, Equatable {
    /// The organisation certificate presented to the server (mTLS), or nil to present none.
    public var certificate: ClientCertificate?
    /// Which certificate authorities vouch for the server.
    public var serverTrust: ServerTrust

    /// The defaults (no client certificate, the system's trust store) suit a server that does not
    /// ask for a certificate; the real service's mTLS endpoint needs the organisation certificate.
    public init(certificate: ClientCertificate? = nil, serverTrust: ServerTrust = .system) {
        self.certificate = certificate
        self.serverTrust = serverTrust
    }

    /// Reads the files and checks their form (readable, PKCS#12 or PEM as declared, a key where
    /// one is needed). A wrong PKCS#12 password or a key that does not match its certificate
    /// shows only at the first call, when OpenSSL opens them.
    public func check() throws(TLSError) {
        _ = try TLSCredentials(self)
    }
}

/// A client certificate and its private key, in one of the two forms editors receive.
public enum ClientCertificate: Sendable, Equatable {
    /// A PKCS#12 file (`.p12`, `.pfx`): certificate, key and chain, opened with `password`.
    case pkcs12(URL, password: String)
    /// A PEM certificate and its PEM private key (both may be the same file); `keyPassword` opens
    /// an encrypted key.
    case pem(certificate: URL, key: URL, keyPassword: String? = nil)

    /// The certificate file.
    public var file: URL {
        switch self {
        case .pkcs12(let file, _): return file
        case .pem(let certificate, _, _): return certificate
        }
    }

    /// The certificate as given on a command line: with `key`, a PEM pair; without, a PKCS#12
    /// file, or a PEM file holding both the certificate and its key (told apart by their
    /// contents, not their names). `password` opens the PKCS#12 file or the encrypted PEM key.
    public static func detect(certificate: URL, key: URL?, password: String?) throws(TLSError) -> ClientCertificate {
        if let key { return .pem(certificate: certificate, key: key, keyPassword: password) }
        let bytes = try TLSFile.read(certificate, role: .clientCertificate)
        guard TLSFile.isPEM(bytes) else { return .pkcs12(certificate, password: password ?? "") }
        return .pem(certificate: certificate, key: certificate, keyPassword: password)
    }
}

/// Which certificate authorities the client trusts for the server's certificate.
public enum ServerTrust: Sendable, Equatable {
    /// The system's trust store (Debian: `ca-certificates`), as a browser would.
    case system
    /// Only the CA certificates of this PEM file (as curl's `--cacert`): the `ca.pem` of
    /// insi-sim's test PKI, or a private CA. The system's store is not consulted.
    case certificateAuthorities(URL)
}
