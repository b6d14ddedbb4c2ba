import Foundation

/// What a certificate says: its subject, validity and role.
public struct CertificateProfile: Sendable, Equatable {
    /// What the certificate may be used for; each role gets the extensions clients check.
    public enum Role: Sendable, Equatable {
        /// A certification authority (basicConstraints CA:TRUE, keyCertSign).
        case authority
        /// A TLS server: its DNS names and IP addresses (subjectAltName), serverAuth.
        case server(names: [String])
        /// A TLS client (an organisation certificate), clientAuth.
        case client
        /// A CPx card's signing certificate: its key signs SAML assertions (digitalSignature,
        /// nonRepudiation).
        case cardSigning
    }

    /// Attributes in order, most general first: `[("C", "FR"), ("O", "…"), ("CN", "INSI-AUTO")]`.
    /// An attribute whose name starts with `+` joins the previous one's RDN (a multi-valued RDN,
    /// as CPx card subjects have: `("GN", "OLIVIER"), ("+CN", "00B6087510"), ("+SN", "DUPONT")`).
    public var subject: [(attribute: String, value: String)]
    public var notBefore: Date
    public var notAfter: Date
    public var role: Role

    public init(subject: [(attribute: String, value: String)], notBefore: Date, notAfter: Date, role: Role) {
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.role = role
    }

    public static func == (lhs: CertificateProfile, rhs: CertificateProfile) -> Bool {
        lhs.subject.map { [$0.attribute, $0.value] } == rhs.subject.map { [$0.attribute, $0.value] }
            && lhs.notBefore == rhs.notBefore && lhs.notAfter == rhs.notAfter && lhs.role == rhs.role
    }

    /// The extensions of the role, in OpenSSL's configuration syntax.
    var extensions: [(name: String, value: String)] {
        switch role {
        case .authority:
            return [("basicConstraints", "critical,CA:TRUE"), ("keyUsage", "critical,keyCertSign,cRLSign"),
                    ("subjectKeyIdentifier", "hash")]
        case .server(let names):
            let alternatives = names.map { Self.isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
            return [("basicConstraints", "critical,CA:FALSE"), ("keyUsage", "critical,digitalSignature,keyEncipherment"),
                    ("extendedKeyUsage", "serverAuth"), ("subjectKeyIdentifier", "hash"), ("authorityKeyIdentifier", "keyid:always"),
                    ("subjectAltName", alternatives)]
        case .client:
            return [("basicConstraints", "critical,CA:FALSE"), ("keyUsage", "critical,digitalSignature,keyEncipherment"),
                    ("extendedKeyUsage", "clientAuth"), ("subjectKeyIdentifier", "hash"), ("authorityKeyIdentifier", "keyid:always")]
        case .cardSigning:
            return [("basicConstraints", "critical,CA:FALSE"), ("keyUsage", "critical,digitalSignature,nonRepudiation"),
                    ("subjectKeyIdentifier", "hash"), ("authorityKeyIdentifier", "keyid:always")]
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
