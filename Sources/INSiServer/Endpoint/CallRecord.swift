import HTTPServer
import INSiCore
import INSiSOAP

/// One SOAP call as the server understood and answered it: what a person debugging a failed
/// call needs (the journal keeps these; the log prints them).
///
/// The traits and the reason are kept as the request body and the search trace, and written
/// out as text only when someone reads them (the admin API, the journal file, debug logs):
/// formatting them for every call was a measurable part of a call's cost.
///
/// The fields live in one shared box, copied only when a copy is changed: a record goes from
/// the endpoint to the log, the journal and the metrics, and each copy of a dozen fields cost
/// a retain and a release of each.
public struct CallRecord: Sendable, Codable, Equatable {
    /// Where the traits come from.
    enum TraitsSource: Sendable, Equatable {
        case fields([String: String])
        case body(INSiRequest.Body)
    }

    /// Where the reason comes from.
    enum ReasonSource: Sendable, Equatable {
        case text(String)
        case search(SearchTrace)
    }

    /// The fields. `@unchecked Sendable`: a box is written only through a record that holds
    /// the sole reference to it (copy on write), so a box two threads can see is never written.
    private final class Fields: @unchecked Sendable {
        var time: Double
        var operation: String?
        var messageID: String?
        var idam: String?
        var emitter: String?
        var software: String?
        var traitsSource: TraitsSource
        var code: String
        var fault: String?
        var reasonSource: ReasonSource
        var matricule: String?
        var scenario: String?
        var milliseconds: Double
        var remoteAddress: String?
        var clientCertificate: PeerCertificate?

        init(time: Double, operation: String?, messageID: String?, idam: String?, emitter: String?, software: String?,
             traitsSource: TraitsSource, code: String, fault: String?, reasonSource: ReasonSource, matricule: String?,
             scenario: String?, milliseconds: Double, remoteAddress: String?, clientCertificate: PeerCertificate? = nil) {
            self.time = time
            self.operation = operation
            self.messageID = messageID
            self.idam = idam
            self.emitter = emitter
            self.software = software
            self.traitsSource = traitsSource
            self.code = code
            self.fault = fault
            self.reasonSource = reasonSource
            self.matricule = matricule
            self.scenario = scenario
            self.milliseconds = milliseconds
            self.remoteAddress = remoteAddress
            self.clientCertificate = clientCertificate
        }

        func copy() -> Fields {
            Fields(time: time, operation: operation, messageID: messageID, idam: idam, emitter: emitter, software: software,
                   traitsSource: traitsSource, code: code, fault: fault, reasonSource: reasonSource, matricule: matricule,
                   scenario: scenario, milliseconds: milliseconds, remoteAddress: remoteAddress, clientCertificate: clientCertificate)
        }
    }

    private var fields: Fields

    /// The box, made this record's own before a change.
    private var writable: Fields {
        mutating get {
            if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
            return fields
        }
    }

    /// Seconds since 1970 when the request was complete.
    public var time: Double {
        get { fields.time }
        set { writable.time = newValue }
    }
    /// `rechercherInsAvecTraitsIdentite`, `rechercherInsAvecCarteVitale`, or nil when unreadable.
    public var operation: String? {
        get { fields.operation }
        set { writable.operation = newValue }
    }
    public var messageID: String? {
        get { fields.messageID }
        set { writable.messageID = newValue }
    }
    /// The approval number (ContexteLPS/LPS/IDAM).
    public var idam: String? {
        get { fields.idam }
        set { writable.idam = newValue }
    }
    /// ContexteLPS/Emetteur.
    public var emitter: String? {
        get { fields.emitter }
        set { writable.emitter = newValue }
    }
    /// The software (LPS/Nom and LPS/Version).
    public var software: String? {
        get { fields.software }
        set { writable.software = newValue }
    }
    var traitsSource: TraitsSource {
        get { fields.traitsSource }
        set { writable.traitsSource = newValue }
    }
    /// The traits as the server read them (wire names), before validation.
    public var traits: [String: String] {
        get {
            switch traitsSource {
            case .fields(let fields): return fields
            case .body(let body): return INSiRequest.journalTraits(of: body)
            }
        }
        set { traitsSource = .fields(newValue) }
    }
    /// "00", "01", "02" or "fault"; for scenario effects also "http 502", "closed", "truncated", "malformed", and for a
    /// document the CodeCR it holds ("fault" for a SOAP fault, "document" for anything else).
    public var code: String {
        get { fields.code }
        set { writable.code = newValue }
    }
    /// For faults: the subcode and detail code (`siram_100/desir_550`).
    public var fault: String? {
        get { fields.fault }
        set { writable.fault = newValue }
    }
    var reasonSource: ReasonSource {
        get { fields.reasonSource }
        set { writable.reasonSource = newValue }
    }
    /// Why this answer: the search's explanation or the fault's detail.
    public var reason: String {
        get {
            switch reasonSource {
            case .text(let text): return text
            case .search(let trace): return trace.description
            }
        }
        set { reasonSource = .text(newValue) }
    }
    /// The matricule answered, for 00.
    public var matricule: String? {
        get { fields.matricule }
        set { writable.matricule = newValue }
    }
    /// The scenario that shaped the answer, if any.
    public var scenario: String? {
        get { fields.scenario }
        set { writable.scenario = newValue }
    }
    /// Time from complete request to answer handed to the connection, in milliseconds.
    public var milliseconds: Double {
        get { fields.milliseconds }
        set { writable.milliseconds = newValue }
    }
    public var remoteAddress: String? {
        get { fields.remoteAddress }
        set { writable.remoteAddress = newValue }
    }
    /// The client certificate of an mTLS call: subject, issuer, serial and validity.
    public var clientCertificate: PeerCertificate? {
        get { fields.clientCertificate }
        set { writable.clientCertificate = newValue }
    }

    public init(time: Double, operation: String?, messageID: String?, idam: String?, emitter: String?, software: String?,
                traits: [String: String], code: String, fault: String?, reason: String, matricule: String?, scenario: String?,
                milliseconds: Double, remoteAddress: String?) {
        fields = Fields(time: time, operation: operation, messageID: messageID, idam: idam, emitter: emitter, software: software,
                        traitsSource: .fields(traits), code: code, fault: fault, reasonSource: .text(reason), matricule: matricule,
                        scenario: scenario, milliseconds: milliseconds, remoteAddress: remoteAddress)
    }

    public static func == (lhs: CallRecord, rhs: CallRecord) -> Bool {
        if lhs.fields === rhs.fields { return true }
        let l = lhs.fields, r = rhs.fields
        return l.time == r.time && l.operation == r.operation && l.messageID == r.messageID && l.idam == r.idam
            && l.emitter == r.emitter && l.software == r.software && l.traitsSource == r.traitsSource && l.code == r.code
            && l.fault == r.fault && l.reasonSource == r.reasonSource && l.matricule == r.matricule && l.scenario == r.scenario
            && l.milliseconds == r.milliseconds && l.remoteAddress == r.remoteAddress && l.clientCertificate == r.clientCertificate
    }
}

extension CallRecord {
    enum CodingKeys: String, CodingKey {
        case time, operation, messageID, idam, emitter, software, traits, code, fault, reason, matricule, scenario, milliseconds, remoteAddress
        case clientCertificate
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            time: try c.decode(Double.self, forKey: .time), operation: try c.decodeIfPresent(String.self, forKey: .operation),
            messageID: try c.decodeIfPresent(String.self, forKey: .messageID), idam: try c.decodeIfPresent(String.self, forKey: .idam),
            emitter: try c.decodeIfPresent(String.self, forKey: .emitter), software: try c.decodeIfPresent(String.self, forKey: .software),
            traits: try c.decodeIfPresent([String: String].self, forKey: .traits) ?? [:], code: try c.decode(String.self, forKey: .code),
            fault: try c.decodeIfPresent(String.self, forKey: .fault), reason: try c.decodeIfPresent(String.self, forKey: .reason) ?? "",
            matricule: try c.decodeIfPresent(String.self, forKey: .matricule), scenario: try c.decodeIfPresent(String.self, forKey: .scenario),
            milliseconds: try c.decode(Double.self, forKey: .milliseconds), remoteAddress: try c.decodeIfPresent(String.self, forKey: .remoteAddress))
        clientCertificate = try c.decodeIfPresent(PeerCertificate.self, forKey: .clientCertificate)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encodeIfPresent(operation, forKey: .operation)
        try c.encodeIfPresent(messageID, forKey: .messageID)
        try c.encodeIfPresent(idam, forKey: .idam)
        try c.encodeIfPresent(emitter, forKey: .emitter)
        try c.encodeIfPresent(software, forKey: .software)
        try c.encode(traits, forKey: .traits)
        try c.encode(code, forKey: .code)
        try c.encodeIfPresent(fault, forKey: .fault)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(matricule, forKey: .matricule)
        try c.encodeIfPresent(scenario, forKey: .scenario)
        try c.encode(milliseconds, forKey: .milliseconds)
        try c.encodeIfPresent(remoteAddress, forKey: .remoteAddress)
        try c.encodeIfPresent(clientCertificate, forKey: .clientCertificate)
    }
}

extension CallRecord {
    /// Longest value kept from a request: the journal holds 10,000 calls, and a hostile request
    /// may carry a megabyte of text that must not stay in memory with it.
    static let maxFieldBytes = 256
    /// Most `Prenom` elements kept as they are.
    static let maxFirstNames = 16

    /// `text` cut to `maxFieldBytes` bytes (on a character boundary), with "…" when cut.
    static func capped(_ text: String?) -> String? {
        guard let text, text.utf8.count > maxFieldBytes else { return text }
        var kept = ""
        for character in text {
            guard kept.utf8.count + character.utf8.count <= maxFieldBytes else { break }
            kept.append(character)
        }
        return kept + "…"
    }

    /// The traits of a request to keep: the body itself when it is small (formatted only if read),
    /// else its fields cut to size.
    static func traitsSource(of body: INSiRequest.Body) -> TraitsSource {
        // No temporary arrays: this runs for every call.
        func fits(_ value: String?) -> Bool { (value?.utf8.count ?? 0) <= maxFieldBytes }
        let small: Bool
        switch body {
        case .traits(let traits):
            small = traits.firstNames.count <= maxFirstNames && traits.firstNames.allSatisfy(fits)
                && fits(traits.birthName) && fits(traits.sex) && fits(traits.birthDate) && fits(traits.birthPlace)
        case .vitale(let vitale):
            small = fits(vitale.birthName) && fits(vitale.birthDate) && fits(vitale.rank)
                && fits(vitale.ouvrantDroit?.number) && fits(vitale.ouvrantDroit?.key)
                && fits(vitale.beneficiary?.number) && fits(vitale.beneficiary?.key)
        }
        if small { return .body(body) }
        return .fields(INSiRequest.journalTraits(of: body).mapValues { capped($0) ?? "" })
    }
}

extension INSiRequest {
    /// The body's fields by wire name, for the journal.
    static func journalTraits(of body: Body) -> [String: String] {
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
