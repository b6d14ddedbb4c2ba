/// Why a rehearsal pack was refused: the file, the case and the field, so that an editor can fix
/// it without reading the loader.
public struct RehearsalPackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (pack or included file).
    public var file: String
    /// The case's `id`, or `#N` (counted from 1 in its file) when it has none.
    public var caseID: String?
    /// The field, dotted (`expect.code`, `request.firstNames`).
    public var field: String?
    /// What is wrong, in words that say what to write instead.
    public var reason: String

    /// Public so that tests can state the error they expect.
    public init(file: String, caseID: String? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.caseID = caseID
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var text = "invalid rehearsal pack \(file)"
        if let caseID { text += ", case \(caseID)" }
        if let field { text += ", field \(field)" }
        return text + ": " + reason
    }
}
