import HTTPServer
import INSiCore
import INSiSOAP

/// One SOAP call as the server understood and answered it: what a person debugging a failed
/// call needs (the journal keeps these; the log prints them; the judge adds its findings).
///
/// The traits and the reason are kept as the request body and the search trace, and written
/// out as text only when someone reads them (the admin API, the journal file, debug logs):
/// formatting them for every call was a measurable part of a call's cost.
///
/// The stored fields are one ``Fields`` value in a shared box, copied only when a copy is
/// changed: a record goes from the endpoint to the log, the judge, the journal and the metrics,
/// and each copy of a dozen fields cost a retain and a release of each. They read and write as
/// the record's own properties (`record.code`), through dynamic member lookup: a new field is
/// one line of ``Fields`` (and its key in the Codable form).
@dynamicMemberLookup
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

    /// The stored fields of a record.
    public struct Fields: Sendable, Equatable {
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
        var traitsSource: TraitsSource
        /// "00", "01", "02" or "fault"; for scenario effects also "http 502", "closed", "truncated",
        /// "malformed", and for a document the CodeCR it holds ("fault" for a SOAP fault,
        /// "document" for anything else).
        public var code: String
        /// For faults: the subcode and detail code (`siram_100/desir_550`).
        public var fault: String?
        var reasonSource: ReasonSource
        /// The matricule answered, for 00.
        public var matricule: String?
        /// The scenario that shaped the answer, if any.
        public var scenario: String?
        /// Time from complete request to answer handed to the connection, in milliseconds.
        public var milliseconds: Double
        public var remoteAddress: String?
        /// Who called, for the sequence rules and the reports (see ``ClientIdentity``).
        public var client: ClientIdentity?
        /// The lookup of the client this call belongs to, numbered from 1 per client.
        public var lookup: Int?
        /// The rules this call broke (``CallRule``); empty for a well-made call.
        public var findings: [Finding] = []
        /// The client certificate of an mTLS call: subject, issuer, serial and validity.
        public var clientCertificate: PeerCertificate?
    }

    /// `@unchecked Sendable`: a box is written only through a record that holds the sole
    /// reference to it (copy on write), so a box two threads can see is never written.
    private final class Box: @unchecked Sendable {
        /// Without the run-time exclusivity check (six a call, about 450 instructions): only
        /// the one record that holds the box writes it, one field at a time.
        @exclusivity(unchecked) var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// The call's number in the journal, from 1 (0 until journaled): links and `after=` polling.
    /// Beside the box rather than in it: the journal numbers the record while the endpoint
    /// still holds it, which in the box would copy every field.
    public var seq = 0

    /// The fields, read and written as the record's own properties (`record.code`).
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Fields, Value>) -> Value {
        get { box.fields[keyPath: keyPath] }
        // Changed in place: a setter took the old value out and put the new one in, each
        // a copy (a retain and a release each).
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields[keyPath: keyPath]
        }
    }

    var requestBody: INSiRequest.Body? {
        if case .body(let body) = self.traitsSource { return body }
        return nil
    }

    /// The traits as the server read them (wire names), before validation.
    public var traits: [String: String] {
        get {
            switch self.traitsSource {
            case .fields(let fields): return fields
            case .body(let body): return INSiRequest.journalTraits(of: body)
            }
        }
        set { self.traitsSource = .fields(newValue) }
    }

    /// Why this answer: the search's explanation or the fault's detail.
    public var reason: String {
        get {
            switch self.reasonSource {
            case .text(let text): return text
            case .search(let trace): return trace.description
            }
        }
        set { self.reasonSource = .text(newValue) }
    }

    public init(time: Double, operation: String?, messageID: String?, idam: String?, emitter: String?, software: String?,
                traits: [String: String], code: String, fault: String?, reason: String, matricule: String?, scenario: String?,
                milliseconds: Double, remoteAddress: String?) {
        box = Box(Fields(time: time, operation: operation, messageID: messageID, idam: idam, emitter: emitter, software: software,
                         traitsSource: .fields(traits), code: code, fault: fault, reasonSource: .text(reason), matricule: matricule,
                         scenario: scenario, milliseconds: milliseconds, remoteAddress: remoteAddress))
    }

    public static func == (lhs: CallRecord, rhs: CallRecord) -> Bool {
        lhs.seq == rhs.seq && (lhs.box === rhs.box || lhs.box.fields == rhs.box.fields)
    }
}

extension CallRecord {
    enum CodingKeys: String, CodingKey {
        case time, operation, messageID, idam, emitter, software, traits, code, fault, reason, matricule, scenario, milliseconds, remoteAddress
        case seq, client, lookup, findings
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
        self.seq = try c.decodeIfPresent(Int.self, forKey: .seq) ?? 0
        self.client = try c.decodeIfPresent(String.self, forKey: .client).map(ClientIdentity.init(id:))
        self.lookup = try c.decodeIfPresent(Int.self, forKey: .lookup)
        self.findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
        self.clientCertificate = try c.decodeIfPresent(PeerCertificate.self, forKey: .clientCertificate)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let fields = box.fields
        try c.encode(fields.time, forKey: .time)
        try c.encodeIfPresent(fields.operation, forKey: .operation)
        try c.encodeIfPresent(fields.messageID, forKey: .messageID)
        try c.encodeIfPresent(fields.idam, forKey: .idam)
        try c.encodeIfPresent(fields.emitter, forKey: .emitter)
        try c.encodeIfPresent(fields.software, forKey: .software)
        try c.encode(traits, forKey: .traits)
        try c.encode(fields.code, forKey: .code)
        try c.encodeIfPresent(fields.fault, forKey: .fault)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(fields.matricule, forKey: .matricule)
        try c.encodeIfPresent(fields.scenario, forKey: .scenario)
        try c.encode(fields.milliseconds, forKey: .milliseconds)
        try c.encodeIfPresent(fields.remoteAddress, forKey: .remoteAddress)
        if seq > 0 { try c.encode(seq, forKey: .seq) }
        try c.encodeIfPresent(fields.client?.id, forKey: .client)
        try c.encodeIfPresent(fields.lookup, forKey: .lookup)
        try c.encode(fields.findings, forKey: .findings)
        try c.encodeIfPresent(fields.clientCertificate, forKey: .clientCertificate)
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
