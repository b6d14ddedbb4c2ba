/// How much of the real service's security a listener requires.
public enum SecurityMode: String, Sendable, Equatable, CaseIterable, Codable {
    /// A playground: any well-formed call is answered (the certificate rule of an mTLS
    /// listener still applies).
    case open
    /// What the real service requires: a complete ContexteLPS, a fresh `uuid:` MessageID,
    /// `wsa:Action` equal to the Content-Type action, and the caller's credentials (a client
    /// certificate on an mTLS listener, a SAML assertion on a TLS listener without one).
    case strict
}

/// How callers of a listener prove who they are, as the real service's two endpoints do.
public enum CallerAuthentication: String, Sendable, Equatable, CaseIterable {
    /// Plain HTTP: nothing (the simulator's playground).
    case none
    /// The mTLS endpoint: an organisation certificate whose CN is INSI-AUTO or INSI-MANU.
    case certificate
    /// The CPx endpoint: TLS without a client certificate, a card's SAML assertion in `wsse:Security`.
    case assertion
}

/// The security of one listener.
public struct ListenerSecurity: Sendable, Equatable {
    public var mode: SecurityMode
    public var authentication: CallerAuthentication

    public init(mode: SecurityMode, authentication: CallerAuthentication) {
        self.mode = mode
        self.authentication = authentication
    }

    /// The default of a listener: strict over TLS, open on plain HTTP, unless `forced`.
    public init(tlsClientCertificate: Bool?, forced: SecurityMode?) {
        switch tlsClientCertificate {
        case nil: authentication = .none
        case true?: authentication = .certificate
        case false?: authentication = .assertion
        }
        mode = forced ?? (authentication == .none ? .open : .strict)
    }
}
