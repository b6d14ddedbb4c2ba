import Foundation
import Testing
import TestSupport

/// The web console in a real browser: headless Chromium (Debian's `chromium`) driven over its
/// DevTools protocol by `Tests/console/check_console.py` (Debian's `python3-websocket`), against
/// a real simulator with an admin token. `scripts/setup.sh test` installs both; without them the
/// test shows as skipped, never as passed. Screenshots go to `.build/console-screenshots/`.
@Suite("Web console in a browser")
struct ConsoleBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let python: [String]? = [["/usr/bin/python3"], ["/usr/bin/env", "python3"]].first { interpreter in
        FileManager.default.isExecutableFile(atPath: interpreter[0])
            && (try? ChildProcess.runBlocking(interpreter + ["-c", "import websocket"]).status) == 0
    }

    @Test(
        "the console loads without error, shows a call live within 2 s, adds an identity, shapes a call from a template, reports per client",
        .enabled(if: chromium != nil && python != nil, "no chromium or no python3 with websocket (scripts/setup.sh test installs chromium and python3-websocket)")
    )
    func console() async throws {
        let interpreter = try #require(Self.python)
        try await withTestSimulator(TestSimulator { $0.adminToken = "console-secret" }) { server in
            let script = TestPaths.repository.appendingPathComponent("Tests/console/check_console.py").path
            let shots = TestPaths.repository.appendingPathComponent(".build/console-screenshots").path
            let port = server.port
            let result = try await ChildProcess.run(interpreter + [script, "http://127.0.0.1:\(port)", "console-secret", shots])
            // Prefixed so that the script's own "N passed, M failed" is not taken for the suite's result.
            print(result.output.split(separator: "\n").map { "[console check] \($0)" }.joined(separator: "\n"))
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains(" 0 failed"))
            for name in ["01-journal-empty", "02-journal-live", "03-base-added", "04-scenario", "05-findings"] {
                #expect(FileManager.default.fileExists(atPath: "\(shots)/\(name).png"), "no screenshot \(name)")
            }
        }
    }
}
