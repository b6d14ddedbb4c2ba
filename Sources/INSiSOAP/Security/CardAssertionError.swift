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

extension CardAssertionError {
    /// The fault code of each way an assertion is refused (simulator-defined: the real service's
    /// codes for these are not public). A missing or malformed assertion shares the strict
    /// mode's codes.
    public enum Refusal: String, Sendable, CaseIterable {
        case unsigned = "insisim_961"
        case unsupportedAlgorithm = "insisim_962"
        case wrongReference = "insisim_963"
        case badSignature = "insisim_964"
        case unreadableCertificate = "insisim_965"
        case untrustedCertificate = "insisim_966"
        case certificateNotValidNow = "insisim_967"
        case certificateNotForSigning = "insisim_968"
        case eCPS = "insisim_969"
        case issuerMismatch = "insisim_970"
        case notRecent = "insisim_971"

        /// The French reason's end (after "Exigence de sécurité non satisfaite : ").
        var reason: String {
            switch self {
            case .unsigned: "l'assertion SAML n'est pas signée"
            case .unsupportedAlgorithm: "l'assertion SAML est signée avec un algorithme non accepté"
            case .wrongReference: "la signature ne porte pas sur l'assertion SAML"
            case .badSignature: "la signature de l'assertion SAML est invalide"
            case .unreadableCertificate: "le certificat de la carte est illisible"
            case .untrustedCertificate: "le certificat de la carte n'est pas émis par l'autorité des cartes CPx"
            case .certificateNotValidNow: "le certificat de la carte n'est pas en cours de validité"
            case .certificateNotForSigning: "le certificat de la carte ne permet pas de signer"
            case .eCPS: "une e-CPS ne permet pas d'accéder à ce service (carte CPx physique requise)"
            case .issuerMismatch: "l'émetteur de l'assertion SAML n'est pas le titulaire du certificat"
            case .notRecent: "l'assertion SAML n'est pas récente"
            }
        }

        /// The default detail text (a refusal writes what exactly was wrong instead).
        var detail: String {
            switch self {
            case .unsigned: "the SAML Assertion has no ds:Signature"
            case .unsupportedAlgorithm: "the signature uses another algorithm than exclusive c14n, RSA-SHA256 and SHA-256"
            case .wrongReference: "the signature's reference is not the assertion"
            case .badSignature: "the assertion's signature does not verify"
            case .unreadableCertificate: "KeyInfo holds no readable X.509 certificate"
            case .untrustedCertificate: "the card certificate does not chain to the card CA"
            case .certificateNotValidNow: "the card certificate is expired or not yet valid"
            case .certificateNotForSigning: "the card certificate's key usage does not allow signing"
            case .eCPS: "the assertion was signed with an e-CPS"
            case .issuerMismatch: "Issuer does not name the card certificate's subject"
            case .notRecent: "IssueInstant is outside the accepted window"
            }
        }
    }

    /// The catalogue code this error is answered with.
    public var refusal: RefusalCode {
        switch self {
        case .missing: .strict(.samlAssertionPresent)
        case .malformed: .strict(.samlAssertionWellFormed)
        case .unsigned: .card(.unsigned)
        case .unsupportedAlgorithm: .card(.unsupportedAlgorithm)
        case .wrongReference: .card(.wrongReference)
        case .badSignature: .card(.badSignature)
        case .unreadableCertificate: .card(.unreadableCertificate)
        case .untrustedCertificate: .card(.untrustedCertificate)
        case .expiredCertificate, .certificateNotYetValid: .card(.certificateNotValidNow)
        case .certificateNotForSigning: .card(.certificateNotForSigning)
        case .eCPS: .card(.eCPS)
        case .issuerMismatch: .card(.issuerMismatch)
        case .tooOld, .issuedInTheFuture: .card(.notRecent)
        }
    }

    /// A strict-mode code or a card-assertion code.
    public enum RefusalCode: Sendable, Equatable {
        case strict(INSiFault.SecurityRequirement)
        case card(Refusal)

        public var rawValue: String {
            switch self {
            case .strict(let requirement): requirement.rawValue
            case .card(let refusal): refusal.rawValue
            }
        }
    }
}

