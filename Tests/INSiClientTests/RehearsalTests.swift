import Foundation
import INSiClient
import Testing
import TestSupport

/// `insi-sim rehearse`, the built binary run against the in-process simulator.
@Suite("Rehearsal (CLI)")
struct RehearsalTests {
    private func base(_ endpoint: URL) -> String {
        endpoint.deletingLastPathComponent().absoluteString
    }

    private func lines(_ text: String, starting prefix: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    @Test("against insi-sim with the default base every case passes; both reports are written")
    func defaultBasePasses() async throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let markdown = folder.appendingPathComponent("report.md")
        let junit = folder.appendingPathComponent("junit.xml")
        let run = try await TestServer.with { endpoint in
            try await CLITests.run(["rehearse", "--url", base(endpoint), "--report", markdown.path, "--junit", junit.path])
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(lines(run.stdout, starting: "PASS ").count == pack.cases.count)
        #expect(run.stdout.hasSuffix("\(pack.cases.count) passed, 0 failed, 0 skipped\n"))

        let report = try String(contentsOf: markdown, encoding: .utf8)
        #expect(report.contains("**\(pack.cases.count) passed, 0 failed, 0 skipped**"))
        #expect(report.contains("| insi-sim | yes"))
        for rehearsalCase in pack.cases {
            #expect(report.contains("`\(rehearsalCase.id)`"), "\(rehearsalCase.id) missing from the report")
        }
        // The trail: one row per call with the traits sent, the MessageID, the answer and the time.
        #expect(report.contains("| # | step | sent | MessageID | answer | ms |"))
        #expect(report.contains("| 2 | birth name variant (hyphensToSpace) | MARTIN DURAND / CAMILLE / F / 1985-04-12 | `uuid:"))
        #expect(report.contains("fault siram_100/desir_550"))
        #expect(report.contains("scenario `rehearsal-error-timeout` deleted"))

        let xml = try RehearsalTestSupport.readJUnit(junit)
        #expect(xml.testcases.count == pack.cases.count)
        #expect(xml.suiteTests == "\(pack.cases.count)")
        #expect(xml.suiteFailures == "0")
        #expect(xml.failed.isEmpty)
        #expect(xml.skipped.isEmpty)
    }

    @Test("a base that lacks an identity fails with exit 1, the failures in both reports")
    func missingIdentityFails() async throws {
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let markdown = folder.appendingPathComponent("report.md")
        let junit = folder.appendingPathComponent("junit.xml")
        let run = try await TestServer.with { endpoint in
            // TCHITCHI CATARINA BELLA: several seeded cases and a lookup expect her.
            #expect(try await RehearsalTestSupport.admin("DELETE", "admin/identities/2360663220836", on: endpoint) == 204)
            return try await CLITests.run(["rehearse", "--url", endpoint.absoluteString, "--report", markdown.path, "--junit", junit.path])
        }
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let failed = lines(run.stdout, starting: "FAIL ")
        #expect(failed.contains { $0.hasPrefix("FAIL tchitchi-catarina: expected 00 2360663220836 key 56; obtained 01") })
        #expect(failed.contains { $0.hasPrefix("FAIL lookup-tchitchi-ola-catarina:") })
        #expect(run.stdout.contains(", \(failed.count) failed, 0 skipped\n"))

        let report = try String(contentsOf: markdown, encoding: .utf8)
        #expect(report.contains("## Failures"))
        #expect(report.contains("### FAIL `tchitchi-catarina`"))
        #expect(report.contains("**failure**: answer: expected 00, obtained 01"))

        let xml = try RehearsalTestSupport.readJUnit(junit)
        #expect(xml.failed.count == failed.count)
        #expect(xml.failed.contains("tchitchi-catarina"))
        #expect(xml.suiteFailures == "\(failed.count)")
    }

    @Test("against another INSi the scenario cases are skipped, not failed; the unknown approval number runs as is")
    func otherTargetSkipsScenarios() async throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let junit = folder.appendingPathComponent("junit.xml")
        // Only TESTIDAM0001 is authorised, as a real INSi knows only the software's own number.
        let run = try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            try await CLITests.run(["rehearse", "--url", endpoint.absoluteString, "--target", "other", "--junit", junit.path])
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let skipped = RehearsalPackTests.cndaCases + ["fault-upstream-unavailable", "error-timeout"]
        #expect(lines(run.stdout, starting: "SKIP ").map { String($0.split(separator: ":")[0].dropFirst(5)) } == skipped)
        #expect(run.stdout.contains("PASS fault-unknown-approval-number: fault siram_100/desir_550"))
        #expect(run.stdout.hasSuffix("\(pack.cases.count - skipped.count) passed, 0 failed, \(skipped.count) skipped\n"))
        let xml = try RehearsalTestSupport.readJUnit(junit)
        #expect(xml.skipped == skipped)
        #expect(xml.failed.isEmpty)
    }

    @Test("relaxed insi-sim behind an admin token: relaxed expectations, scenarios through the token")
    func relaxedWithToken() async throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let (withToken, withoutToken) = try await RehearsalTestSupport.withSimulator(nameMatching: .relaxed, adminToken: "s3cret") { endpoint in
            let with = try await CLITests.run(["rehearse", "--url", endpoint.absoluteString, "--admin-token", "s3cret"])
            let without = try await CLITests.run(["rehearse", "--url", endpoint.absoluteString, "--only", "fault-upstream-unavailable",
                                                  "fault-unknown-approval-number", "lookup-martin-durand-hyphen-retry"])
            return (with, without)
        }
        #expect(withToken.status == 0, "\(withToken.stdout)\(withToken.stderr)")
        #expect(withToken.stdout.contains("relaxed name matching"))
        #expect(withToken.stdout.contains("PASS lookup-martin-durand-hyphen-retry: 00 2850433063114 key 82; warnings traitsDiffer; 1 attempt"))
        #expect(withToken.stdout.hasSuffix("\(pack.cases.count) passed, 0 failed, 0 skipped\n"))
        // Without the token the admin API answers 401: no scenario, but the mode still comes from /health.
        // insi-sim does not refuse an approval number by itself: that case is skipped too, not run and failed.
        #expect(withoutToken.status == 0, "\(withoutToken.stdout)\(withoutToken.stderr)")
        #expect(withoutToken.stdout.contains("SKIP fault-upstream-unavailable: needs an insi-sim scenario, but its admin API answered 401: "
            + "give the admin token (--admin-token)"))
        #expect(withoutToken.stdout.contains("SKIP fault-unknown-approval-number: needs an insi-sim scenario, but its admin API answered 401"))
        #expect(withoutToken.stdout.hasSuffix("1 passed, 0 failed, 2 skipped\n"))
    }

    @Test("a malformed pack is refused before any call, naming the case and the field; exit 2")
    func malformedPack() async throws {
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pack = folder.appendingPathComponent("pack.json")
        try Data("""
        {"format": "insi-sim-rehearsal", "version": 1, "cases": [
          {"id": "ok", "kind": "traits", "request": {"birthName": "A", "firstNames": ["B"], "sex": "F", "birthDate": "2000-01-01"},
           "expect": {"code": "01"}},
          {"id": "bad-code", "kind": "traits", "request": {"birthName": "A", "firstNames": ["B"], "sex": "F", "birthDate": "2000-01-01"},
           "expect": {"code": "03"}}
        ]}
        """.utf8).write(to: pack)
        // Nobody listens on the URL: the pack is refused before the target is asked anything.
        let port = try RawListener.closedPort()
        let run = try await CLITests.run(["rehearse", "--url", "http://127.0.0.1:\(port)", "--pack", pack.path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("case bad-code, field expect.code: '03' is not 00, 01 or 02"), "\(run.stderr)")

        // An unknown id is a bad argument, not a bad pack.
        let unknown = try await CLITests.run(["rehearse", "--url", "http://127.0.0.1:\(port)", "--pack", RehearsalTestSupport.defaultPack.path,
                                                "--only", "error-timeout", "nope"])
        #expect(unknown.status == 64)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("--only: no case of \(RehearsalTestSupport.defaultPack.path) has the id nope"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("Usage: insi-sim rehearse"))
    }

    @Test("nothing listens at the URL: one clear line and exit 4, no case run", arguments: ["auto", "other"])
    func unreachableTarget(_ target: String) async throws {
        let port = try RawListener.closedPort()
        let run = try await CLITests.run(["rehearse", "--url", "http://127.0.0.1:\(port)", "--target", target])
        #expect(run.status == 4)
        #expect(run.stdout.isEmpty, "\(run.stdout)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("insi-sim rehearse: nothing answers at http://127.0.0.1:\(port)/lps (") == true, "\(run.stderr)")
        #expect(lines.first?.hasSuffix("check the URL and that the service is up; no case was run") == true)
    }
}
