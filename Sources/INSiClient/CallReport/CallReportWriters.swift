import Foundation

/// The call report in Markdown: per client, the calls grouped into lookups (traits sent, answer,
/// findings, MessageID), the rules it broke, then a summary by rule over every client. The
/// evidence an editor brings to the CNDA.
public enum CallReportMarkdown {
    public static func render(_ report: CallReport) -> String {
        var lines: [String] = ["# INSi call report", ""]
        lines.append("- insi-sim: \(report.target.absoluteString)")
        lines.append("- generated: \(RehearsalFormat.timestamp(report.generated))")
        let calls = report.clients.reduce(0) { $0 + $1.calls.count }
        lines.append("- \(report.clients.count) client\(report.clients.count == 1 ? "" : "s"), \(calls) call\(calls == 1 ? "" : "s")")
        let failed = report.failedErrorRules
        lines.append("- result: " + (failed.isEmpty ? "no error-severity rule broken"
            : "\(failed.count) error-severity rule\(failed.count == 1 ? "" : "s") broken (\(failed.map { "`\($0.rule.id)`" }.joined(separator: ", ")))"))
        lines.append("")
        for client in report.clients {
            lines.append("## Client `\(cell(client.id))`" + (client.software.map { " (\(cell($0)))" } ?? ""))
            lines.append("")
            let counts = ["error", "warning", "advice"].map { severity in
                "\(client.calls.reduce(0) { $0 + $1.findings.filter { $0.severity == severity }.count }) \(severity)"
            }
            lines.append("\(client.calls.count) calls in \(client.lookups.count) lookups; findings: \(counts.joined(separator: ", ")).")
            lines.append("")
            for lookup in client.lookups {
                let first = lookup.calls.first
                lines.append("### Lookup \(lookup.number)" + (first.map { ": \(cell(Self.person($0)))" } ?? ""))
                lines.append("")
                lines.append("| # | time (UTC) | traits sent | answer | findings | MessageID |")
                lines.append("|---|---|---|---|---|---|")
                for call in lookup.calls {
                    let findings = call.findings.map { "**\($0.severity)** `\($0.rule)`: \($0.detail)" }.joined(separator: "<br>")
                    lines.append("| \(call.seq) | \(time(call.time)) | \(cell(call.traitsText)) | \(cell(call.answer)) | "
                        + "\(cell(findings, keepBreaks: true)) | \(cell(call.messageID ?? "-")) |")
                }
                lines.append("")
            }
            lines.append("### Rules for this client")
            lines.append("")
            lines.append("| rule | severity | result |")
            lines.append("|---|---|---|")
            for rule in report.rules {
                let found = client.findingsByRule[rule.id] ?? []
                let result = found.isEmpty ? "passed" : "**\(found.count) finding\(found.count == 1 ? "" : "s")** (calls \(found.map { "#\($0.call.seq)" }.joined(separator: ", ")))"
                lines.append("| `\(rule.id)` | \(rule.severity) | \(result) |")
            }
            lines.append("")
        }
        lines.append("## Summary by rule")
        lines.append("")
        lines.append("| rule | severity | source | clients that broke it | findings | rule |")
        lines.append("|---|---|---|---|---|---|")
        for rule in report.rules {
            let broken = report.clients.filter { $0.findingsByRule[rule.id] != nil }
            let findings = broken.reduce(0) { $0 + ($1.findingsByRule[rule.id]?.count ?? 0) }
            lines.append("| `\(rule.id)` | \(rule.severity) | \(rule.sourceTitle) | \(broken.count) of \(report.clients.count) | \(findings) | \(cell(rule.reason)) |")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// Who the lookup was for, from its first call.
    static func person(_ call: CallReport.Call) -> String {
        let keys = ["NomNaissance", "Sexe", "DateNaissance", "MatriculeOD"]
        return keys.compactMap { call.traits[$0] }.joined(separator: " ")
    }

    static func time(_ seconds: Double) -> String {
        RehearsalFormat.timestamp(Date(timeIntervalSince1970: seconds))
    }

    static func cell(_ text: String, keepBreaks: Bool = false) -> String {
        let escaped = RehearsalMarkdownReport.cell(text)
        return keepBreaks ? escaped.replacingOccurrences(of: "&lt;br&gt;", with: "<br>") : escaped
    }
}

/// The call report as JUnit XML for an editor's CI: one `testsuite` per client, one `testcase`
/// per rule; a rule of error severity that a call broke is a `failure`, a broken warning or
/// advice passes with its findings in `system-out` (so that a CI gates on errors only, like the
/// exit code).
public enum CallReportJUnit {
    public static func render(_ report: CallReport) -> String {
        let failures = report.failedErrorRules.count
        let tests = report.clients.count * report.rules.count
        var lines: [String] = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        lines.append("<testsuites name=\"insi-sim call rules\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">")
        for client in report.clients {
            let clientFailures = report.failedErrorRules.filter { $0.client == client.id }.count
            lines.append("  <testsuite name=\"\(attribute("client " + client.id))\" tests=\"\(report.rules.count)\" failures=\"\(clientFailures)\" "
                + "errors=\"0\" skipped=\"0\" timestamp=\"\(RehearsalFormat.timestamp(report.generated))\">")
            lines.append("    <properties>")
            lines.append("      <property name=\"client\" value=\"\(attribute(client.id))\"/>")
            if let software = client.software { lines.append("      <property name=\"software\" value=\"\(attribute(software))\"/>") }
            lines.append("      <property name=\"calls\" value=\"\(client.calls.count)\"/>")
            lines.append("    </properties>")
            for rule in report.rules {
                let category = rule.id.split(separator: ".").first.map(String.init) ?? "rule"
                lines.append("    <testcase classname=\"call-rules.\(attribute(category))\" name=\"\(attribute(rule.id))\" time=\"0\">")
                let found = client.findingsByRule[rule.id] ?? []
                if !found.isEmpty {
                    let text = found.map { "#\($0.call.seq) \($0.call.messageID ?? "-"): \($0.finding.detail)" }.joined(separator: "\n")
                    if rule.severity == "error" {
                        lines.append("      <failure message=\"\(attribute("\(found.count) call(s) broke: \(rule.reason)"))\" type=\"error\">"
                            + RehearsalJUnitReport.text(text) + "</failure>")
                    } else {
                        lines.append("      <system-out>\(RehearsalJUnitReport.text("\(rule.severity): \(rule.reason)\n" + text))</system-out>")
                    }
                }
                lines.append("    </testcase>")
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    static func attribute(_ text: String) -> String { RehearsalJUnitReport.attribute(text) }
}
