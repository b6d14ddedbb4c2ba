/// Why a message could not be read as XML.
public enum XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Document type declarations (and so entity declarations) are refused: SOAP forbids them,
    /// and they are how XXE and entity-expansion attacks start.
    case doctypeForbidden
    /// Only UTF-8 (or its ASCII subset) is read.
    case unsupportedEncoding(String)
    case tooLarge(limit: Int)
    case tooDeep(limit: Int)
    case tooManyElements(limit: Int)
    /// More `=` than attributes could sensibly need: libxml2 compares each attribute of an
    /// element with all the others before any limit of ours sees the element.
    case tooManyAttributes(limit: Int)
    case textTooLong(limit: Int)
    case notWellFormed(line: Int, column: Int, reason: String)
    case empty

    public var description: String {
        switch self {
        case .doctypeForbidden: return "a DOCTYPE (DTD or entity declaration) is not allowed in a SOAP message"
        case .unsupportedEncoding(let encoding): return "the message must be UTF-8, not \(encoding)"
        case .tooLarge(let limit): return "the message is larger than \(limit) bytes"
        case .tooDeep(let limit): return "elements are nested deeper than \(limit) levels"
        case .tooManyElements(let limit): return "the message has more than \(limit) elements"
        case .tooManyAttributes(let limit): return "the message has more than \(limit) attributes"
        case .textTooLong(let limit): return "an element holds more than \(limit) bytes of text"
        case .notWellFormed(let line, let column, let reason): return "XML not well-formed at line \(line), column \(column): \(reason)"
        case .empty: return "the message is empty"
        }
    }
}
