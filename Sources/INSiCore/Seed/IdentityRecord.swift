/// An identity as written in a seed file or sent to the admin API: plain JSON, readable by a
/// person. Every field is optional here so that validation, not decoding, explains what is wrong.
public struct IdentityRecord: Codable, Sendable, Equatable {
    public var note: String?
    public var birthName: String?
    public var firstNames: [String]?
    public var sex: String?
    public var birthDate: String?
    public var birthPlace: String?
    public var ins: INSRecord?
    public var history: [INSRecord]?
    /// `false` opts the record out of the key rule (to reproduce the CNDA case of wrong keys).
    public var keyCheck: Bool?

    public init(
        note: String? = nil, birthName: String? = nil, firstNames: [String]? = nil, sex: String? = nil,
        birthDate: String? = nil, birthPlace: String? = nil, ins: INSRecord? = nil, history: [INSRecord]? = nil,
        keyCheck: Bool? = nil
    ) {
        self.note = note
        self.birthName = birthName
        self.firstNames = firstNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.ins = ins
        self.history = history
        self.keyCheck = keyCheck
    }

    /// The record of an identity (what the admin API returns).
    public init(_ identity: Identity) {
        note = identity.note
        birthName = identity.traits.birthName
        firstNames = identity.traits.firstNames
        sex = identity.traits.sex.rawValue
        birthDate = identity.traits.birthDate.text
        birthPlace = identity.traits.birthPlace?.code
        ins = INSRecord(identity.ins)
        history = identity.history.map(INSRecord.init)
        keyCheck = identity.keyCheck ? nil : false
    }

    /// "NAME FIRST NAMES" as far as the record says, for error messages.
    public var displayName: String {
        let name = birthName ?? "?"
        let first = firstNames?.joined(separator: " ") ?? ""
        return first.isEmpty ? name : "\(name) \(first)"
    }

    /// Checks every field and builds the identity. Reference traits are upper case without
    /// diacritics (civil registration as INSi returns it), so nothing else is accepted.
    public func validated() throws(RecordError) -> Identity {
        guard let birthName, !birthName.isEmpty else { throw RecordError("birthName", "is missing") }
        try IdentityRecord.checkName(birthName, field: "birthName", allowSpaces: true)
        guard let firstNames, !firstNames.isEmpty else {
            throw RecordError("firstNames", "is missing: a reference identity has at least one first name")
        }
        for (index, name) in firstNames.enumerated() {
            try IdentityRecord.checkName(name, field: "firstNames[\(index)]", allowSpaces: false)
        }
        guard let sexText = sex else { throw RecordError("sex", "is missing") }
        guard let sexValue = Sex(rawValue: sexText) else { throw RecordError("sex", "'\(sexText)' is not M, F or I") }
        guard let dateText = birthDate else { throw RecordError("birthDate", "is missing") }
        guard let date = LunarDate(dateText) else {
            throw RecordError("birthDate", "'\(dateText)' is not YYYY-MM-DD with a possible date (00 for an unknown month or day)")
        }
        var place: COG?
        if let placeText = birthPlace {
            guard let cog = COG(placeText), cog.code == placeText else {
                throw RecordError("birthPlace", "'\(placeText)' is not a COG: 5 characters, digits or 2A/2B then 3 digits, 99xxx abroad")
            }
            place = cog
        }
        let checkKeys = keyCheck ?? true
        guard let ins else { throw RecordError("ins", "is missing: the active INS (matricule, key, oid)") }
        let active = try ins.validated(field: "ins", checkKey: checkKeys)
        var past: [INS] = []
        for (index, record) in (history ?? []).enumerated() {
            past.append(try record.validated(field: "history[\(index)]", checkKey: checkKeys))
        }
        let traits = IdentityTraits(birthName: birthName, firstNames: firstNames, sex: sexValue, birthDate: date, birthPlace: place)
        return Identity(ins: active, history: past, traits: traits, keyCheck: checkKeys, note: note)
    }

    private static func checkName(_ name: String, field: String, allowSpaces: Bool) throws(RecordError) {
        // Fast path for what a base holds: A-Z, hyphen, apostrophe (space) only, so one byte per
        // character and no grapheme counting (a million-identity load checks 3 million names).
        var plain = !name.isEmpty
        for byte in name.utf8 {
            let allowed = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "'") || (allowSpaces && byte == UInt8(ascii: " "))
            if !allowed { plain = false; break }
        }
        if plain && name.utf8.count <= TraitsQuery.maxNameLength && name.utf8.first != UInt8(ascii: " ") && name.utf8.last != UInt8(ascii: " ") {
            return
        }
        // Anything else: the full checks, for their messages.
        guard !name.isEmpty else { throw RecordError(field, "is empty") }
        guard name.count <= TraitsQuery.maxNameLength else { throw RecordError(field, "is longer than \(TraitsQuery.maxNameLength) characters") }
        for scalar in name.unicodeScalars {
            let allowed = ("A"..."Z").contains(scalar) || scalar == "-" || scalar == "'" || (allowSpaces && scalar == " ")
            guard allowed else {
                let what = scalar == " " ? "a space (first names are separate list entries)" : "'\(scalar)'"
                throw RecordError(field, "'\(name)' holds \(what): reference traits are upper case A-Z, hyphen, apostrophe\(allowSpaces ? ", space" : "")")
            }
        }
        guard name.first != " ", name.last != " " else { throw RecordError(field, "'\(name)' starts or ends with a space") }
    }
}

/// One INS in a record: the active one (`ins`) or a past one (`history`).
public struct INSRecord: Codable, Sendable, Equatable {
    public var matricule: String?
    /// Two digits; computed from the matricule when absent.
    public var key: String?
    public var oid: String?
    public var dateStart: String?
    public var dateEnd: String?

    public init(matricule: String? = nil, key: String? = nil, oid: String? = nil, dateStart: String? = nil, dateEnd: String? = nil) {
        self.matricule = matricule
        self.key = key
        self.oid = oid
        self.dateStart = dateStart
        self.dateEnd = dateEnd
    }

    public init(_ ins: INS) {
        matricule = ins.matricule.value
        key = ins.key
        oid = ins.oid.rawValue
        dateStart = ins.dateStart?.text
        dateEnd = ins.dateEnd?.text
    }

    /// A matricule as written in a record: syntax checked, upper case required. `field` names
    /// the matricule itself (`ins.matricule`, `beneficiaries[0].matricule`).
    static func matricule(_ text: String?, field: String) throws(RecordError) -> Matricule {
        guard let text else { throw RecordError(field, "is missing") }
        switch Matricule.parse(text) {
        case .success(let parsed) where parsed.value == text: return parsed
        case .success: throw RecordError(field, "'\(text)' must be written upper case")
        case .failure(let error): throw RecordError(field, "'\(text)': \(error.description)")
        }
    }

    func validated(field: String, checkKey: Bool) throws(RecordError) -> INS {
        let value = try INSRecord.matricule(matricule, field: "\(field).matricule")
        let keyValue = key ?? value.key
        guard MatriculeKey.isWellFormed(keyValue) else { throw RecordError("\(field).key", "'\(keyValue)' is not two digits") }
        if checkKey && keyValue != value.key {
            throw RecordError("\(field).key", "matricule key \(keyValue) does not match \(value.key) (set \"keyCheck\": false to keep a wrong key on purpose)")
        }
        guard let oidText = oid else { throw RecordError("\(field).oid", "is missing (1.2.250.1.213.1.4.8 for a NIR, .9 for a NIA)") }
        guard let oidValue = INSOID(rawValue: oidText) else {
            throw RecordError("\(field).oid", "'\(oidText)' is not an INS OID (1.2.250.1.213.1.4.8 NIR, .9 NIA, .10 and .11 test)")
        }
        let start = try INSRecord.fullDate(dateStart, field: "\(field).dateStart")
        let end = try INSRecord.fullDate(dateEnd, field: "\(field).dateEnd")
        return INS(matricule: value, key: keyValue, oid: oidValue, dateStart: start, dateEnd: end)
    }

    private static func fullDate(_ text: String?, field: String) throws(RecordError) -> LunarDate? {
        guard let text else { return nil }
        guard let date = LunarDate(text), !date.isLunar else { throw RecordError(field, "'\(text)' is not a date YYYY-MM-DD") }
        return date
    }
}

/// A field of a record that fails validation, and why.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the field in the record, e.g. `ins.key` or `history[1].matricule`.
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
