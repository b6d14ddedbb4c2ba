import Foundation

/// Checks the CPx card assertion of a request like the real service: its structure, its
/// enveloped signature (verified by xmlsec1, never by hand), the card certificate chained to the
/// card CA and valid at the time of the call, allowed to sign, named by `Issuer`, and the
/// assertion recent enough.
public struct CardAssertionVerifier: Sendable {
    public struct Configuration: Sendable {
        /// The card CA(s), PEM: physical cards' certificates chain to it.
        public var cardCA: [UInt8]
        /// The e-CPS CA(s), PEM, when known: a certificate chaining to it is an e-CPS's,
        /// refused as such (INSi requires a physical card). Simulator choice: that is how the
        /// simulator tells an e-CPS from a card, documented in the fault table.
        public var eCPSCA: [UInt8]?
        /// How old an assertion may be (`IssueInstant`).
        public var maxAge: Duration
        /// How far in the future `IssueInstant` may be (clocks differ).
        public var clockSkew: Duration

        public init(cardCA: [UInt8], eCPSCA: [UInt8]? = nil, maxAge: Duration = .seconds(3600), clockSkew: Duration = .seconds(300)) {
            self.cardCA = cardCA
            self.eCPSCA = eCPSCA
            self.maxAge = maxAge
            self.clockSkew = clockSkew
        }
    }

    /// What a valid assertion says, and of which card.
    public struct Verified: Sendable, Equatable {
        public var assertion: CardAssertion
        public var certificateSubject: String
        public var certificateIssuer: String
        public var certificateSerial: String
        public var certificateNotAfter: Date
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Checks the assertion of the SOAP envelope `bytes` at time `now`.
    public func verify(envelope bytes: [UInt8], now: Date) -> Result<Verified, CardAssertionError> {
        Result { () throws(CardAssertionError) -> Verified in try check(bytes, now: now) }
    }

    private typealias Algorithm = CardAssertion.Algorithm

    private func check(_ bytes: [UInt8], now: Date) throws(CardAssertionError) -> Verified {
        guard case .success(let envelope) = SafeXMLReader.read(bytes) else {
            throw .malformed(field: "envelope", reason: "is not well-formed XML")
        }
        let soap = envelope.namespace
        let assertions = envelope.child("Header", soap)?.child("Security", INSiNamespace.wsse)?
            .children("Assertion", CardAssertion.samlNamespace) ?? []
        guard let element = assertions.first else { throw .missing }
        guard assertions.count == 1 else { throw .malformed(field: "Assertion", reason: "appears \(assertions.count) times") }
        let assertion = try Self.read(element)
        let der = try Self.signatureCertificate(of: element, id: assertion.id)

        // The signature, verified with the public key of the certificate KeyInfo carries.
        if let problem = XMLSecurity.initialisation { throw .badSignature(problem) }
        guard let verification = XMLSecurity.verify(envelope: bytes, certificate: der),
              verification.assertions == 1, verification.idRegistered else {
            throw .malformed(field: "ID", reason: "is not the document's only ID")
        }
        guard verification.references == 1, verification.uri == "#" + assertion.id else { throw .wrongReference(verification.uri) }
        guard verification.verified, verification.valid else {
            throw .badSignature(XMLSecurity.lastError ?? "the digest or the signature value does not match")
        }

        // The certificate: an e-CPS's, a card's, valid now, for signing.
        if let eCPSCA = configuration.eCPSCA, let report = XMLSecurity.check(certificate: der, trusted: eCPSCA, at: now),
           report.verificationError == nil || report.verificationError?.code == CardCertificateReport.expired {
            throw .eCPS
        }
        guard let report = XMLSecurity.check(certificate: der, trusted: configuration.cardCA, at: now) else {
            throw .unreadableCertificate
        }
        if let (code, reason) = report.verificationError {
            switch code {
            case CardCertificateReport.expired: throw .expiredCertificate(notAfter: CardAssertion.instantText(report.notAfter))
            case CardCertificateReport.notYetValid: throw .certificateNotYetValid(notBefore: CardAssertion.instantText(report.notBefore))
            default: throw .untrustedCertificate(reason)
            }
        }
        guard report.allowsSigning else { throw .certificateNotForSigning }
        guard let issuer = DistinguishedName(text: assertion.issuer), issuer == report.subject else {
            throw .issuerMismatch(issuer: assertion.issuer, certificate: report.subject.description)
        }

        // Recent enough.
        let age = now.timeIntervalSince(assertion.issueInstant)
        let window = Double(configuration.maxAge.components.seconds)
        if age > window { throw .tooOld(seconds: Int(age), window: Int(window)) }
        if -age > Double(configuration.clockSkew.components.seconds) { throw .issuedInTheFuture(seconds: Int(-age)) }
        return Verified(assertion: assertion, certificateSubject: report.subjectText, certificateIssuer: report.issuer,
                        certificateSerial: report.serial, certificateNotAfter: report.notAfter)
    }

    /// The assertion's fields, each checked for presence and form.
    private static func read(_ element: XMLTreeElement) throws(CardAssertionError) -> CardAssertion {
        let saml = CardAssertion.samlNamespace
        guard let id = element.attributes["ID"], !id.isEmpty else { throw .malformed(field: "ID", reason: "is missing") }
        guard element.attributes["Version"] == "2.0" else { throw .malformed(field: "Version", reason: "is not 2.0") }
        guard let instantText = element.attributes["IssueInstant"], let instant = CardAssertion.instant(instantText) else {
            throw .malformed(field: "IssueInstant", reason: "is missing or not an xs:dateTime")
        }
        guard let issuer = element.child("Issuer", saml), !issuer.value.isEmpty else {
            throw .malformed(field: "Issuer", reason: "is missing")
        }
        guard issuer.attributes["Format"] == CardAssertion.issuerFormat else {
            throw .malformed(field: "Issuer/@Format", reason: "is not \(CardAssertion.issuerFormat)")
        }
        guard let nameID = element.child("Subject", saml)?.child("NameID", saml), !nameID.value.isEmpty else {
            throw .malformed(field: "Subject/NameID", reason: "is missing")
        }
        guard nameID.attributes["NameQualifier"] == CardAssertion.holderQualifier else {
            throw .malformed(field: "Subject/NameID/@NameQualifier", reason: "is not \(CardAssertion.holderQualifier)")
        }
        let attributes = element.child("AttributeStatement", saml)?.children("Attribute", saml) ?? []
        func value(_ name: String) throws(CardAssertionError) -> String {
            let matching = attributes.filter { $0.attributes["Name"] == name }
            guard matching.count == 1, let value = matching[0].value(of: "AttributeValue", saml), !value.isEmpty else {
                throw .malformed(field: "AttributeStatement/\(name)", reason: matching.count > 1 ? "appears \(matching.count) times" : "is missing")
            }
            return value
        }
        return CardAssertion(id: id, issueInstant: instant, issuer: issuer.value, holder: nameID.value,
                             billingID: try value(CardAssertion.billingAttribute), sector: try value(CardAssertion.sectorAttribute))
    }

    /// The signature's algorithms and reference, checked; the DER of its KeyInfo certificate.
    private static func signatureCertificate(of element: XMLTreeElement, id: String) throws(CardAssertionError) -> [UInt8] {
        let ds = CardAssertion.dsigNamespace
        let signatures = element.children("Signature", ds)
        guard signatures.count == 1, let signature = signatures.first, let info = signature.child("SignedInfo", ds) else {
            throw .unsigned
        }
        func algorithm(of child: XMLTreeElement?, is expected: String) throws(CardAssertionError) {
            let used = child?.attributes["Algorithm"] ?? "no algorithm"
            guard used == expected else { throw .unsupportedAlgorithm(used) }
        }
        try algorithm(of: info.child("CanonicalizationMethod", ds), is: Algorithm.exclusiveC14N)
        try algorithm(of: info.child("SignatureMethod", ds), is: Algorithm.rsaSHA256)
        let references = info.children("Reference", ds)
        guard references.count == 1, let reference = references.first, reference.attributes["URI"] == "#" + id else {
            throw .wrongReference(references.map { $0.attributes["URI"] ?? "no URI" }.joined(separator: ", "))
        }
        for transform in reference.child("Transforms", ds)?.children("Transform", ds) ?? [] {
            let used = transform.attributes["Algorithm"] ?? "no algorithm"
            guard used == Algorithm.enveloped || used == Algorithm.exclusiveC14N else { throw .unsupportedAlgorithm(used) }
        }
        try algorithm(of: reference.child("DigestMethod", ds), is: Algorithm.sha256)
        guard let base64 = signature.child("KeyInfo", ds)?.child("X509Data", ds)?.value(of: "X509Certificate", ds),
              let der = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !der.isEmpty else {
            throw .unreadableCertificate
        }
        return Array(der)
    }
}
