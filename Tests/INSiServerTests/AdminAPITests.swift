import Foundation
import INSiCore
import INSiServer
import INSiSOAP
import Testing
import TestSupport

func jsonObject(_ response: RawHTTPClient.Response) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}

@Suite("Admin API")
struct AdminAPITests {
    static let newIdentity = """
    { "birthName": "NOUVEAU", "firstNames": ["ALICE", "MARIE"], "sex": "F", "birthDate": "1990-05-17", "birthPlace": "75056",
      "ins": { "matricule": "2900575056123", "oid": "1.2.250.1.213.1.4.8" } }
    """

    @Test("identities: add, get, list with filters, replace, delete; found by INSi in between")
    func identities() async throws {
        try await withTestSimulator { server in
            let created = try await server.admin("POST", "/admin/identities", json: Self.newIdentity)
            #expect(created.status == 201, "\(created.text)")
            let record = try jsonObject(created)
            #expect((record["ins"] as? [String: Any])?["key"] as? String == Matricule("2900575056123")?.key)
            guard case .result(let found) = try answer(await server.call(Requests.traits("NOUVEAU", ["ALICE"], "F", "1990-05-17"))) else { Issue.record("no result"); return }
            #expect(found.code == "00")
            #expect(try await server.admin("GET", "/admin/identities/2900575056123").status == 200)
            let list = try jsonObject(await server.admin("GET", "/admin/identities?birthName=nouv&limit=5"))
            #expect(list["total"] as? Int == 1)
            let byMatricule = try jsonObject(await server.admin("GET", "/admin/identities?matricule=297022A020778"))
            #expect(((byMatricule["identities"] as? [[String: Any]])?.first?["birthName"] as? String) == "ADRTROIS")
            let page = try jsonObject(await server.admin("GET", "/admin/identities?offset=2&limit=3"))
            #expect((page["identities"] as? [Any])?.count == 3)
            #expect((page["total"] as? Int ?? 0) >= 33)
            let replaced = try await server.admin("PUT", "/admin/identities/2900575056123", json: Self.newIdentity.replacingOccurrences(of: "NOUVEAU", with: "RENOMME"))
            #expect(replaced.status == 200, "\(replaced.text)")
            guard case .result(let renamed) = try answer(await server.call(Requests.traits("RENOMME", ["ALICE"], "F", "1990-05-17"))) else { Issue.record("no result"); return }
            #expect(renamed.code == "00")
            guard case .result(let gone) = try answer(await server.call(Requests.traits("NOUVEAU", ["ALICE"], "F", "1990-05-17"))) else { Issue.record("no result"); return }
            #expect(gone.code == "01")
            #expect(try await server.admin("DELETE", "/admin/identities/2900575056123").status == 204)
            #expect(try await server.admin("DELETE", "/admin/identities/2900575056123").status == 404)
            #expect(try await server.admin("GET", "/admin/identities/2900575056123").status == 404)
        }
    }

    @Test("validation errors are the seed loader's, as JSON with field and reason; duplicates are 409")
    func validation() async throws {
        try await withTestSimulator { server in
            let badKey = Self.newIdentity.replacingOccurrences(of: "\"oid\"", with: "\"key\": \"00\", \"oid\"")
            let response = try await server.admin("POST", "/admin/identities", json: badKey)
            #expect(response.status == 400)
            let error = try jsonObject(response)
            #expect(error["field"] as? String == "ins.key")
            #expect((error["reason"] as? String)?.contains("does not match") == true)
            let badSex = try jsonObject(await server.admin("POST", "/admin/identities", json: Self.newIdentity.replacingOccurrences(of: "\"F\"", with: "\"Z\"")))
            #expect(badSex["field"] as? String == "sex")
            #expect(try await server.admin("POST", "/admin/identities", json: "{ not json").status == 400)
            let duplicate = try await server.admin("POST", "/admin/identities", json: Self.newIdentity.replacingOccurrences(of: "2900575056123", with: "297022A020778"))
            #expect(duplicate.status == 409)
            #expect(try await server.admin("PUT", "/admin/identities/1999999999999", json: Self.newIdentity).status == 404)
            #expect(try await server.admin("GET", "/admin/nothing").status == 404)
            #expect(try await server.admin("PATCH", "/admin/identities").status == 405)
        }
    }

    @Test("reset goes back to the seed")
    func reset() async throws {
        try await withTestSimulator { server async throws in
            let before = server.simulator.state.store.count
            #expect(try await server.admin("POST", "/admin/identities", json: Self.newIdentity).status == 201)
            #expect(try await server.admin("DELETE", "/admin/identities/297022A020778").status == 204)
            #expect(try await server.admin("POST", "/admin/scenarios", json: #"{"effect": {"kind": "close"}}"#).status == 201)
            #expect(try await server.admin("POST", "/admin/reset").status == 200)
            #expect(server.simulator.state.store.count == before)
            #expect(server.simulator.state.store.identity(matricule: Matricule("297022A020778")!) != nil)
            #expect(server.simulator.state.scenarios.all.isEmpty)
        }
    }

    @Test("loopback without a token: open; with a token: 401 without, 403 wrong, 200 right; INSi stays open")
    func auth() async throws {
        let open = try TestSimulator()
        #expect(try await open.admin("GET", "/admin/scenarios").status == 200)
        await open.stop()
        try await withTestSimulator(TestSimulator { $0.adminToken = "s3cret-token" }) { server in
            let missing = try await server.admin("GET", "/admin/scenarios")
            #expect(missing.status == 401)
            #expect(missing.header("WWW-Authenticate") != nil)
            #expect(try await server.admin("GET", "/admin/scenarios", token: "s3cret-tokeN").status == 403)
            #expect(try await server.admin("GET", "/admin/scenarios", token: "s3cret").status == 403)
            #expect(try await server.admin("GET", "/admin/scenarios", token: "s3cret-token").status == 200)
            #expect(try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")).status == 200)
        }
    }

    @Test("beyond loopback the server refuses to start without a token, and starts with one")
    func nonLoopback() async throws {
        #expect(throws: Simulator.StartError.self) { try TestSimulator { $0.host = "0.0.0.0" } }
        try await withTestSimulator(TestSimulator { $0.host = "0.0.0.0"; $0.adminToken = "t" }) { server async throws in
            #expect(try await server.admin("GET", "/admin/journal").status == 401)
            #expect(try await server.admin("GET", "/admin/journal", token: "t").status == 200)
        }
    }

    @Test("the journal keeps what the server understood, with filters and the JSON Lines file")
    func journal() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try TestSimulator { $0.journalPath = file.path }
        _ = try await server.call(Requests.traits("TCHITCHI", ["OLA"], "F", "1936-06-21", messageID: "uuid:journal-1"))
        _ = try await server.call(Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21", messageID: "uuid:journal-2"))
        _ = try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "X", "1997-02-26", messageID: "uuid:journal-3"))
        let one = try jsonObject(await server.admin("GET", "/admin/journal?messageID=uuid:journal-1"))
        let calls = try #require(one["calls"] as? [[String: Any]])
        #expect(calls.count == 1)
        #expect(calls.first?["code"] as? String == "01")
        #expect((calls.first?["traits"] as? [String: String])?["Prenom"] == "OLA")
        #expect((calls.first?["reason"] as? String)?.contains("0 accept the first names OLA") == true)
        #expect(calls.first?["idam"] as? String == "TESTIDAM0001")
        let tchitchi = try #require(try jsonObject(await server.admin("GET", "/admin/journal?birthName=TCH"))["calls"] as? [[String: Any]])
        #expect(tchitchi.count == 2)
        let faults = try #require(try jsonObject(await server.admin("GET", "/admin/journal?code=fault"))["calls"] as? [[String: Any]])
        #expect(faults.count == 1 && faults.first?["fault"] as? String == "siram_920/insisim_923")
        let future = try #require(try jsonObject(await server.admin("GET", "/admin/journal?since=2100-01-01T00:00:00Z"))["calls"] as? [Any])
        #expect(future.isEmpty)
        #expect(try await server.admin("GET", "/admin/journal?since=yesterday").status == 400)
        #expect(try await server.admin("DELETE", "/admin/journal").status == 204)
        let cleared = try #require(try jsonObject(await server.admin("GET", "/admin/journal"))["calls"] as? [Any])
        #expect(cleared.isEmpty)
        await server.stop()
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.contains("\"messageID\":\"uuid:journal-1\"") == true)
    }

    @Test("the journal's total counts the calls that match the filters, before the limit")
    func journalTotal() async throws {
        try await withTestSimulator { server in
            _ = try await server.call(Requests.traits("TCHITCHI", ["OLA"], "F", "1936-06-21"))
            _ = try await server.call(Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21"))
            _ = try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))
            let all = try jsonObject(await server.admin("GET", "/admin/journal"))
            #expect(all["total"] as? Int == 3)
            let tchitchi = try jsonObject(await server.admin("GET", "/admin/journal?birthName=TCH&limit=1"))
            #expect(tchitchi["total"] as? Int == 2)
            #expect((tchitchi["calls"] as? [Any])?.count == 1)
            let found = try jsonObject(await server.admin("GET", "/admin/journal?code=00"))
            #expect(found["total"] as? Int == 2)
            let none = try jsonObject(await server.admin("GET", "/admin/journal?birthName=NOBODY"))
            #expect(none["total"] as? Int == 0)
        }
    }

    @Test("identities and scenarios changed through the admin API are logged at info")
    func adminChangesLogged() async throws {
        let store = RecordingLogHandler.Store()
        try await withTestSimulator(TestSimulator(logger: RecordingLogHandler.logger(store))) { server async throws in
            #expect(try await server.admin("POST", "/admin/identities", json: Self.newIdentity).status == 201)
            #expect(try await server.admin("DELETE", "/admin/identities/2900575056123").status == 204)
            let scenario = #"{"id": "logged", "match": {"birthName": "ADRTROIS"}, "effect": {"kind": "result", "code": "01"}}"#
            #expect(try await server.admin("POST", "/admin/scenarios", json: scenario).status == 201)
            #expect(try await server.admin("DELETE", "/admin/scenarios/logged").status == 204)
            #expect(try await server.admin("POST", "/admin/reset").status == 200)
            let changes = store.all.filter { $0.message.hasPrefix("admin: ") }
            #expect(changes.map(\.message) == ["admin: identity added", "admin: identity deleted", "admin: scenario set",
                                               "admin: scenario deleted", "admin: reset to the seed"])
            #expect(changes.allSatisfy { $0.level == .info })
            #expect(changes.first?.metadata["matricule"] == "2900575056123")
            #expect(changes.first?.metadata["birthName"] == "NOUVEAU")
            #expect(changes[2].metadata["scenario"] == "logged")
        }
    }

    @Test("metrics count calls by operation and code, faults, latency, connections and identities")
    func metrics() async throws {
        try await withTestSimulator { server in
            _ = try await server.call(Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21"))
            _ = try await server.call(Requests.traits("TCHITCHI", ["OLA"], "F", "1936-06-21"))
            _ = try await server.call(Requests.vitale(od: "160012B020777", key: "13", date: "1997-02-26"))
            _ = try await server.call(Requests.traits("A", ["B"], "M", "2000-13-01"))
            let text = try await server.get("/metrics").text
            #expect(text.contains("insi_calls_total{operation=\"rechercherInsAvecTraitsIdentite\",code=\"00\"} 1"))
            #expect(text.contains("insi_calls_total{operation=\"rechercherInsAvecTraitsIdentite\",code=\"01\"} 1"))
            #expect(text.contains("insi_calls_total{operation=\"rechercherInsAvecCarteVitale\",code=\"00\"} 1"))
            #expect(text.contains("insi_faults_total{code=\"siram_920/insisim_924\"} 1"))
            #expect(text.contains("insi_call_duration_seconds_count 4"))
            #expect(text.contains("insi_identities \(server.simulator.state.store.count)"))
            #expect(text.contains("insi_open_connections "))
            // The test simulator runs two loops; the scrape's own connection is on one of them.
            let byLoop = text.split(separator: "\n").filter { $0.hasPrefix("insi_event_loop_connections{") }
            #expect(byLoop.map { $0.prefix { $0 != " " } } == [
                "insi_event_loop_connections{loop=\"0\"}", "insi_event_loop_connections{loop=\"1\"}",
            ])
            #expect(byLoop.compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +) >= 1)
        }
    }

    @Test("a hostile request's huge values are kept cut to size in the journal")
    func journalCapsValues() async throws {
        try await withTestSimulator { server in
            let huge = String(repeating: "A", count: 50_000)
            _ = try await server.call(Requests.traits(huge, ["B"], "M", "2000-01-01", messageID: "uuid:huge"))
            let calls = try #require(try jsonObject(await server.admin("GET", "/admin/journal?messageID=uuid:huge"))["calls"] as? [[String: Any]])
            let name = try #require((calls.first?["traits"] as? [String: String])?["NomNaissance"])
            #expect(name.utf8.count <= 260)
            #expect(name.hasSuffix("…"))
            #expect(calls.first?["code"] as? String == "fault")
        }
    }

    @Test("query strings: percent escapes, plus as space, malformed escapes kept")
    func queryDecoding() async throws {
        try await withTestSimulator { server in
            let spaced = try jsonObject(await server.admin("GET", "/admin/identities?birthName=DE%20VINCI"))
            #expect(spaced["total"] as? Int == 3)
            let plus = try jsonObject(await server.admin("GET", "/admin/identities?birthName=DE+VINCI"))
            #expect(plus["total"] as? Int == 3)
            let malformed = try jsonObject(await server.admin("GET", "/admin/identities?birthName=DE%ZZ"))
            #expect(malformed["total"] as? Int == 0)
        }
    }
}
