/// The seed format's shape, read through a `JSONPullParser`: which keys each object has and
/// which record field each one fills. Unknown keys are skipped; `null` is an absent field.
struct SeedSchema {
    private let parser: JSONPullParser

    init(reader: SeedByteReader) {
        parser = JSONPullParser(reader: reader)
    }

    /// The header and the cards; identities are handed to `identity` one by one, in file order.
    struct Document {
        var format: String?
        var version: Int?
        var cards: [VitaleCardRecord]?
    }

    private enum DocumentKey: String, JSONKey {
        case format, version, identities, vitaleCards
        static let utf8Keys = makeUTF8Keys()
    }

    private enum IdentityKey: String, JSONKey {
        case note, birthName, firstNames, sex, birthDate, birthPlace, ins, history, keyCheck
        static let utf8Keys = makeUTF8Keys()
    }

    private enum INSKey: String, JSONKey {
        case matricule, key, oid, dateStart, dateEnd
        static let utf8Keys = makeUTF8Keys()
    }

    private enum CardKey: String, JSONKey {
        case note, ouvrantDroit, beneficiaries
        static let utf8Keys = makeUTF8Keys()
    }

    private enum BeneficiaryKey: String, JSONKey {
        case matricule, birthDate, rank
        static let utf8Keys = makeUTF8Keys()
    }

    func document(identity: (IdentityRecord) throws(SeedParseError) -> Void) throws(SeedParseError) -> Document {
        var document = Document()
        guard let first = try parser.firstByte() else { throw .syntax("the file is empty") }
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "t") || first == UInt8(ascii: "f")
                || first == UInt8(ascii: "n") || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
                try parser.skipValue()
                try parser.expectEnd()
                throw .mismatch(path: [], expected: "an object")
            }
            throw parser.unexpected(first)
        }
        try parser.object(DocumentKey.self) { (key) throws(SeedParseError) in
            switch key {
            case .format: document.format = try parser.optionalString()
            case .version: document.version = try parser.optionalInt()
            case .identities:
                try list { (_) throws(SeedParseError) in try identity(identityRecord()) }
            case .vitaleCards:
                document.cards = try optionalList { (_) throws(SeedParseError) in try cardRecord() }
            }
        }
        try parser.expectEnd()
        return document
    }

    // MARK: Records

    private func identityRecord() throws(SeedParseError) -> IdentityRecord {
        var record = IdentityRecord()
        try parser.object(IdentityKey.self) { (key) throws(SeedParseError) in
            switch key {
            case .note: record.note = try parser.optionalString()
            case .birthName: record.birthName = try parser.optionalString()
            case .firstNames: record.firstNames = try parser.optionalStrings()
            case .sex: record.sex = try parser.optionalString()
            case .birthDate: record.birthDate = try parser.optionalString()
            case .birthPlace: record.birthPlace = try parser.optionalString()
            case .ins: record.ins = try parser.isNull() ? nil : insRecord()
            case .history: record.history = try optionalList { (_) throws(SeedParseError) in try insRecord() }
            case .keyCheck: record.keyCheck = try parser.optionalBool()
            }
        }
        return record
    }

    private func insRecord() throws(SeedParseError) -> INSRecord {
        var record = INSRecord()
        try parser.object(INSKey.self) { (key) throws(SeedParseError) in
            switch key {
            case .matricule: record.matricule = try parser.optionalString()
            case .key: record.key = try parser.optionalString()
            case .oid: record.oid = try parser.optionalString()
            case .dateStart: record.dateStart = try parser.optionalString()
            case .dateEnd: record.dateEnd = try parser.optionalString()
            }
        }
        return record
    }

    private func cardRecord() throws(SeedParseError) -> VitaleCardRecord {
        var record = VitaleCardRecord()
        try parser.object(CardKey.self) { (key) throws(SeedParseError) in
            switch key {
            case .note: record.note = try parser.optionalString()
            case .ouvrantDroit: record.ouvrantDroit = try parser.isNull() ? nil : insRecord()
            case .beneficiaries:
                record.beneficiaries = try optionalList { (_) throws(SeedParseError) in try beneficiaryRecord() }
            }
        }
        return record
    }

    private func beneficiaryRecord() throws(SeedParseError) -> VitaleCardRecord.BeneficiaryRecord {
        var beneficiary = VitaleCardRecord.BeneficiaryRecord()
        try parser.object(BeneficiaryKey.self) { (key) throws(SeedParseError) in
            switch key {
            case .matricule: beneficiary.matricule = try parser.optionalString()
            case .birthDate: beneficiary.birthDate = try parser.optionalString()
            case .rank: beneficiary.rank = try parser.optionalInt()
            }
        }
        return beneficiary
    }

    // MARK: Lists of objects

    /// A list of objects (or null), each read by `element`; a null element is a type error.
    private func optionalList<Element>(_ element: (Int) throws(SeedParseError) -> Element) throws(SeedParseError) -> [Element]? {
        guard try !parser.isNull() else { return nil }
        var elements: [Element] = []
        try list { (index) throws(SeedParseError) in elements.append(try element(index)) }
        return elements
    }

    /// Like `optionalList`, handing each element over instead of collecting them (null: none).
    private func list(_ element: (Int) throws(SeedParseError) -> Void) throws(SeedParseError) {
        guard try !parser.isNull() else { return }
        try parser.array { (index) throws(SeedParseError) in
            guard try !parser.isNull() else { throw .mismatch(path: [], expected: "an object") }
            try element(index)
        }
    }
}
