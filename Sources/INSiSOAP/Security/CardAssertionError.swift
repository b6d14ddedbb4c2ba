/// Why the CPx card assertion of a request is refused: each a SOAP fault on the CPx endpoint
/// (simulator-defined codes) and a finding for the judge.
public enum CardAssertionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `saml:Assertion` in `wsse:Security` (the CPx endpoint needs one).
    case missing
    /// More than one assertion, or one whose structure is wrong: `field` names what.
    case malformed(field: String, reason: String)
    /// No `ds:Signature` in the assertion, or more than one.
    case unsigned
    /// An algorithm other than exclusive c14n, RSA-SHA256, SHA-256 and the enveloped transform.
    case unsupportedAlgorithm(String)
    /// The signature does not cover the assertion: one reference, `URI="#<the assertion's ID>"`.
    case wrongReference(String)
    /// The signature or the digest does not verify: the assertion was changed after signing, or
    /// signed with another key than the certificate's.
    case badSignature(String)
    /// `KeyInfo` holds no readable X.509 certificate.
    case unreadableCertificate
    /// The certificate does not chain to the card CA.
    case untrustedCertificate(String)
    /// The certificate is outside its validity at the time of the call.
    case expiredCertificate(notAfter: String)
    case certificateNotYetValid(notBefore: String)
    /// The certificate's key usage does not allow signing.
    case certificateNotForSigning
    /// The certificate is an e-CPS's (software): INSi requires a physical card.
    case eCPS
    /// `Issuer` does not name the certificate's subject.
    case issuerMismatch(issuer: String, certificate: String)
    /// `IssueInstant` is older than the accepted window, or in the future.
    case tooOld(seconds: Int, window: Int)
    case issuedInTheFuture(seconds: Int)

    public var description: String {
        switch self {
        case .missing: "no SAML assertion in wsse:Security (the CPx endpoint needs the card's assertion)"
        case .malformed(let field, let reason): "the assertion's \(field) \(reason)"
        case .unsigned: "the assertion is not signed by exactly one ds:Signature"
        case .unsupportedAlgorithm(let algorithm): "the signature uses \(algorithm); INSi accepts exclusive c14n, RSA-SHA256 and SHA-256 digests"
        case .wrongReference(let uri): "the signature's reference (\(uri)) is not the assertion (one reference, URI=\"#<its ID>\")"
        case .badSignature(let reason): "the assertion's signature does not verify (changed after signing?): \(reason)"
        case .unreadableCertificate: "the signature's KeyInfo holds no readable X.509 certificate"
        case .untrustedCertificate(let reason): "the card certificate is not issued by the card CA: \(reason)"
        case .expiredCertificate(let notAfter): "the card certificate expired on \(notAfter)"
        case .certificateNotYetValid(let notBefore): "the card certificate is valid only from \(notBefore)"
        case .certificateNotForSigning: "the card certificate's key usage does not allow signing"
        case .eCPS: "the assertion comes from an e-CPS: INSi requires a physical CPx card"
        case .issuerMismatch(let issuer, let certificate): "the assertion's Issuer (\(issuer)) is not the card certificate's subject (\(certificate))"
        case .tooOld(let seconds, let window): "the assertion was issued \(seconds) s ago, more than the \(window) s accepted"
        case .issuedInTheFuture(let seconds): "the assertion is dated \(seconds) s in the future"
        }
    }
}
