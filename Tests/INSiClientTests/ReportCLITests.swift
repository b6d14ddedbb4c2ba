import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import INSiClient
import INSiCore
import Testing

/// `insi-sim report`: the built binary reads what the judge of a real simulator said about the
/// calls of a software, writes the Markdown and JUnit reports and sets its exit code.
@Suite("CLI report")
struct ReportCLITests {
    @Test("our own client's lookups break no error rule: exit 0, every rule passed in JUnit")
    func cleanClient() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (run, markdown, junit) = try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            let traits = SearchTraits(birthName: "MARTIN-DURAND", firstNames: ["CAMILLE"], sex: .female, birthDate: "1985-04-12")
            let result = await LookupProcedure.ans.run(for: traits, using: client)
            #expect(result.attempts.count == 2)
            let run = try await CLITests.run(["report", "--url", endpoint.deletingLastPathComponent().absoluteString,
                                              "--out", directory.appendingPathComponent("report.md").path,
                                              "--junit", directory.appendingPathComponent("report.xml").path])
            return (run, try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8),
                    try String(contentsOf: directory.appendingPathComponent("report.xml"), encoding: .utf8))
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(markdown.contains("## Client `TESTIDAM0001/tests/810000000001`"))
        #expect(markdown.contains("### Lookup 1: MARTIN-DURAND F 1985-04-12"))
        #expect(markdown.contains("| 1 |") && markdown.contains("MARTIN DURAND / CAMILLE / F / 1985-04-12 | 00 |"))
        #expect(markdown.contains("| `procedure.name-variant` | warning | passed |"))
        let testcases = junit.components(separatedBy: "<testcase ").count - 1
        #expect(testcases == CallRule.ID.allCases.count)
        #expect(!junit.contains("<failure"))
    }

    @Test("a software that breaks error rules: exit 1, the rule fails in JUnit, the report names the call")
    func brokenRules() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (run, markdown, junit) = try await TestServer.with { endpoint in
            // A software writing a postal code and lower case, without wsa:Action.
            let body = """
                <?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" \
                xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:ctxlps="urn:siram:lps:ctxlps"><soap:Header>\
                <ctxlps:ContexteLPS Version="01_00"><ctxlps:Id>1</ctxlps:Id><ctxlps:Temps>\(JudgedTime.now)</ctxlps:Temps>\
                <ctxlps:Emetteur>E1</ctxlps:Emetteur><ctxlps:LPS><ctxlps:IDAM>BADSOFT</ctxlps:IDAM><ctxlps:Version>2</ctxlps:Version>\
                <ctxlps:Instance>i1</ctxlps:Instance><ctxlps:Nom>urn:lps:bad</ctxlps:Nom></ctxlps:LPS></ctxlps:ContexteLPS>\
                <wsa:MessageID>uuid:\(UUID().uuidString.lowercased())</wsa:MessageID></soap:Header><soap:Body>\
                <r:RECSANSVITALE xmlns:r="http://www.cnamts.fr/INSiRecSans"><r:NomNaissance>Dupont</r:NomNaissance>\
                <r:Prenom>JEAN</r:Prenom><r:Sexe>M</r:Sexe><r:DateNaissance>1980-01-01</r:DateNaissance>\
                <r:LieuNaissance>75015</r:LieuNaissance></r:RECSANSVITALE></soap:Body></soap:Envelope>
                """
            var request = URLRequest(url: endpoint)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\"",
                             forHTTPHeaderField: "Content-Type")
            _ = try await URLSession.shared.data(for: request)
            let run = try await CLITests.run(["report", "--url", endpoint.absoluteString, "--client", "BADSOFT/i1/E1",
                                              "--out", directory.appendingPathComponent("report.md").path,
                                              "--junit", directory.appendingPathComponent("report.xml").path])
            return (run, try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8),
                    try String(contentsOf: directory.appendingPathComponent("report.xml"), encoding: .utf8))
        }
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("traits.postal-code (BADSOFT/i1/E1)"))
        #expect(markdown.contains("LieuNaissance 75015 is the postal code of Paris 15e: its COG is 75115"))
        #expect(markdown.contains("| `traits.upper-case` | error | **1 finding** (calls #1) |"))
        #expect(junit.contains("<testcase classname=\"call-rules.traits\" name=\"traits.postal-code\" time=\"0\">\n      <failure"))
        #expect(junit.contains("<testcase classname=\"call-rules.header\" name=\"header.action\" time=\"0\">\n      <failure"))
        #expect(junit.contains("<testcase classname=\"call-rules.procedure\" name=\"procedure.no-repeat\" time=\"0\">\n    </testcase>"))
    }

    @Test("nothing answering at the URL: exit 4 and one line on standard error")
    func noServer() async throws {
        let run = try await CLITests.run(["report", "--url", "http://127.0.0.1:9", "--out", "/dev/null"])
        #expect(run.status == 4)
        #expect(run.stderr.hasPrefix("insi-sim report: nothing answers"))
    }
}

/// The time of day as ContexteLPS/Temps writes it.
enum JudgedTime {
    static var now: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
