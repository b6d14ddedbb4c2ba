import Foundation

/// The files scenarios may name: documents answered verbatim (looked for in the data directory,
/// then in the `Resources/` folder) and the built-in scenario sets (`Resources/scenarios/NAME.json`).
public struct ScenarioFiles: Sendable {
    /// The `Resources/` folder.
    public var resources: URL?
    /// `--data-dir`, when there is one.
    public var dataDirectory: URL?

    /// Largest document a scenario may answer.
    public static let maxDocumentBytes = 1 << 20

    public init(resources: URL?, dataDirectory: URL?) {
        self.resources = resources
        self.dataDirectory = dataDirectory
    }

    /// The folder of the built-in scenario sets.
    var setsDirectory: URL? { resources?.appendingPathComponent("scenarios") }

    /// The names of the built-in sets, sorted (`cnda`...).
    public var setNames: [String] {
        guard let directory = setsDirectory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The documents the built-in sets answer with (`scenarios/cnda/…xml`), relative to
    /// `Resources/`, for a `document` effect's `file`.
    public var documentNames: [String] {
        guard let directory = setsDirectory,
              let sets = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var names: [String] = []
        for set in sets {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(set).path) else { continue }
            names += files.filter { $0.hasSuffix(".xml") }.map { "scenarios/\(set)/\($0)" }
        }
        return names.sorted()
    }

    /// The file of the built-in set `name`, when there is one. A name is letters, digits, `-`
    /// and `_` only, so that it can never be taken for a path.
    public func set(named name: String) -> URL? {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }),
              let url = setsDirectory?.appendingPathComponent(name + ".json"),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The bytes of the document `name`: a relative path that stays inside the data directory or
    /// `Resources/` (no `..`, no absolute path, no symbolic link leading out).
    func document(_ name: String) throws(ScenarioError) -> [UInt8] {
        let field = "effect.file"
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw ScenarioError(field, "'\(name)' must be a relative path under the data directory or Resources/, without . or .. (e.g. scenarios/cnda/cnda-test-2.05-nia.xml)")
        }
        let roots = [dataDirectory, resources].compactMap { $0?.resolvingSymlinksInPath() }
        for root in roots {
            let url = root.appendingPathComponent(name).resolvingSymlinksInPath()
            guard url.path.hasPrefix(root.path + "/"), FileManager.default.fileExists(atPath: url.path) else { continue }
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size <= Self.maxDocumentBytes else {
                throw ScenarioError(field, "\(url.path) holds \(size) bytes; a document may hold at most \(Self.maxDocumentBytes)")
            }
            do {
                return Array(try Data(contentsOf: url))
            } catch {
                throw ScenarioError(field, "\(url.path) cannot be read: \(error.localizedDescription)")
            }
        }
        let looked = roots.isEmpty ? "no data directory or Resources/ folder is known" : "looked in \(roots.map(\.path).joined(separator: " and "))"
        throw ScenarioError(field, "no file '\(name)' (\(looked))")
    }
}
