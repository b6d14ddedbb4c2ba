import ArgumentParser
import Foundation
import INSiClient
import INSiServer

/// `insi-sim rehearse`: runs a rehearsal pack against an INSi and writes the reports. The pack,
/// runner and writers live in `INSiClient` (editors can use them); this is the shell around them.
struct Rehearse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rehearse the CNDA test plan against an INSi: run a rehearsal pack, report in Markdown and JUnit XML.",
        discussion: """
        Runs every case of the pack (by default Resources/rehearsal/default-pack.json: the seeded cases, the ANS \
        lookup procedure, an unknown approval number, an unavailable service, a timeout) and prints one line per \
        case, then "N passed, M failed, K skipped". Against insi-sim (detected through GET /health and its admin \
        API) the faults and the timeout are set up with scenarios, and the expectations follow its name-matching \
        mode; against another INSi the cases that need a scenario are skipped and the expectations are strict.
        The target is asked once first: when nothing answers there, the rehearsal stops with one line.
        With --cert (and --cacert) the same pack runs over mTLS: against insi-sim's TLS listener, or against the \
        real qualification endpoint (https://qualiflps-services-ps-tlsm.ameli.fr/lps) with the editor's own \
        certificate and approval number, where the scenario cases are skipped.
        Exit codes: 0 no failure, 1 at least one case failed, 2 the pack could not be read or a report not \
        written, 4 nothing answers at the URL, 64 bad arguments (an unknown --only id included).
        """
    )

    @Option(help: "INSi: the endpoint (http://127.0.0.1:8080/lps, https://…/lps) or the base URL (http://127.0.0.1:8080).")
    var url: EndpointURL

    @Option(help: "Write the Markdown report (expected versus obtained, trail of every call) to this file.")
    var report: String?

    @Option(help: "Write a JUnit XML report to this file (for CI).")
    var junit: String?

    @Option(help: "The rehearsal pack (JSON). Default: rehearsal/default-pack.json of the Resources folder.")
    var pack: String?

    @Option(help: "Software approval number (IDAM) sent in ContexteLPS (a case may send another).")
    var idam: String = "TESTIDAM0001"

    @Option(help: "Emitter (Emetteur) sent in ContexteLPS and ContexteBAM: free text, sent as given. The default is a well-formed national professional id (8 + an RPPS number).")
    var emitter: String = ProfessionalID.example

    @Option(name: .customLong("admin-token"), help: "insi-sim's admin token, when it has one (default: INSI_SIM_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(help: "Seconds to wait for each call, above 0 and at most 3600 (a case may set its own).")
    var timeout = Seconds(10)

    @Option(help: "auto: ask the target whether it is insi-sim; insi-sim or other: take it as such.")
    var target: RehearsalTarget.Detection = .auto

    @Option(parsing: .upToNextOption, help: "Run only these cases (ids, separated by spaces).")
    var only: [String] = []

    @OptionGroup var tls: TLSOptions

    func validate() throws {
        try timeout.check("--timeout")
        _ = try tls.configuration(for: url.url)
        guard !only.isEmpty else { return }
        // An unknown id is a bad argument (64, with this command's usage), which only the pack can
        // tell; a pack that cannot be read is left to run, which says so with exit 2.
        guard let pack = try? RehearsalPack.load(from: try packURL()) else { return }
        do {
            _ = try pack.selecting(only)
        } catch {
            throw ValidationError("--only: \(error.description)")
        }
    }

    func run() async throws {
        do {
            try await rehearse()
        } catch let failure as RehearseFailure {
            FileHandle.standardError.write(Data("insi-sim rehearse: \(failure.description)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    private func rehearse() async throws {
        let loaded: RehearsalPack
        do {
            loaded = try RehearsalPack.load(from: try packURL()).selecting(only)
        } catch let error as RehearsalPackError {
            throw RehearseFailure(error.description)
        } catch let error as UnknownCaseIDs {
            // Checked by validate(); the pack changed in between.
            throw RehearseFailure("--only: \(error.description)")
        }
        let software = SoftwareContext(idam: idam, version: SimulatorVersion.current, name: "urn:lps:insi-sim:rehearse")
        let runner = RehearsalRunner(configuration: RehearsalConfiguration(
            endpoint: url.url, software: software, emitter: emitter, timeout: timeout.duration,
            adminToken: adminToken ?? ProcessInfo.processInfo.environment[ServeSetting.adminToken.environmentVariable], detection: target,
            tls: try tls.configuration(for: url.url)))
        let result: RehearsalReport
        do {
            // Written at once rather than through print's buffer, so that a slow target shows progress in CI logs.
            result = try await runner.run(loaded) { Rehearse.emit($0.line) }
        } catch {
            throw RehearseFailure(error.description, exitCode: ClientExitCode.noAnswer)
        }
        if let report { try write(RehearsalMarkdownReport.render(result), to: report) }
        if let junit { try write(RehearsalJUnitReport.render(result), to: junit) }
        Rehearse.emit("Target: \(result.target.detail).")
        Rehearse.emit(result.summaryLine)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    private static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func packURL() throws -> URL {
        if let pack { return URL(fileURLWithPath: pack) }
        do {
            return try ResourceLocator.locate().root.appendingPathComponent("rehearsal/default-pack.json")
        } catch {
            throw RehearseFailure("\(error) Or pass --pack PATH.")
        }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw RehearseFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// A rehearsal that could not be made: printed on standard error, exit 2 (1 means a case failed),
/// or 4 when nothing answers at the target (as `lookup` for a transport failure).
struct RehearseFailure: Error, CustomStringConvertible {
    let description: String
    let exitCode: Int32

    init(_ description: String, exitCode: Int32 = ExitStatus.unusableInput) {
        self.description = description
        self.exitCode = exitCode
    }
}
