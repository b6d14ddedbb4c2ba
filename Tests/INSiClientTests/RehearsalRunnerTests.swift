import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import INSiClient
import INSiCore
import Testing
import TestSupport

/// The library runner directly: target detection and the fate of scenario cases.
@Suite("Rehearsal runner")
struct RehearsalRunnerTests {
    private func configuration(_ endpoint: URL, detection: RehearsalTarget.Detection = .auto) -> RehearsalConfiguration {
        RehearsalConfiguration(endpoint: endpoint, software: SoftwareContext(idam: "TESTIDAM0001", version: "1.0.0", name: "urn:tests"),
                               timeout: .seconds(5), detection: detection)
    }

    @Test("a target whose /health is not insi-sim's is another INSi: scenario cases are skipped with the reason")
    func cannedTargetSkipsScenarios() async throws {
        // A server that answers 404 to everything: not insi-sim, and not an INSi either.
        let listener = try RawListener(.answer(RawListener.http(status: "404 Not Found", contentType: "text/plain", body: "no")))
        defer { listener.stop() }
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
            .selecting(["fault-upstream-unavailable", "error-timeout", "adrtrois-dominique"])
        let report = try await RehearsalRunner(configuration: configuration(listener.endpoint)).run(pack)
        #expect(report.target.isSimulator == false)
        #expect(report.target.nameMatching == .strict)
        #expect(report.target.detail.contains("GET /health answered HTTP 404"))
        #expect(report.results.map(\.status) == [.failed, .skipped, .skipped])
        #expect(report.results.dropFirst().allSatisfy { $0.skipReason?.contains("needs an insi-sim scenario") == true })
        let failed = try #require(report.results.first)
        #expect(failed.failures == ["answer: expected 00, obtained error unexpectedStatus (" + (failed.observation?.errorMessage ?? "") + ")"])
        #expect(failed.attempts.count == 1)
        #expect(report.summaryLine == "0 passed, 1 failed, 2 skipped")
        #expect(report.exitCode == 1)
        let junit = RehearsalJUnitReport.render(report)
        #expect(junit.contains("<testcase classname=\"rehearsal.lookup\" name=\"error-timeout\""))
        #expect(junit.contains("<skipped message=\"needs an insi-sim scenario"))
    }

    @Test("nothing answers at the endpoint: the runner stops before any case with why", arguments: RehearsalTarget.Detection.allCases)
    func unreachable(_ detection: RehearsalTarget.Detection) async throws {
        let port = try RawListener.closedPort()
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)/lps"))
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let error = await #expect(throws: RehearsalUnreachable.self) {
            try await RehearsalRunner(configuration: configuration(endpoint, detection: detection)).run(pack) { result in
                Issue.record("a case ran: \(result.line)")
            }
        }
        #expect(error?.endpoint == endpoint)
        #expect(error?.description.hasPrefix("nothing answers at \(endpoint.absoluteString)") == true)
    }

    @Test("the runner reports insi-sim, its mode, and posts then deletes each scenario")
    func scenariosAreRemoved() async throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
            .selecting(["fault-unknown-approval-number", "fault-upstream-unavailable", "adrtrois-dominique"])
        let (report, remaining) = try await RehearsalTestSupport.withSimulator(nameMatching: .relaxed) { endpoint in
            let report = try await RehearsalRunner(configuration: configuration(endpoint)).run(pack)
            let url = endpoint.deletingLastPathComponent().appendingPathComponent("admin/scenarios")
            let (data, _) = try await URLSession.shared.data(from: url)
            return (report, try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        #expect(report.target.isSimulator)
        #expect(report.target.nameMatching == .relaxed)
        #expect(report.results.map(\.status) == [.passed, .passed, .passed])
        let byID = Dictionary(uniqueKeysWithValues: report.results.map { ($0.rehearsalCase.id, $0) })
        let unknown = try #require(byID["fault-unknown-approval-number"])
        #expect(unknown.notes.first?.hasPrefix("scenario `rehearsal-fault-unknown-approval-number` posted") == true)
        // The runner narrows the scenario to the approval number the case sends.
        #expect(unknown.notes.first?.contains(#""idam":"IDAMINCONNU0""#) == true)
        #expect(unknown.notes.last == "scenario `rehearsal-fault-unknown-approval-number` deleted")
        #expect(byID["fault-upstream-unavailable"]?.observation?.answer == .fault(subcode: "siram_40", detailCode: "insisim_940"))
        #expect((remaining?["scenarios"] as? [Any])?.isEmpty == true, "scenarios left: \(String(describing: remaining))")
    }
}
