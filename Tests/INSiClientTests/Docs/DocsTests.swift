import Foundation
@testable import INSiServer
import Testing
import TestSupport

/// The Markdown docs against the code: the tables that repeat a catalogue are generated from it
/// (`INSI_SIM_UPDATE_DOCS=1` rewrites them), every relative link leads somewhere, and the README
/// stays short.
@Suite("Docs")
struct DocsTests {
    static let root = TestPaths.repository

    /// The generated sections, by the name their markers give: `<!-- BEGIN generated: NAME -->`.
    /// Those of the command line come from the built binary (`insi-sim docs-table NAME`).
    static let generators: [String: @Sendable () async throws -> String] = [
        "serve-options": { try await binaryTable("serve-options") },
        "environment": { try await binaryTable("environment") },
        "exit-codes": { try await binaryTable("exit-codes") },
        "seeded-cases": { try SeededCasesTable.render(from: root.appendingPathComponent("Resources/seed/cases.json")) },
        "vitale-cards": { try SeededCasesTable.vitaleCards(from: root.appendingPathComponent("Resources/seed/default-base.json")) },
    ]

    static func binaryTable(_ name: String) async throws -> String {
        let run = try await CLITests.run(["docs-table", name])
        guard run.status == 0 else { throw DocsError("insi-sim docs-table \(name) exited \(run.status): \(run.stderr)") }
        return run.stdout
    }

    /// README.md, Benchmarks/README.md and every Markdown file under docs/.
    static func pages() throws -> [URL] {
        var pages = [root.appendingPathComponent("README.md"), root.appendingPathComponent("Benchmarks/README.md")]
        let docs = root.appendingPathComponent("docs")
        let walker = try #require(FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil))
        for case let url as URL in walker where url.pathExtension == "md" { pages.append(url) }
        return pages
    }

    static func relative(_ page: URL) -> String {
        String(page.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
    }

    @Test("every generated table of docs/ is what the code generates (INSI_SIM_UPDATE_DOCS=1 swift test --filter DocsTests rewrites them)")
    func generatedTables() async throws {
        let update = ProcessInfo.processInfo.environment["INSI_SIM_UPDATE_DOCS"] == "1"
        var seen: Set<String> = []
        for page in try Self.pages() {
            let text = try String(contentsOf: page, encoding: .utf8)
            var sections = try GeneratedSection.all(in: text)
            guard !sections.isEmpty else { continue }
            var rewritten = text
            // From the last section back, so that the earlier ranges stay valid while rewriting.
            sections.reverse()
            for section in sections {
                seen.insert(section.name)
                let generate = try #require(Self.generators[section.name], "\(Self.relative(page)): no generator named '\(section.name)'")
                let expected = try await generate()
                if update {
                    rewritten.replaceSubrange(section.content, with: expected)
                } else {
                    #expect(String(text[section.content]) == expected, """
                        \(Self.relative(page)): the table '\(section.name)' differs from the code; \
                        regenerate it with INSI_SIM_UPDATE_DOCS=1 swift test --filter DocsTests
                        """)
                }
            }
            if update && rewritten != text { try rewritten.write(to: page, atomically: true, encoding: .utf8) }
        }
        #expect(seen == Set(Self.generators.keys), "a generated table lost its markers: \(Set(Self.generators.keys).subtracting(seen).sorted())")
    }

    @Test("every relative link of README.md, Benchmarks/README.md and docs/ leads to a file, and to a heading of it when it names one")
    func links() throws {
        var broken: [String] = []
        for page in try Self.pages() {
            let text = try String(contentsOf: page, encoding: .utf8)
            for link in MarkdownPage.links(in: text) {
                if link.contains("://") || link.hasPrefix("mailto:") { continue }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
                guard FileManager.default.fileExists(atPath: target.path) else {
                    broken.append("\(Self.relative(page)): \(link) (no such file)")
                    continue
                }
                guard parts.count == 2, target.pathExtension == "md" else { continue }
                let anchors = MarkdownPage.anchors(in: try String(contentsOf: target, encoding: .utf8))
                if !anchors.contains(parts[1]) { broken.append("\(Self.relative(page)): \(link) (no such heading)") }
            }
        }
        #expect(broken.isEmpty, "broken links:\n\(broken.joined(separator: "\n"))")
    }

    @Test("the scenarios guide names every match field, and every effect kind with the fields it reads")
    func scenarioTables() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/guides/scenarios.md"), encoding: .utf8)
        /// The rows of the table whose header starts with `header`: its cells, trimmed.
        func rows(after header: String) throws -> [[String]] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "no table '\(header)' in scenarios.md")
            return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { line in
                line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        func names(_ cell: String) -> [String] {
            cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        // The last row, "(no `match`)", says what an empty match does.
        let matchFields = try rows(after: "| `match` field").filter { !$0[0].hasPrefix("(") }.flatMap { names($0[0]) }
        #expect(Set(matchFields) == Set(Mirror(reflecting: ScenarioMatch()).children.compactMap(\.label)))
        let effects = try rows(after: "| `effect.kind` |")
        #expect(effects.map { names($0[0]) } == ScenarioEffect.Kind.allCases.map { [$0.rawValue] })
        for (kind, row) in zip(ScenarioEffect.Kind.allCases, effects) {
            #expect(Set(names(row[1])).isSuperset(of: kind.fields.map(\.rawValue)), "\(kind.rawValue): \(row[1])")
        }
    }

    @Test("the serve guide lists every metric GET /metrics exposes")
    func metrics() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/guides/serve.md"), encoding: .utf8)
        let exposed = SimulatorMetrics().render(SimulatorMetrics.Readings()).split(separator: "\n")
            .filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(!exposed.isEmpty)
        for name in exposed { #expect(text.contains("`\(name)"), "\(name) is not in docs/guides/serve.md") }
    }

    @Test("the README is short: under 200 lines, the rest is in docs/")
    func readmeLength() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
        #expect(lines < 200, "README.md has \(lines) lines: move the details into docs/")
    }

    @Test("the anchors are GitHub's: lower case, punctuation dropped, spaces as hyphens, repeats numbered")
    func anchors() {
        let page = "# Title\n## `insi-sim serve`: options and limits\n```\n# not a heading\n```\n## 6. Docker\n## Title\n"
        #expect(MarkdownPage.anchors(in: page) == ["title", "insi-sim-serve-options-and-limits", "6-docker", "title-1"])
        #expect(MarkdownPage.links(in: "[a](x.md#y) `[b](z.md)` [c](#d)\n```\n[e](f.md)\n```\n") == ["x.md#y", "#d"])
    }

    @Test("a generated section is found between its markers, and a missing end is an error")
    func markers() throws {
        let text = "a\n<!-- BEGIN generated: x -->\n| t |\n<!-- END generated -->\nb\n"
        let sections = try GeneratedSection.all(in: text)
        #expect(sections.map(\.name) == ["x"] && sections.map { String(text[$0.content]) } == ["| t |\n"])
        #expect(throws: DocsError.self) { try GeneratedSection.all(in: "<!-- BEGIN generated: x -->\n| t |\n") }
    }
}

struct DocsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A table between `<!-- BEGIN generated: NAME -->` and `<!-- END generated -->`.
struct GeneratedSection {
    let name: String
    /// The lines between the markers.
    let content: Range<String.Index>

    static let begin = "<!-- BEGIN generated: "
    static let end = "<!-- END generated -->"

    static func all(in text: String) throws -> [GeneratedSection] {
        var sections: [GeneratedSection] = []
        var cursor = text.startIndex
        while let start = text.range(of: begin, range: cursor..<text.endIndex) {
            guard let close = text.range(of: " -->\n", range: start.upperBound..<text.endIndex),
                  let stop = text.range(of: end, range: close.upperBound..<text.endIndex) else {
                throw DocsError("a generated section opened at offset \(text.distance(from: text.startIndex, to: start.lowerBound)) is not closed")
            }
            sections.append(GeneratedSection(name: String(text[start.upperBound..<close.lowerBound]), content: close.upperBound..<stop.lowerBound))
            cursor = stop.upperBound
        }
        return sections
    }
}

/// What the link check reads in a Markdown page: its links and its headings' anchors, outside
/// code blocks and code spans.
enum MarkdownPage {
    /// The lines outside fenced code blocks.
    static func prose(_ text: String) -> [Substring] {
        var inFence = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if line.hasPrefix("```") { inFence.toggle(); return false }
            return !inFence
        }
    }

    static func links(in text: String) -> [String] {
        var links: [String] = []
        for line in prose(text) {
            // Code spans hold examples, not links.
            let spans = line.split(separator: "`", omittingEmptySubsequences: false)
            for (index, piece) in spans.enumerated() where index % 2 == 0 {
                var rest = piece[...]
                while let open = rest.range(of: "](") {
                    let after = rest[open.upperBound...]
                    guard let close = after.firstIndex(of: ")") else { break }
                    links.append(String(after[..<close]))
                    rest = after[close...]
                }
            }
        }
        return links
    }

    static func anchors(in text: String) -> [String] {
        var counts: [String: Int] = [:]
        var anchors: [String] = []
        for line in prose(text) where line.hasPrefix("#") {
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            var slug = ""
            for character in title.lowercased() {
                if character.isLetter || character.isNumber || character == "-" || character == "_" {
                    slug.append(character)
                } else if character == " " {
                    slug.append("-")
                }
            }
            let seen = counts[slug, default: 0]
            counts[slug] = seen + 1
            anchors.append(seen == 0 ? slug : "\(slug)-\(seen)")
        }
        return anchors
    }
}

/// The tables of `docs/reference/seeded-cases.md`: the test plan from `Resources/seed/cases.json`, the
/// Vitale cards from `Resources/seed/default-base.json`.
enum SeededCasesTable {
    static func render(from file: URL) throws -> String {
        let data = try Data(contentsOf: file)
        guard let cases = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw DocsError("\(file.path) is not an array of cases")
        }
        var table = "| id | request | exercises | strict | relaxed |\n|---|---|---|---|---|\n"
        for planCase in cases {
            let request = planCase["request"] as? [String: Any] ?? [:]
            let expected = planCase["expected"] as? [String: [String: String]] ?? [:]
            let text = planCase["operation"] as? String == "vitale" ? vitale(request) : traits(request)
            table += "| `\(planCase["id"] as? String ?? "?")` | \(text) | \(planCase["exercises"] as? String ?? "") "
                + "| \(answer(expected["strict"])) | \(answer(expected["relaxed"])) |\n"
        }
        return table
    }

    /// The Vitale cards of the default base, each beneficiary named by the identity of its matricule.
    static func vitaleCards(from file: URL) throws -> String {
        let data = try Data(contentsOf: file)
        guard let base = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let identities = base["identities"] as? [[String: Any]], let cards = base["vitaleCards"] as? [[String: Any]] else {
            throw DocsError("\(file.path) is not a base with identities and Vitale cards")
        }
        var byMatricule: [String: [String: Any]] = [:]
        for identity in identities {
            if let matricule = (identity["ins"] as? [String: Any])?["matricule"] as? String { byMatricule[matricule] = identity }
        }
        func name(_ matricule: String) -> String {
            guard let identity = byMatricule[matricule] else { return "not in the base" }
            return "\(identity["birthName"] as? String ?? "") \((identity["firstNames"] as? [String])?.first ?? "")"
        }
        var table = "| ouvrant droit (OD) | key | beneficiaries (birth date, rank, matricule) |\n|---|---|---|\n"
        for card in cards {
            let holder = card["ouvrantDroit"] as? [String: String] ?? [:]
            let matricule = holder["matricule"] ?? ""
            let beneficiaries = (card["beneficiaries"] as? [[String: Any]] ?? []).map { beneficiary in
                let matricule = beneficiary["matricule"] as? String ?? ""
                // A beneficiary's date and rank default to the identity's birth date and 1, as the loader reads them.
                let date = beneficiary["birthDate"] as? String ?? byMatricule[matricule]?["birthDate"] as? String ?? ""
                return "\(name(matricule)): \(date), rank \(beneficiary["rank"] as? Int ?? 1), `\(matricule)`"
            }
            table += "| `\(matricule)` (\(name(matricule))) | `\(holder["key"] ?? "")` | \(beneficiaries.joined(separator: "; ")) |\n"
        }
        return table
    }

    /// "`TCHITCHI` `CATARINA` + `BELLA` F 1936-06-21 COG `63220`".
    static func traits(_ request: [String: Any]) -> String {
        let firstNames = request["firstNames"] as? [String] ?? []
        let names = request["firstNamesAsOneValue"] as? Bool == true
            ? "`\(firstNames.joined(separator: " "))` (one Prenom)"
            : firstNames.map { "`\($0)`" }.joined(separator: " + ")
        var text = "`\(request["birthName"] as? String ?? "")` \(names) \(request["sex"] as? String ?? "") \(request["birthDate"] as? String ?? "")"
        if let place = request["birthPlace"] as? String { text += " COG `\(place)`" }
        return text
    }

    /// "Vitale OD `2840263113061` key `73`, 2016-09-05, rank 2, beneficiary `…`, name `GARNIER`".
    static func vitale(_ request: [String: Any]) -> String {
        var text = "Vitale OD `\(request["ouvrantDroit"] as? String ?? "")`"
        text += (request["ouvrantDroitKey"] as? String).map { " key `\($0)`" } ?? " (no key)"
        text += ", \(request["birthDate"] as? String ?? "")"
        text += (request["rank"] as? Int).map { ", rank \($0)" } ?? ", no rank"
        if let matricule = request["beneficiaryMatricule"] as? String { text += ", beneficiary `\(matricule)`" }
        if let name = request["birthName"] as? String { text += ", name `\(name)`" }
        return text
    }

    /// "00 `297022A020778` `78`", or the code alone.
    static func answer(_ expected: [String: String]?) -> String {
        guard let expected else { return "?" }
        guard let matricule = expected["matricule"], let key = expected["key"] else { return expected["code"] ?? "?" }
        return "\(expected["code"] ?? "?") `\(matricule)` `\(key)`"
    }
}
