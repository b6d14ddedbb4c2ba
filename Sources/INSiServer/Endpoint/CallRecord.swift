import INSiCore
import INSiSOAP

/// One SOAP call as the server understood and answered it: what a person debugging a failed
/// call needs (the journal keeps these; the log prints them).
public struct CallRecord: Sendable, Codable, Equatable {
    /// Seconds since 1970 when the request was complete.
    public var time: Double
    /// `rechercherInsAvecTraitsIdentite`, `rechercherInsAvecCarteVitale`, or nil when unreadable.
    public var operation: String?
    public var messageID: String?
    /// The approval number (ContexteLPS/LPS/IDAM).
    public var idam: String?
    /// ContexteLPS/Emetteur.
    public var emitter: String?
    /// The software (LPS/Nom and LPS/Version).
    public var software: String?
    /// The traits as the server read them (wire names), before validation.
    public var traits: [String: String]
    /// "00", "01", "02" or "fault"; for scenario effects also "http 502", "closed", "truncated", "malformed".
    public var code: String
    /// For faults: the subcode and detail code (`siram_100/desir_550`).
    public var fault: String?
    /// Why this answer: the search's explanation or the fault's detail.
    public var reason: String
    /// The matricule answered, for 00.
    public var matricule: String?
    /// The scenario that shaped the answer, if any.
    public var scenario: String?
    /// Time from complete request to answer handed to the connection, in milliseconds.
    public var milliseconds: Double
    public var remoteAddress: String?

    public init(time: Double, operation: String?, messageID: String?, idam: String?, emitter: String?, software: String?,
                traits: [String: String], code: String, fault: String?, reason: String, matricule: String?, scenario: String?,
                milliseconds: Double, remoteAddress: String?) {
        self.time = time
        self.operation = operation
        self.messageID = messageID
        self.idam = idam
        self.emitter = emitter
        self.software = software
        self.traits = traits
        self.code = code
        self.fault = fault
        self.reason = reason
        self.matricule = matricule
        self.scenario = scenario
        self.milliseconds = milliseconds
        self.remoteAddress = remoteAddress
    }
}

extension INSiRequest {
    /// The body's fields by wire name, for the journal.
    var journalTraits: [String: String] {
        var traits: [String: String] = [:]
        switch body {
        case .traits(let request):
            traits["NomNaissance"] = request.birthName
            if !request.firstNames.isEmpty { traits["Prenom"] = request.firstNames.joined(separator: " | ") }
            traits["Sexe"] = request.sex
            traits["DateNaissance"] = request.birthDate
            traits["LieuNaissance"] = request.birthPlace
        case .vitale(let request):
            traits["MatriculeOD"] = request.ouvrantDroit.map { [$0.number, $0.key].compactMap { $0 }.joined(separator: "/") }
            traits["MatriculeIndividu"] = request.beneficiary.map { [$0.number, $0.key].compactMap { $0 }.joined(separator: "/") }
            traits["NomNaissance"] = request.birthName
            traits["DateNaissance"] = request.birthDate
            traits["RangNaissance"] = request.rank
        }
        return traits
    }
}
