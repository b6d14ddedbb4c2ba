/// The rehearsal as JUnit XML for CI: one `testsuite`, one `testcase` per case (classname
/// `rehearsal.<kind>`), `failure` with the differences, `skipped` with the reason, and the trail
/// of calls in `system-out`.
public enum RehearsalJUnitReport {
    /// The whole document; the caller writes it where its CI collects JUnit files.
    public static func render(_ report: RehearsalReport) -> String {
        var lines: [String] = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let counts = "tests=\"\(report.results.count)\" failures=\"\(report.failed)\" errors=\"0\" skipped=\"\(report.skipped)\""
        let time = RehearsalFormat.seconds(report.duration)
        lines.append("<testsuites name=\"insi-sim rehearsal\" \(counts) time=\"\(time)\">")
        lines.append("  <testsuite name=\"\(attribute(report.packTitle ?? "INSi rehearsal"))\" \(counts) time=\"\(time)\" "
            + "timestamp=\"\(RehearsalFormat.timestamp(report.started))\" hostname=\"\(attribute(report.target.endpoint.host ?? ""))\">")
        lines.append("    <properties>")
        lines.append("      <property name=\"target\" value=\"\(attribute(report.target.endpoint.absoluteString))\"/>")
        lines.append("      <property name=\"insi-sim\" value=\"\(report.target.isSimulator)\"/>")
        lines.append("      <property name=\"nameMatching\" value=\"\(report.target.nameMatching.rawValue)\"/>")
        lines.append("      <property name=\"idam\" value=\"\(attribute(report.idam))\"/>")
        lines.append("    </properties>")
        for result in report.results {
            let rehearsalCase = result.rehearsalCase
            lines.append("    <testcase classname=\"rehearsal.\(rehearsalCase.kind.rawValue)\" name=\"\(attribute(rehearsalCase.id))\" "
                + "time=\"\(RehearsalFormat.seconds(result.duration))\">")
            switch result.status {
            case .passed:
                break
            case .failed:
                let message = result.failures.joined(separator: "; ")
                lines.append("      <failure message=\"\(attribute(message))\" type=\"mismatch\">"
                    + text("\(rehearsalCase.title)\nexpected: \(result.expected.text)\nobtained: \(result.obtainedText)\n\(message)")
                    + "</failure>")
            case .skipped:
                lines.append("      <skipped message=\"\(attribute(result.skipReason ?? "skipped"))\"/>")
            }
            if !result.attempts.isEmpty {
                let trail = result.attempts.enumerated().map { index, attempt in
                    "#\(index + 1) \(attempt.step): \(attempt.sent) -> \(attempt.answer) "
                        + "(\(RehearsalFormat.milliseconds(attempt.milliseconds)) ms, \(attempt.messageID))"
                }
                lines.append("      <system-out>\(text(trail.joined(separator: "\n")))</system-out>")
            }
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// XML text: the five special characters, and no control character XML 1.0 forbids.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: "&#10;")
            .replacingOccurrences(of: "\t", with: "&#9;")
    }
}
