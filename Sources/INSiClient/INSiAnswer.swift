import INSiSOAP

/// The identity of a 00 answer, as received (text kept as sent so that wrong data can be
/// reported), with the checks made on it.
public struct INSiIdentity: Sendable, Equatable, Codable {
    /// `INSACTIF`: the matricule to use, its key and OID.
    public var active: WireINS
    /// `INSHISTO`: previous matricules of the person.
    public var history: [WireINS]
    /// `TIQ`: the reference traits. They replace the local ones once checked against an
    /// identity document.
    public var traits: WireTraits
    /// What the software must look at before using this INS (empty when nothing is wrong).
    public var warnings: [IdentityWarning]

    /// Public so that a stand-in for ``INSiTraitsSearching`` (a test double, an integrator's own
    /// transport) can answer with an identity; ``INSiClient`` builds it from the answer it reads.
    public init(active: WireINS, history: [WireINS], traits: WireTraits, warnings: [IdentityWarning]) {
        self.active = active
        self.history = history
        self.traits = traits
        self.warnings = warnings
    }
}

/// What one call found.
public enum INSiOutcome: Sendable, Equatable {
    /// 00: exactly one identity.
    case found(INSiIdentity)
    /// 01: none.
    case notFound
    /// 02: several (traits search only): narrow the search.
    case several

    /// The identity, when found.
    public var identity: INSiIdentity? {
        if case .found(let identity) = self { return identity }
        return nil
    }
}

/// The answer to one call: the outcome and how it came.
public struct INSiAnswer: Sendable, Equatable {
    /// What the call found, as a type to switch on: `code` says the same as received, for trails.
    public var outcome: INSiOutcome
    /// `CodeCR`: "00", "01" or "02".
    public var code: String
    /// `LibelleCR`, as received.
    public var label: String
    /// The `wsa:MessageID` sent (`uuid:…`): the reference to give the CNAM about this call.
    public var messageID: String
    /// The HTTP status the answer came with (200 for every answer ``INSiClient`` reads), kept so
    /// that a trail or a bug report shows the whole exchange.
    public var httpStatus: Int
    /// From sending the request to the last byte of the answer.
    public var duration: Duration

    /// Public so that a stand-in for ``INSiTraitsSearching`` can answer without a server: a test
    /// double of INSi, or a transport of the integrator's own.
    public init(outcome: INSiOutcome, code: String, label: String, messageID: String, httpStatus: Int, duration: Duration) {
        self.outcome = outcome
        self.code = code
        self.label = label
        self.messageID = messageID
        self.httpStatus = httpStatus
        self.duration = duration
    }
}
