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
    /// True when `wsse:Security` held a SAML assertion (CPx card callers).
    public var hasSAMLAssertion: Bool

    public init(messageID: String? = nil, action: String? = nil, lps: ContexteLPS? = nil, bam: ContexteBAM? = nil,
                hasSecurity: Bool = false, hasSAMLAssertion: Bool = false) {
        self.messageID = messageID
        self.action = action
        self.lps = lps
        self.bam = bam
        self.hasSecurity = hasSecurity
        self.hasSAMLAssertion = hasSAMLAssertion
    }
}
