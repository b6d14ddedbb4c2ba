/// The rehearsal as Markdown, for a person and for the CNDA file: a summary, a table of every
/// case, then each case with expected versus obtained and the trail of its calls (traits sent,
/// MessageID, answer, milliseconds).
public enum RehearsalMarkdownReport {
    /// The whole document; the caller writes it where the editor keeps its CNDA file.
    public static func render(_ report: RehearsalReport) -> String {
        var lines: [String] = []
        let target = report.target
        lines.append("# INSi rehearsal report")
        lines.append("")
        lines.append("| | |")
        lines.append("|---|---|")
        lines.append("| target | `\(target.endpoint.absoluteString)` |")
        lines.append("| insi-sim | \(target.isSimulator ? "yes" : "no"): \(cell(target.detail)) |")
        lines.append("| name matching (expectations) | \(target.nameMatching.rawValue) |")
        lines.append("| date | \(RehearsalFormat.timestamp(report.started)) |")
        lines.append("| pack | `\(report.pack.path)`\(report.packTitle.map { " (\(cell($0)))" } ?? "") |")
        lines.append("| approval number (IDAM) | `\(report.idam)` |")
        lines.append("| duration | \(RehearsalFormat.seconds(report.duration)) s |")
        lines.append("| result | **\(report.summaryLine)** |")
        lines.append("")
        let failed = report.results.filter { $0.status == .failed }
        if !failed.isEmpty {
            lines.append("## Failures")
            lines.append("")
            for result in failed {
                lines.append("- [`\(result.rehearsalCase.id)`](#\(anchor(result.rehearsalCase.id))): \(result.failures.joined(separator: "; "))")
            }
            lines.append("")
        }
        lines.append("## Cases")
        lines.append("")
        lines.append("| result | case | kind | exercises | expected | obtained |")
        lines.append("|---|---|---|---|---|---|")
        for result in report.results {
            let rehearsalCase = result.rehearsalCase
            lines.append("| \(result.status.word) | [`\(rehearsalCase.id)`](#\(anchor(rehearsalCase.id))) | \(rehearsalCase.kind.rawValue) | "
                + "\(cell(rehearsalCase.exercises)) | \(cell(result.expected.text)) | \(cell(result.obtainedText)) |")
        }
        lines.append("")
        lines.append("## Details")
        for result in report.results {
            lines.append("")
            lines += section(result)
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    private static func section(_ result: RehearsalCaseResult) -> [String] {
        let rehearsalCase = result.rehearsalCase
        var lines: [String] = []
        lines.append("<a id=\"\(anchor(rehearsalCase.id))\"></a>")
        lines.append("### \(result.status.word) `\(rehearsalCase.id)`: \(escape(rehearsalCase.title))")
        lines.append("")
        if !rehearsalCase.exercises.isEmpty { lines.append("- exercises: \(escape(rehearsalCase.exercises))") }
        if let cnda = rehearsalCase.cnda { lines.append("- CNDA: \(escape(cnda))") }
        lines.append("- \(rehearsalCase.kind.rawValue): \(escape(rehearsalCase.requestText))")
        if let idam = rehearsalCase.idam { lines.append("- approval number sent: `\(idam)`") }
        if let timeout = rehearsalCase.timeout { lines.append("- timeout: \(RehearsalFormat.seconds(timeout)) s") }
        lines.append("- expected: \(escape(result.expected.text))")
        lines.append("- obtained: \(escape(result.obtainedText))")
        if let reason = result.skipReason { lines.append("- skipped: \(escape(reason))") }
        for failure in result.failures { lines.append("- **failure**: \(escape(failure))") }
        for note in result.notes { lines.append("- \(note)") }
        if !result.attempts.isEmpty {
            lines.append("")
            lines.append("| # | step | sent | MessageID | answer | ms |")
            lines.append("|---:|---|---|---|---|---:|")
            for (index, attempt) in result.attempts.enumerated() {
                lines.append("| \(index + 1) | \(cell(attempt.step)) | \(cell(attempt.sent)) | `\(attempt.messageID)` | \(cell(attempt.answer)) | "
                    + "\(RehearsalFormat.milliseconds(attempt.milliseconds)) |")
            }
        }
        return lines
    }

    /// GitHub-style anchors are derived from headings; an explicit one keeps links stable.
    static func anchor(_ id: String) -> String {
        "case-" + id.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? String($0) : "-" }.joined()
    }

    /// Text inside a table cell: no pipe, no line break.
    static func cell(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Angle brackets would be read as HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
