import Foundation

/// A JSON decoding error in user words: the field as a path (`effect.kind`, positions in lists
/// counted from 1 as `#1`) and the reason.
struct DecodingErrorText: Sendable, Equatable {
    /// Empty when the error concerns the whole document.
    var field: String
    var reason: String

    init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// Reads any error `JSONDecoder` throws.
    init(_ error: any Error) {
        guard let decoding = error as? DecodingError else {
            self.init(field: "", reason: "is not valid JSON: \(error.localizedDescription)")
            return
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), reason: "is missing")
        case .typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), reason: "has the wrong type (expected \(Self.words(type)))")
        case .valueNotFound(_, let context):
            self.init(field: Self.path(context.codingPath), reason: "is null")
        case .dataCorrupted(let context):
            let path = Self.path(context.codingPath)
            // Our own readers write reasons in user words; Foundation's say the JSON is broken.
            let own = !context.codingPath.isEmpty && context.underlyingError == nil
            self.init(field: path, reason: own ? context.debugDescription : "is not valid JSON (\(Self.foundationReason(context)))")
        @unknown default:
            self.init(field: "", reason: "\(error)")
        }
    }

    /// `a.b#2.c`: keys joined by dots, positions in lists counted from 1.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "#\(index + 1)"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    /// The position in a top-level list (counted from 1) and the path inside that element.
    static func split(_ codingPath: [any CodingKey]) -> (position: Int?, inside: String) {
        var rest = codingPath[...]
        if rest.first?.stringValue == "scenarios" { rest = rest.dropFirst() }
        guard let index = rest.first?.intValue else { return (nil, path(codingPath)) }
        return (index + 1, path(Array(rest.dropFirst())))
    }

    private static func words(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return type is any Collection.Type ? "a list" : "an object"
        }
    }

    private static func foundationReason(_ context: DecodingError.Context) -> String {
        let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
    }

    /// "field a.b: reason", or the reason alone for the whole document.
    var text: String { field.isEmpty ? reason : "field \(field): \(reason)" }
}
