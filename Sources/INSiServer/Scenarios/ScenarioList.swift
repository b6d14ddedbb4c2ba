import Foundation

/// Why a scenarios file could not be read.
public struct ScenarioListError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// A scenarios file: a JSON array of scenarios, or an object with a `scenarios` array (and
/// anything else, such as a `description`, beside it).
enum ScenarioList {
    static func read(_ url: URL) throws(ScenarioListError) -> [Scenario] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ScenarioListError(description: "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: url.path)
    }

    static func decode(_ data: Data, source: String) throws(ScenarioListError) -> [Scenario] {
        struct Wrapped: Decodable { var scenarios: [Scenario] }
        // The first character says which of the two shapes it is: decode only that one, so
        // that an error inside a scenario is reported as such.
        let first = data.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        do {
            if first == UInt8(ascii: "{") { return try JSONDecoder().decode(Wrapped.self, from: data).scenarios }
            return try JSONDecoder().decode([Scenario].self, from: data)
        } catch {
            throw ScenarioListError(description: "\(source): \(describe(error))")
        }
    }

    /// "scenario 2 (counted from 1), field effect.kind: reason", or what is wrong with the whole file.
    static func describe(_ error: any Error) -> String {
        let text = DecodingErrorText(error)
        if let decoding = error as? DecodingError, let context = decoding.context {
            let path = context.codingPath + (decoding.missingKey.map { [$0] } ?? [])
            let (position, inside) = DecodingErrorText.split(path)
            if let position {
                return "scenario \(position) (counted from 1)\(inside.isEmpty ? "" : ", field \(inside)"): \(text.reason)"
            }
        }
        return "not a JSON array of scenarios (nor {\"scenarios\": [...]}): \(text.text)"
    }
}

extension DecodingError {
    var context: Context? {
        switch self {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context
        @unknown default:
            return nil
        }
    }

    var missingKey: (any CodingKey)? {
        if case .keyNotFound(let key, _) = self { return key }
        return nil
    }
}
