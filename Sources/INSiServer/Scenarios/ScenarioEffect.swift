import INSiCore
import INSiSOAP

/// What happens to a call a scenario matches. In JSON, the `effect` object: its `kind` and the
/// fields of that kind (a field another kind uses, or no kind knows, is refused with the list of
/// the valid ones).
public enum ScenarioEffect: Sendable, Equatable {
    /// The normal answer (with the scenario's delay, the only use of it).
    case answer
    /// A given result code: 00 with the identity whose active matricule is given, 01 or 02.
    case result(INSiResultCode, matricule: Matricule?)
    /// A fault of the catalogue, or one of the scenario's own.
    case fault(ScenarioFault)
    /// An HTTP status with an empty or HTML body (what a proxy answers).
    case http(status: Int, body: HTTPErrorBody)
    /// Close the connection without answering.
    case close
    /// The normal answer cut in the middle (Content-Length announces it whole), then close.
    case truncated
    /// A 200 whose body is not well-formed XML.
    case malformed
    /// A given XML document, verbatim, with the request's MessageID put in.
    case document(ScenarioDocument)

    /// The body of an `http` effect.
    public enum HTTPErrorBody: String, Sendable, CaseIterable {
        case empty, html
    }

    /// The `kind` of each effect, as written in JSON.
    public enum Kind: String, Sendable, CaseIterable {
        case answer, result, fault, http, close, truncated, malformed, document

        /// The fields this kind reads, besides `kind` and `delayMs`.
        var fields: [ScenarioEffect.Field] {
            switch self {
            case .answer, .close, .truncated, .malformed: return []
            case .result: return [.code, .matricule]
            case .fault: return [.fault, .faultCode, .subcode, .detailCode, .reason, .detail, .severity, .status]
            case .http: return [.status, .body]
            case .document: return [.xml, .file, .status]
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .answer: return .answer
        case .result: return .result
        case .fault: return .fault
        case .http: return .http
        case .close: return .close
        case .truncated: return .truncated
        case .malformed: return .malformed
        case .document: return .document
        }
    }

    /// The keys of the `effect` object.
    enum Field: String, CodingKey, CaseIterable {
        case kind, delayMs
        case code, matricule
        case fault, faultCode, subcode, detailCode, reason, detail, severity, status
        case body
        case xml, file
    }
}

// MARK: - JSON

extension ScenarioEffect {
    /// Reads the `effect` object; every error says, in user words, what is wrong and what is valid.
    init(from container: KeyedDecodingContainer<AnyKey>) throws {
        let fields = ScenarioFields(container)
        let kindText = try fields.require(.kind, String.self, "is missing; valid kinds: \(Self.kindList)")
        guard let kind = Kind(rawValue: kindText) else {
            throw fields.error(.kind, "'\(kindText)' is not an effect kind; valid kinds: \(Self.kindList)")
        }
        let allowed = Set(kind.fields.map(\.rawValue) + [Field.kind.rawValue, Field.delayMs.rawValue])
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            let valid = kind.fields.isEmpty ? "none but delayMs" : (kind.fields.map(\.rawValue) + ["delayMs"]).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: "is not a field of a \(kind.rawValue) effect; its fields: \(valid)"))
        }
        switch kind {
        case .answer: self = .answer
        case .close: self = .close
        case .truncated: self = .truncated
        case .malformed: self = .malformed
        case .result:
            let text = try fields.require(.code, String.self, "a result effect needs code 00, 01 or 02")
            guard let code = INSiResultCode(rawValue: text) else { throw fields.error(.code, "'\(text)' is not 00, 01 or 02") }
            let matricule = try fields.optional(.matricule, String.self)
            switch (code, matricule) {
            case (.found, nil):
                throw fields.error(.matricule, "a 00 result needs the active matricule of an identity of the base")
            case (.found, let text?):
                guard let value = Matricule(text) else {
                    throw fields.error(.matricule, "'\(text)' is not a matricule (13 characters: sex, year, month, place, order)")
                }
                self = .result(code, matricule: value)
            case (_, _?):
                throw fields.error(.matricule, "only a 00 result answers an identity; \(code.rawValue) has no matricule")
            case (_, nil):
                self = .result(code, matricule: nil)
            }
        case .fault:
            self = .fault(try ScenarioFault(fields))
        case .http:
            guard let status = try fields.optional(.status, Int.self), (100...599).contains(status) else {
                throw fields.error(.status, "an http effect needs a status between 100 and 599")
            }
            let bodyText = try fields.optional(.body, String.self) ?? HTTPErrorBody.empty.rawValue
            guard let body = HTTPErrorBody(rawValue: bodyText) else { throw fields.error(.body, "'\(bodyText)' is not empty or html") }
            self = .http(status: status, body: body)
        case .document:
            self = .document(try ScenarioDocument(fields))
        }
    }

    /// Writes the `effect` object (without `delayMs`, which the scenario writes).
    func encode(to container: inout KeyedEncodingContainer<AnyKey>) throws {
        try container.encode(kind.rawValue, forKey: AnyKey(Field.kind))
        switch self {
        case .answer, .close, .truncated, .malformed:
            break
        case .result(let code, let matricule):
            try container.encode(code.rawValue, forKey: AnyKey(Field.code))
            try container.encodeIfPresent(matricule?.value, forKey: AnyKey(Field.matricule))
        case .fault(let fault):
            try fault.encode(to: &container)
        case .http(let status, let body):
            try container.encode(status, forKey: AnyKey(Field.status))
            try container.encode(body.rawValue, forKey: AnyKey(Field.body))
        case .document(let document):
            try document.encode(to: &container)
        }
    }

    static var kindList: String { Kind.allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Any JSON key: the effect object is read key by key, so that an unknown one can be named.
struct AnyKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(_ field: ScenarioEffect.Field) { stringValue = field.rawValue }
}

/// Typed reads of the `effect` object's fields, with errors that name the field.
struct ScenarioFields {
    let container: KeyedDecodingContainer<AnyKey>

    init(_ container: KeyedDecodingContainer<AnyKey>) {
        self.container = container
    }

    func optional<T: Decodable>(_ field: ScenarioEffect.Field, _ type: T.Type) throws -> T? {
        let key = AnyKey(field)
        guard container.contains(key), !(try container.decodeNil(forKey: key)) else { return nil }
        do {
            return try container.decode(type, forKey: key)
        } catch DecodingError.typeMismatch {
            throw error(field, "must be \(T.self == Int.self ? "a whole number" : "a string")")
        }
    }

    func require<T: Decodable>(_ field: ScenarioEffect.Field, _ type: T.Type, _ missing: String) throws -> T {
        guard let value = try optional(field, type) else { throw error(field, missing) }
        return value
    }

    func error(_ field: ScenarioEffect.Field, _ reason: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: container.codingPath + [AnyKey(field)], debugDescription: reason))
    }
}
