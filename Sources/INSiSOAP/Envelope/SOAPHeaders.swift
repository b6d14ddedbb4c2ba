/// `ContexteLPS`: who is calling (the software and its approval number).
public struct ContexteLPS: Sendable, Equatable, Codable {
    public var id: String?
    public var time: String?
    /// `Emetteur`: the calling organisation.
    public var emitter: String?
    /// `LPS/IDAM`: the software's approval number (numéro d'autorisation).
    public var idam: String?
    /// The `R` attribute of `IDAM`.
    public var idamR: String?
    /// `LPS/Version`.
    public var version: String?
    /// `LPS/Instance`.
    public var instance: String?
    /// `LPS/Nom`.
    public var name: String?

    public init(id: String? = nil, time: String? = nil, emitter: String? = nil, idam: String? = nil, idamR: String? = nil,
                version: String? = nil, instance: String? = nil, name: String? = nil) {
        self.id = id
        self.time = time
        self.emitter = emitter
        self.idam = idam
        self.idamR = idamR
        self.version = version
        self.instance = instance
        self.name = name
    }
}

/// `ContexteBAM`: the business context (and, for Vitale calls, the card's coverage).
public struct ContexteBAM: Sendable, Equatable, Codable {
    public var id: String?
    public var time: String?
    public var emitter: String?
    /// `COUVERTURE/ASSURE/Id/Num`, when present.
    public var insuredNumber: String?
    /// `COUVERTURE/BENEFICIAIRE/DateNai`, when present.
    public var beneficiaryBirthDate: String?
    /// `COUVERTURE/BENEFICIAIRE/Rang`, when present.
    public var beneficiaryRank: String?

    public init(id: String? = nil, time: String? = nil, emitter: String? = nil, insuredNumber: String? = nil,
                beneficiaryBirthDate: String? = nil, beneficiaryRank: String? = nil) {
        self.id = id
        self.time = time
        self.emitter = emitter
        self.insuredNumber = insuredNumber
        self.beneficiaryBirthDate = beneficiaryBirthDate
        self.beneficiaryRank = beneficiaryRank
    }
}

/// The SOAP headers of an INSi request, as read (kept whole for the journal).
public struct SOAPHeaders: Sendable, Equatable, Codable {
    /// `wsa:MessageID`, echoed in faults.
    public var messageID: String?
    /// `wsa:Action`, when sent.
    public var action: String?
    public var lps: ContexteLPS?
    public var bam: ContexteBAM?
    /// True when a `wsse:Security` header was present (empty for mTLS callers).
    public var hasSecurity: Bool
    /// The first `Assertion` in `wsse:Security` (CPx card callers), whatever its namespace.
    public var samlAssertion: SAMLAssertionHeader?

    /// True when `wsse:Security` held an assertion.
    public var hasSAMLAssertion: Bool { samlAssertion != nil }

    public init(messageID: String? = nil, action: String? = nil, lps: ContexteLPS? = nil, bam: ContexteBAM? = nil,
                hasSecurity: Bool = false, samlAssertion: SAMLAssertionHeader? = nil) {
        self.messageID = messageID
        self.action = action
        self.lps = lps
        self.bam = bam
        self.hasSecurity = hasSecurity
        self.samlAssertion = samlAssertion
    }
}

/// What the security checks read of a SAML assertion: its namespace, the attributes a SAML
/// 2.0 assertion must carry and the presence of its parts. Its signature is not checked here.
public struct SAMLAssertionHeader: Sendable, Equatable, Codable {
    /// The element's namespace; SAML 2.0 is ``INSiNamespace/saml2``.
    public var namespace: String
    /// `@ID`, which the signature's reference points to.
    public var id: String?
    /// `@Version`: "2.0".
    public var version: String?
    /// `@IssueInstant`, an xs:dateTime.
    public var issueInstant: String?
    /// `saml:Issuer`: the card certificate's subject.
    public var issuer: String?
    /// A `saml:Subject` child (the card holder).
    public var hasSubject: Bool
    /// A `ds:Signature` child.
    public var hasSignature: Bool

    public init(namespace: String, id: String? = nil, version: String? = nil, issueInstant: String? = nil, issuer: String? = nil,
                hasSubject: Bool = false, hasSignature: Bool = false) {
        self.namespace = namespace
        self.id = id
        self.version = version
        self.issueInstant = issueInstant
        self.issuer = issuer
        self.hasSubject = hasSubject
        self.hasSignature = hasSignature
    }
}
