import Foundation

/// A JSON value kept as it was written, so that a rehearsal pack can carry a scenario the
/// client library does not model (scenarios belong to the server) and post it unchanged.
public enum RehearsalJSON: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number. Whole numbers are written back without `.0`: the server reads `times` and
    /// `delayMs` as integers.
    case number(Double)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([RehearsalJSON])
    /// An object.
    case object([String: RehearsalJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RehearsalJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: RehearsalJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers go out without ".0": the server reads `times`, `delayMs` as integers.
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text, keys sorted.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The name of the JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    var objectValue: [String: RehearsalJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    subscript(key: String) -> RehearsalJSON? {
        objectValue?[key]
    }
}
