/// What the TLS handshake of a connection established, for handlers (see
/// ``HTTPConnectionInfo/tls``). The listener it came on is ``HTTPConnectionInfo/listener``,
/// which plain connections have too.
public struct TLSConnectionInfo: Sendable, Equatable {
    /// "TLSv1.2" or "TLSv1.3".
    public var protocolVersion: String
    /// The cipher suite's standard name, e.g. "TLS_AES_256_GCM_SHA384".
    public var cipher: String
    /// The protocol agreed through ALPN ("http/1.1"); nil when the client offered none.
    public var alpn: String?
    /// The host name the client asked for (SNI); nil when it sent none (an IP address URL).
    public var serverName: String?
    /// True when the client resumed an earlier session (ticket or cache) instead of a full handshake.
    public var sessionResumed: Bool
    /// The client's certificate, verified against the listener's client CA; nil when the
    /// listener does not ask for one or the client sent none.
    public var peerCertificate: PeerCertificate?

    public init(protocolVersion: String, cipher: String, alpn: String? = nil, serverName: String? = nil,
                sessionResumed: Bool = false, peerCertificate: PeerCertificate? = nil) {
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.alpn = alpn
        self.serverName = serverName
        self.sessionResumed = sessionResumed
        self.peerCertificate = peerCertificate
    }
}
