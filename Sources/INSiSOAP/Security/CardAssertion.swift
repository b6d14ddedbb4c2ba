import Foundation

/// The SAML 2.0 assertion a CPx card produces, carried in `wsse:Security` when a practitioner
/// calls INSi from a workstation (the CPx endpoint). Shape as public INSi clients build it:
/// `Issuer` (X509SubjectName: the card certificate's subject), an enveloped `ds:Signature`,
/// `Subject/NameID` with `NameQualifier="CPS"` (the card holder's identifier), and two
/// attributes: `identifiantFacturation` and `secteurActivite`.
public struct CardAssertion: Sendable, Equatable {
    /// The `ID` attribute, which the signature's reference names (`URI="#ID"`).
    public var id: String
    public var issueInstant: Date
    /// The card certificate's subject, as written in `Issuer`.
    public var issuer: String
    /// The card holder's identifier (`NameID`, qualified `CPS`).
    public var holder: String
    /// `identifiantFacturation`: the practitioner's billing identifier.
    public var billingID: String
    /// `secteurActivite`, e.g. `SA05`.
    public var sector: String

    public init(id: String, issueInstant: Date, issuer: String, holder: String, billingID: String, sector: String) {
        self.id = id
        self.issueInstant = issueInstant
        self.issuer = issuer
        self.holder = holder
        self.billingID = billingID
        self.sector = sector
    }

    static let samlNamespace = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"
    static let issuerFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"
    static let holderQualifier = "CPS"
    static let billingAttribute = "identifiantFacturation"
    static let sectorAttribute = "secteurActivite"

    /// The algorithms of the signature, the only ones accepted.
    enum Algorithm {
        static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
        static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    }

    /// `2026-11-30T08:00:00Z`, as SAML writes instants (UTC, no fraction).
    static func instantText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The assertion with an empty signature template (algorithms chosen, values to fill), its
    /// namespaces declared on itself so that it can be embedded anywhere: exclusive
    /// canonicalisation then gives the same bytes inside an envelope as alone.
    func unsignedXML() -> String {
        let attribute = { (text: String) in XMLEscaping.escape(text, for: .attribute) }
        let text = { (text: String) in XMLEscaping.escape(text) }
        return """
        <saml:Assertion xmlns:saml="\(Self.samlNamespace)" ID="\(attribute(id))" IssueInstant="\(Self.instantText(issueInstant))" Version="2.0">\
        <saml:Issuer Format="\(Self.issuerFormat)">\(text(issuer))</saml:Issuer>\
        <ds:Signature xmlns:ds="\(Self.dsigNamespace)"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="\(Algorithm.exclusiveC14N)"/>\
        <ds:SignatureMethod Algorithm="\(Algorithm.rsaSHA256)"/>\
        <ds:Reference URI="#\(attribute(id))"><ds:Transforms>\
        <ds:Transform Algorithm="\(Algorithm.enveloped)"/><ds:Transform Algorithm="\(Algorithm.exclusiveC14N)"/>\
        </ds:Transforms><ds:DigestMethod Algorithm="\(Algorithm.sha256)"/><ds:DigestValue></ds:DigestValue></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>\
        <ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>\
        <saml:Subject><saml:NameID NameQualifier="\(Self.holderQualifier)">\(text(holder))</saml:NameID></saml:Subject>\
        <saml:AttributeStatement>\
        <saml:Attribute Name="\(Self.billingAttribute)"><saml:AttributeValue>\(text(billingID))</saml:AttributeValue></saml:Attribute>\
        <saml:Attribute Name="\(Self.sectorAttribute)"><saml:AttributeValue>\(text(sector))</saml:AttributeValue></saml:Attribute>\
        </saml:AttributeStatement></saml:Assertion>
        """
    }
}
