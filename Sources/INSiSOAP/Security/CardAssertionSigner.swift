import Foundation

/// Signs a ``CardAssertion`` with a card's key, as a CPx card does: an enveloped XML signature
/// (exclusive c14n, RSA-SHA256, SHA-256 digest, `Reference URI="#ID"`, the card certificate in
/// `KeyInfo`), made by xmlsec1. For teams without test cards: the result goes into a request's
/// `wsse:Security` as is.
public enum CardAssertionSigner {
    /// Why an assertion could not be signed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The assertion a card makes now: `Issuer` its certificate's subject, in the form CPx
    /// assertions carry it (`2.5.4.42=OLIVIER+CN=00B6087510+SN=DUPONT,T=Medecin,C=FR`).
    public static func assertion(card certificate: [UInt8], holder: String?, billingID: String, sector: String,
                                 at instant: Date = Date()) throws(Failure) -> CardAssertion {
        guard let subject = XMLSecurity.subject(ofCertificate: certificate) else {
            throw Failure(description: "the card certificate is not a PEM certificate")
        }
        let cardNumber = subject.rdns.flatMap { $0 }.first { $0.oid == "2.5.4.3" }?.value
        return CardAssertion(id: "_" + UUID().uuidString.lowercased(), issueInstant: instant, issuer: subject.description,
                             holder: holder ?? cardNumber ?? "", billingID: billingID, sector: sector)
    }

    /// The signed `saml:Assertion` element (no XML declaration), ready to paste.
    /// - Parameters:
    ///   - key: the card's private key, PEM.
    ///   - certificate: the card's certificate, PEM.
    public static func sign(_ assertion: CardAssertion, key: [UInt8], certificate: [UInt8]) throws(Failure) -> [UInt8] {
        if let problem = XMLSecurity.initialisation { throw Failure(description: problem) }
        guard let signed = XMLSecurity.sign(assertion: Array(assertion.unsignedXML().utf8), key: key, certificate: certificate) else {
            throw Failure(description: "the assertion could not be signed: \(XMLSecurity.lastError ?? "is the key the certificate's, both PEM?")")
        }
        return signed
    }
}
