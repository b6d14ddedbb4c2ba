/// TLS settings of one listener: the server's certificate and key, and whether clients must
/// present a certificate of their own (mutual TLS).
///
/// Files are PEM, read when the server starts; a file that cannot be used stops the start with
/// a message naming it.
public struct TLSConfiguration: Sendable, Equatable {
    /// Whether the server asks clients for a certificate.
    public enum ClientCertificate: String, Sendable, Equatable, CaseIterable {
        /// Not asked for: server authentication only.
        case none
        /// Asked for; a connection without one is accepted (handlers see no peer certificate),
        /// one that fails verification is refused.
        case optional
        /// A valid certificate issued by ``TLSConfiguration/clientCAFile`` or the handshake fails.
        case required
    }

    /// The lowest protocol version accepted.
    public enum Version: String, Sendable, Equatable, CaseIterable {
        case tls12 = "TLSv1.2"
        case tls13 = "TLSv1.3"
    }

    /// The server's certificate, followed by the intermediate certificates to send with it.
    public var certificateChainFile: String
    public var privateKeyFile: String
    public var clientCertificate: ClientCertificate
    /// The certificates of the authorities client certificates must chain to; their names are
    /// also sent in the handshake, which is how Java and .NET clients pick a certificate from
    /// a keystore. Required unless ``clientCertificate`` is `.none`.
    public var clientCAFile: String?
    public var minimumVersion: Version

    public init(certificateChainFile: String, privateKeyFile: String, clientCertificate: ClientCertificate = .none,
                clientCAFile: String? = nil, minimumVersion: Version = .tls12) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCertificate = clientCertificate
        self.clientCAFile = clientCAFile
        self.minimumVersion = minimumVersion
    }
}
