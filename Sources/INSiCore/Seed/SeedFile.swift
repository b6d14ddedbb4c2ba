import Foundation

/// The reference base file: one JSON document, records readable by a person.
///
/// ```json
/// { "format": "insi-sim-base", "version": 1,
///   "identities": [ { "birthName": "ADRTROIS", "firstNames": ["DOMINIQUE"], "sex": "F",
///                     "birthDate": "1997-02-26", "birthPlace": "2A020",
///                     "ins": { "matricule": "297022A020778", "key": "78", "oid": "1.2.250.1.213.1.4.8" } } ],
///   "vitaleCards": [ ... ] }
/// ```
public struct SeedFile: Codable, Sendable {
    public static let formatName = "insi-sim-base"
    public static let currentVersion = 1

    public var format: String?
    public var version: Int?
    public var identities: [IdentityRecord]?
    public var vitaleCards: [VitaleCardRecord]?

    public init(identities: [IdentityRecord], vitaleCards: [VitaleCardRecord] = []) {
        format = SeedFile.formatName
        version = SeedFile.currentVersion
        self.identities = identities
        self.vitaleCards = vitaleCards
    }

    /// Reads and validates a seed file into a base. The first invalid record stops the load.
    /// The file is read in chunks and decoded record by record (see `SeedSchema` and `JSONPullParser`), so that a
    /// million identities load in seconds without the file sitting whole in memory.
    public static func load(path: String, nameMatching: NameMatching = .strict,
                            progress: SeedLoadProgress = .none) throws(SeedError) -> ReferenceBase {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path: path, reason: "it is a directory") }
        let reader = SeedByteReader(fileDescriptor: descriptor, totalBytes: Int(status.st_size))
        return try load(reader: reader, nameMatching: nameMatching, progress: progress)
    }

    /// Decodes and validates seed JSON into a base.
    public static func load(data: Data, nameMatching: NameMatching = .strict,
                            progress: SeedLoadProgress = .none) throws(SeedError) -> ReferenceBase {
        try load(reader: SeedByteReader(data: data), nameMatching: nameMatching, progress: progress)
    }

    /// Reads the document, validating and inserting each identity as soon as it is read.
    /// The outcome is the one of decoding everything first and validating afterwards (what the
    /// JSONDecoder version did): a JSON error anywhere wins over an invalid record, the header
    /// over the records, the first invalid record over later ones, identities over cards.
    private static func load(reader: SeedByteReader, nameMatching: NameMatching, progress: SeedLoadProgress) throws(SeedError) -> ReferenceBase {
        let pipeline = SeedInsertPipeline(nameMatching: nameMatching)
        var firstInvalid: SeedError?
        var position = 0
        var batch = SeedInsertPipeline.Batch(firstPosition: 1, identities: [])
        batch.identities.reserveCapacity(SeedInsertPipeline.batchSize)
        let schema = SeedSchema(reader: reader)
        let document: SeedSchema.Document
        do throws(SeedParseError) {
            document = try schema.document { (record) throws(SeedParseError) in
                position += 1
                if position % progress.interval == 0 { progress.report(reader.offset, reader.totalBytes, position) }
                // After the first invalid record the rest is only read (a JSON error further
                // on still wins, as it did when the whole file was decoded first).
                guard firstInvalid == nil else { return }
                do throws(RecordError) {
                    batch.identities.append(try record.validated())
                } catch {
                    firstInvalid = .record(position: position, name: record.displayName, field: error.field, reason: error.reason)
                    return
                }
                if batch.identities.count == SeedInsertPipeline.batchSize {
                    pipeline.send(batch)
                    batch = SeedInsertPipeline.Batch(firstPosition: position + 1, identities: [])
                    batch.identities.reserveCapacity(SeedInsertPipeline.batchSize)
                }
            }
        } catch {
            _ = pipeline.finish()
            switch error {
            case .syntax(let message): throw .malformedJSON(message)
            case .mismatch(let path, let expected):
                let (where_, field) = SeedError.location(path)
                throw .malformedJSON("\(where_), field \(field): expected \(expected)")
            }
        }
        pipeline.send(batch)
        var (base, conflict) = pipeline.finish()
        progress.finish(position)
        var header = SeedFile(identities: [], vitaleCards: [])
        header.format = document.format
        header.version = document.version
        try header.checkHeader()
        // A duplicate matricule can only be before the first invalid record: it comes first.
        if let error = conflict ?? firstInvalid { throw error }
        try addCards(document.cards ?? [], to: &base)
        return base
    }

    /// Validates and inserts one record; the error to report, if any.
    private static func insert(_ record: IdentityRecord, position: Int, into base: inout ReferenceBase) -> SeedError? {
        let identity: Identity
        do {
            identity = try record.validated()
        } catch {
            return .record(position: position, name: record.displayName, field: error.field, reason: error.reason)
        }
        do {
            try base.insert(identity)
        } catch {
            return .record(position: position, name: record.displayName, field: "ins.matricule", reason: error.description)
        }
        return nil
    }

    private func checkHeader() throws(SeedError) {
        guard format == SeedFile.formatName else {
            throw .header("\"format\" must be \"\(SeedFile.formatName)\", found \(format.map { "\"\($0)\"" } ?? "nothing")")
        }
        guard version == SeedFile.currentVersion else {
            throw .header("\"version\" must be \(SeedFile.currentVersion), found \(version.map(String.init) ?? "nothing")")
        }
    }

    /// Validates every record and builds the base.
    public func base(nameMatching: NameMatching = .strict) throws(SeedError) -> ReferenceBase {
        try checkHeader()
        var base = ReferenceBase(nameMatching: nameMatching)
        for (index, record) in (identities ?? []).enumerated() {
            if let error = SeedFile.insert(record, position: index + 1, into: &base) { throw error }
        }
        try SeedFile.addCards(vitaleCards ?? [], to: &base)
        return base
    }

    private static func addCards(_ cards: [VitaleCardRecord], to base: inout ReferenceBase) throws(SeedError) {
        for (index, record) in cards.enumerated() {
            let od = record.ouvrantDroit?.matricule ?? "?"
            do {
                let card = try record.validated { base.identity(matricule: $0)?.traits.birthDate }
                try base.addCard(card)
            } catch let error as RecordError {
                throw .card(position: index + 1, ouvrantDroit: od, field: error.field, reason: error.reason)
            } catch let error as BaseError {
                throw .card(position: index + 1, ouvrantDroit: od, field: "beneficiaries", reason: error.description)
            } catch {
                throw .card(position: index + 1, ouvrantDroit: od, field: "", reason: "\(error)")
            }
        }
    }
}

/// Why a seed file was refused. Positions count from 1, in file order.
public enum SeedError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedJSON(String)
    case header(String)
    /// An identity record is invalid.
    case record(position: Int, name: String, field: String, reason: String)
    /// A Vitale card record is invalid.
    case card(position: Int, ouvrantDroit: String, field: String, reason: String)

    /// `identities[11].ins.key` -> ("record 12", "ins.key"); `vitaleCards[0]...` -> "card 1".
    static func location(_ path: [SeedPathItem]) -> (String, String) {
        var section = ""
        var position = 0
        var field: [String] = []
        for (index, item) in path.enumerated() {
            switch item {
            case .key(let name):
                if index == 0 { section = name; continue }
                field.append((field.isEmpty ? "" : ".") + name)
            case .index(let number):
                if index == 0 { section = "\(number)"; continue }
                if index == 1 { position = number + 1; continue }
                field.append("[\(number)]")
            }
        }
        let where_ = position > 0 ? "\(section == "vitaleCards" ? "card" : "record") \(position)" : section
        return (where_, field.joined())
    }

    init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> (String, String) {
            SeedError.location(codingPath.map { key in key.intValue.map(SeedPathItem.index) ?? .key(key.stringValue) })
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let (where_, field) = path(context.codingPath)
            self = .malformedJSON("\(where_), field \(field): expected \(SeedError.jsonTypeName(type))")
        case .keyNotFound(let key, let context):
            let (where_, _) = path(context.codingPath)
            self = .malformedJSON("\(where_): missing \(key.stringValue)")
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            self = .malformedJSON(underlying ?? context.debugDescription)
        @unknown default:
            self = .malformedJSON("\(error)")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        default: return type is any Collection.Type ? "a list" : "an object"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the seed file \(path): \(reason)"
        case .malformedJSON(let reason): return "the seed file is not valid JSON for the base format: \(reason)"
        case .header(let reason): return "the seed file header is wrong: \(reason)"
        case .record(let position, let name, let field, let reason):
            return "record \(position) (\(name)), field \(field): \(reason)"
        case .card(let position, let od, let field, let reason):
            return "Vitale card \(position) (ouvrant droit \(od)), field \(field): \(reason)"
        }
    }
}
