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
    public static func load(path: String, nameMatching: NameMatching = .strict) throws(SeedError) -> ReferenceBase {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try load(data: data, nameMatching: nameMatching)
    }

    /// Decodes and validates seed JSON into a base.
    public static func load(data: Data, nameMatching: NameMatching = .strict) throws(SeedError) -> ReferenceBase {
        let file: SeedFile
        do {
            file = try JSONDecoder().decode(SeedFile.self, from: data)
        } catch let error as DecodingError {
            throw SeedError(decoding: error)
        } catch {
            throw .malformedJSON(error.localizedDescription)
        }
        return try file.base(nameMatching: nameMatching)
    }

    /// Validates every record and builds the base.
    public func base(nameMatching: NameMatching = .strict) throws(SeedError) -> ReferenceBase {
        guard format == SeedFile.formatName else {
            throw .header("\"format\" must be \"\(SeedFile.formatName)\", found \(format.map { "\"\($0)\"" } ?? "nothing")")
        }
        guard version == SeedFile.currentVersion else {
            throw .header("\"version\" must be \(SeedFile.currentVersion), found \(version.map(String.init) ?? "nothing")")
        }
        var base = ReferenceBase(nameMatching: nameMatching)
        for (index, record) in (identities ?? []).enumerated() {
            let identity: Identity
            do {
                identity = try record.validated()
            } catch {
                throw .record(position: index + 1, name: record.displayName, field: error.field, reason: error.reason)
            }
            do {
                try base.insert(identity)
            } catch {
                throw .record(position: index + 1, name: record.displayName, field: "ins.matricule", reason: error.description)
            }
        }
        for (index, record) in (vitaleCards ?? []).enumerated() {
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
        return base
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

    init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> (String, String) {
            // identities[11].ins.key -> record 12, field ins.key
            var section = ""
            var position = 0
            var field: [String] = []
            for (index, key) in codingPath.enumerated() {
                if index == 0 { section = key.stringValue; continue }
                if index == 1, let number = key.intValue { position = number + 1; continue }
                if let number = key.intValue { field.append("[\(number)]") } else { field.append((field.isEmpty ? "" : ".") + key.stringValue) }
            }
            let where_ = position > 0 ? "\(section == "vitaleCards" ? "card" : "record") \(position)" : section
            return (where_, field.joined())
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
