import Foundation

/// A rehearsal pack: the cases an editor runs against an INSi (the simulator or the real
/// service) before the CNDA approval tests. JSON, documented in docs/guides/rehearsal.md:
///
/// ```json
/// { "format": "insi-sim-rehearsal", "version": 1,
///   "include": ["../seed/cases.json"],
///   "cases": [ { "id": "…", "title": "…", "exercises": "…", "kind": "lookup", "identity": {…}, "expect": {…} } ] }
/// ```
///
/// `include` names files relative to the pack: a JSON array of cases (the form of
/// `Resources/seed/cases.json`) or another pack. Included cases come first, in file order.
public struct RehearsalPack: Sendable {
    /// The `format` a pack must declare.
    public static let format = "insi-sim-rehearsal"
    /// The only `version` this library reads.
    public static let version = 1

    /// The pack file.
    public var source: URL
    /// Optional `title`.
    public var title: String?
    /// Every case, included ones first, in file order: the order they run in.
    public var cases: [RehearsalCase]

    /// A pack built in code; ``load(from:)`` reads and checks one from its file.
    public init(source: URL, title: String? = nil, cases: [RehearsalCase]) {
        self.source = source
        self.title = title
        self.cases = cases
    }

    /// Reads and checks a pack and its includes. Every problem is reported with its file, case and
    /// field; duplicate case ids across files are refused.
    public static func load(from url: URL) throws(RehearsalPackError) -> RehearsalPack {
        var loader = RehearsalPackLoader()
        let document = try loader.document(at: url.standardizedFileURL)
        guard case .object(let object) = document else {
            throw RehearsalPackError(file: url.path, reason: "a pack is a JSON object with format, version and cases (found \(document.typeName))")
        }
        let title = object["title"].flatMap { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        let cases = try loader.pack(object, at: url.standardizedFileURL)
        return RehearsalPack(source: url, title: title, cases: cases)
    }

    /// The pack reduced to these cases, in pack order; an unknown id is refused (a typo would
    /// otherwise pass silently). That is a wrong selection, not a wrong pack: its own error.
    public func selecting(_ ids: [String]) throws(UnknownCaseIDs) -> RehearsalPack {
        guard !ids.isEmpty else { return self }
        let known = Set(cases.map(\.id))
        let unknown = ids.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw UnknownCaseIDs(ids: unknown, pack: source.path) }
        let wanted = Set(ids)
        var copy = self
        copy.cases = cases.filter { wanted.contains($0.id) }
        return copy
    }
}

/// Case ids asked for that no case of the pack has.
public struct UnknownCaseIDs: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ids no case has, as asked for.
    public var ids: [String]
    /// The pack file.
    public var pack: String

    /// Public so that tests can state the error they expect.
    public init(ids: [String], pack: String) {
        self.ids = ids
        self.pack = pack
    }

    public var description: String {
        "no case of \(pack) has the id \(ids.joined(separator: ", ")) (the ids are in the pack, and in every report)"
    }
}
