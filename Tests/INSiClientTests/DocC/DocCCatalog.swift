import Foundation
import TestSupport

/// INSiClient's DocC catalog read as text: its articles, their Swift code blocks and tables,
/// and the sample regions of `DocCSampleTests.swift` that those blocks must be.
enum DocCCatalog {
    static let folder = TestPaths.repository.appendingPathComponent("Sources/INSiClient/INSiClient.docc")
    static let sources = TestPaths.repository.appendingPathComponent("Sources/INSiClient")
    static let samplesFile = TestPaths.repository.appendingPathComponent("Tests/INSiClientTests/DocC/DocCSampleTests.swift")

    /// One Markdown page of the catalog.
    struct Article {
        /// The file name without `.md`: what `<doc:…>` links name.
        var name: String
        var text: String

        /// The fenced ```` ```swift ```` blocks, in order.
        var swiftBlocks: [String] { DocCCatalog.swiftBlocks(in: text.components(separatedBy: "\n")) }

        /// The rows (header excluded) of the table whose header row has these cells.
        func table(header: [String]) throws -> [[String]] {
            let tables = MarkdownTable.tables(in: text)
            guard let table = tables.first(where: { $0.header == header }) else {
                throw MissingTable(article: name, header: header, found: tables.map(\.header))
            }
            return table.rows
        }
    }

    struct MissingTable: Error, CustomStringConvertible {
        var article: String
        var header: [String]
        var found: [[String]]
        var description: String { "\(article).md has no table headed \(header); its tables: \(found)" }
    }

    static func article(_ name: String) throws -> Article {
        Article(name: name, text: try String(contentsOf: folder.appendingPathComponent("\(name).md"), encoding: .utf8))
    }

    static func articles() throws -> [Article] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
            .map { try article(String($0.dropLast(3))) }
    }

    /// The Swift blocks of the doc comments of INSiClient's sources, each with its file.
    static func docCommentBlocks() throws -> [(file: String, code: String)] {
        guard let files = FileManager.default.enumerator(atPath: sources.path) else { return [] }
        var blocks: [(String, String)] = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let comment = text.components(separatedBy: "\n").compactMap { line -> String? in
                let trimmed = line.drop { $0 == " " }
                guard trimmed.hasPrefix("///") else { return nil }
                return String(trimmed.dropFirst(3).dropFirst(trimmed.dropFirst(3).hasPrefix(" ") ? 1 : 0))
            }
            blocks += swiftBlocks(in: comment).map { (file, $0) }
        }
        return blocks
    }

    static func swiftBlocks(in lines: [String]) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if let block = current, trimmed == "```" {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// A sample: the lines between `// sample: NAME` and `// end of sample`, without the marker's
    /// indentation.
    struct SampleRegion {
        var name: String
        var code: String
    }

    static func sampleRegions() throws -> [SampleRegion] {
        let lines = try String(contentsOf: samplesFile, encoding: .utf8).components(separatedBy: "\n")
        var regions: [SampleRegion] = []
        var open: (name: String, indent: Int, lines: [String])?
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// sample: ") {
                open = (String(trimmed.dropFirst("// sample: ".count)), line.prefix { $0 == " " }.count, [])
            } else if trimmed == "// end of sample", let region = open {
                regions.append(SampleRegion(name: region.name, code: region.lines.joined(separator: "\n")))
                open = nil
            } else if let indent = open?.indent {
                open?.lines.append(String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count))))
            }
        }
        return regions
    }

    /// The modules `DocCSampleTests.swift` imports: what an `import` line of a sample may name.
    static func sampleImports() throws -> Set<String> {
        let lines = try String(contentsOf: samplesFile, encoding: .utf8).components(separatedBy: "\n")
        return Set(lines.filter { $0.hasPrefix("import ") }.map { String($0.dropFirst("import ".count)) })
    }

    /// The symbol a cell links to under `type` (``` ``IdentityWarning/invalidKey(matricule:…)`` ```
    /// gives `invalidKey`), or nil.
    static func member(of type: String, in cell: String) -> String? {
        guard let range = cell.range(of: "``\(type)/") else { return nil }
        let name = cell[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }

    /// The texts between backticks of a cell, in order (`` `a`, `b` `` gives `a`, `b`).
    static func codes(in cell: String) -> [String] {
        let parts = cell.components(separatedBy: "`")
        return stride(from: 1, to: parts.count, by: 2).map { parts[$0] }.filter { !$0.isEmpty }
    }
}

/// The pipe tables of a Markdown text.
struct MarkdownTable {
    var header: [String]
    var rows: [[String]]

    static func tables(in text: String) -> [MarkdownTable] {
        var tables: [MarkdownTable] = []
        var block: [[String]] = []
        func close() {
            // A table is a header, a `|---|` line, then rows.
            if block.count >= 2, block[1].allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } && !$0.isEmpty }) {
                tables.append(MarkdownTable(header: block[0], rows: Array(block.dropFirst(2))))
            }
            block = []
        }
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("|") && trimmed.hasSuffix("|") && trimmed.count > 1 {
                block.append(trimmed.dropFirst().dropLast().components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) })
            } else {
                close()
            }
        }
        close()
        return tables
    }
}
