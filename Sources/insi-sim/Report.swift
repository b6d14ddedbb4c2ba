import ArgumentParser
import Foundation
import INSiClient

/// `insi-sim report`: what insi-sim's judge said about the calls an editor's software made, in
/// Markdown and JUnit XML. The report itself is built in `INSiClient` (``CallReport``).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report which call rules the software calling insi-sim broke: Markdown, and JUnit XML for CI.",
        discussion: """
        Reads a running insi-sim (GET /admin/rules, /admin/clients, /admin/journal): per client, every call grouped \
        into lookups (traits sent, answer, findings, MessageID), then a summary by rule. The JUnit report has one \
        testsuite per client and one testcase per rule; a broken error-severity rule is a failure. \
        Exit codes: 0 no error-severity rule broken, 1 at least one, 2 a report could not be written or the answer \
        was not insi-sim's, 4 nothing answers at the URL, 64 bad arguments.
        """
    )

    @Option(help: "insi-sim: its base URL (http://127.0.0.1:8080) or its endpoint (…/lps).")
    var url: EndpointURL

    @Option(help: "Only this client (its id, as GET /admin/clients lists it).")
    var client: String?

    @Option(help: "Write the Markdown report to this file.")
    var out: String

    @Option(help: "Write a JUnit XML report to this file (for CI).")
    var junit: String?

    @Option(name: .customLong("admin-token"), help: "insi-sim's admin token, when it has one (default: INSI_SIM_ADMIN_TOKEN).")
    var adminToken: String?

    func run() async throws {
        let base = url.url.deletingLastPathComponent()
        let report: CallReport
        do {
            report = try await CallReport.fetch(base: base, client: client,
                                                adminToken: adminToken ?? ProcessInfo.processInfo.environment[ServeSetting.adminToken.environmentVariable])
        } catch {
            FileHandle.standardError.write(Data("insi-sim report: \(error.description)\n".utf8))
            throw ExitCode(error.noAnswer ? ClientExitCode.noAnswer : ExitStatus.unusableInput)
        }
        try write(CallReportMarkdown.render(report), to: out)
        if let junit { try write(CallReportJUnit.render(report), to: junit) }
        let calls = report.clients.reduce(0) { $0 + $1.calls.count }
        var line = "\(report.clients.count) client(s), \(calls) call(s): "
        let failed = report.failedErrorRules
        line += failed.isEmpty ? "no error-severity rule broken" : "error-severity rules broken: "
            + failed.map { "\($0.rule.id) (\($0.client))" }.joined(separator: ", ")
        print(line)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("insi-sim report: cannot write \(path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(ExitStatus.unusableInput)
        }
    }
}
