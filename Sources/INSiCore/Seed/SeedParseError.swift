/// What stops `SeedParser`: JSON that is not well formed, or a value of the wrong type for the
/// base format. Both become `SeedError.malformedJSON`, worded as JSONDecoder's were.
enum SeedParseError: Error {
    /// Not well-formed JSON; the message says where.
    case syntax(String)
    /// A value of the wrong JSON type at `path` (outermost first); `expected` is "a string"...
    case mismatch(path: [SeedPathItem], expected: String)

    /// The same mismatch one level further out.
    func within(_ item: SeedPathItem) -> SeedParseError {
        guard case .mismatch(let path, let expected) = self else { return self }
        return .mismatch(path: [item] + path, expected: expected)
    }
}

/// One step of a path in the seed document: an object key or a list index.
enum SeedPathItem: Sendable, Equatable {
    case key(String)
    case index(Int)
}
