import Foundation
import INSiClient
import INSiCore
import INSiServer
import INSiSOAP
import Testing
import TestSupport

@Suite("Scenarios (fault injection)")
struct ScenarioTests {
    static func client(_ server: TestSimulator, timeout: Duration = .seconds(5)) throws -> INSiClient {
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(server.port)/lps"))
        return INSiClient(configuration: INSiClientConfiguration(
            endpoint: endpoint, software: SoftwareContext(idam: "TESTIDAM0001", version: "1.0", name: "insi-sim-tests"),
            emitter: "810000000001", timeout: timeout))
    }

    static let dominique = SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26")

    func add(_ server: TestSimulator, _ json: String) async throws {
        let response = try await server.admin("POST", "/admin/scenarios", json: json)
        #expect(response.status == 201, "\(response.text)")
    }

    func error(_ body: () async throws -> Void) async -> INSiClientError? {
        do { try await body(); return nil } catch { return error as? INSiClientError }
    }

    @Test("an upstream-unavailable fault surfaces as a typed fault, then the scenario expires")
    func fault() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"id": "down", "times": 1, "match": {"birthName": "adrtrois"}, "effect": {"kind": "fault", "subcode": "siram_40"}}"#)
            let client = try Self.client(server)
            let failure = await error { _ = try await client.searchByTraits(Self.dominique, messageID: "uuid:scenario-1") }
            let fault = try #require(failure?.fault)
            #expect(fault.subcode == "siram_40")
            #expect(fault.code == .receiver)
            #expect(fault.messageID == "uuid:scenario-1")
            let next = try await client.searchByTraits(Self.dominique)
            #expect(next.code == "00")
            let journal = try jsonObject(await server.admin("GET", "/admin/journal?messageID=uuid:scenario-1"))
            #expect(((journal["calls"] as? [[String: Any]])?.first?["scenario"] as? String) == "down")
            #expect(try await server.admin("GET", "/admin/scenarios/down").status == 404)
        }
    }

    @Test("a scenario switched off (enabled false) is kept and listed but shapes no call; switched on, it does again")
    func switchedOff() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"id": "none", "match": {"birthName": "ADRTROIS"}, "effect": {"kind": "result", "code": "01"}, "enabled": false}"#)
            let client = try Self.client(server)
            #expect(try await client.searchByTraits(Self.dominique).code == "00")
            let listed = try jsonObject(await server.admin("GET", "/admin/scenarios/none"))
            #expect(listed["enabled"] as? Bool == false)
            let put = try await server.admin("PUT", "/admin/scenarios/none",
                                             json: #"{"match": {"birthName": "ADRTROIS"}, "effect": {"kind": "result", "code": "01"}, "enabled": true}"#)
            #expect(put.status == 200, "\(put.text)")
            #expect(try await client.searchByTraits(Self.dominique).code == "01")
        }
    }

    @Test("a delay longer than the client's timeout surfaces as a timeout")
    func timeout() async throws {
        try await withTestSimulator { server in
            // The answer would come after 5 s; the client gives up at 0.5 s. (How close to 0.5 s is
            // checked by the client's own tests against a silent server; here the suite runs in
            // parallel on two cores, so only the kind of error is asserted.)
            try await add(server, #"{"effect": {"kind": "answer", "delayMs": 5000}}"#)
            let client = try Self.client(server, timeout: .milliseconds(500))
            let failure = await error { _ = try await client.searchByTraits(Self.dominique) }
            #expect(failure?.kind == "timeout", "\(String(describing: failure))")
        }
    }

    @Test("a delay shorter than the timeout still answers")
    func shortDelay() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"effect": {"kind": "answer", "delayMs": 200}}"#)
            let answer = try await Self.client(server).searchByTraits(Self.dominique)
            #expect(answer.code == "00")
            // The journal says the answer went through the delay (how long it took is the clock's
            // business, not a test's).
            let journal = try jsonObject(await server.admin("GET", "/admin/journal"))
            let reasons = (journal["calls"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
            #expect(reasons.contains { $0.contains("delayed 200 ms") }, "\(reasons)")
        }
    }

    @Test("an HTTP 502 with an HTML body surfaces as an unexpected status, body kept")
    func httpStatus() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"effect": {"kind": "http", "status": 502, "body": "html"}}"#)
            let failure = await error { _ = try await Self.client(server).searchByTraits(Self.dominique) }
            guard case .unexpectedStatus(let status, _, _) = failure else { Issue.record("got \(String(describing: failure))"); return }
            #expect(status == 502)
            #expect(failure?.bodyText?.contains("<html>") == true)
        }
    }

    @Test("a truncated body and a malformed body are errors, never a 'not found'")
    func brokenBodies() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"times": 1, "effect": {"kind": "truncated"}}"#)
            let truncated = await error { _ = try await Self.client(server).searchByTraits(Self.dominique) }
            #expect(truncated?.kind == "transport" || truncated?.kind == "unreadableAnswer", "\(String(describing: truncated))")
            try await add(server, #"{"times": 1, "effect": {"kind": "malformed"}}"#)
            let malformed = await error { _ = try await Self.client(server).searchByTraits(Self.dominique) }
            #expect(malformed?.kind == "unreadableAnswer", "\(String(describing: malformed))")
        }
    }

    @Test("closing the connection without answering, seen over raw TCP")
    func close() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"effect": {"kind": "close"}}"#)
            let client = try server.client()
            let request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            try client.send(Array("POST /lps HTTP/1.1\r\nHost: x\r\nContent-Length: \(INSiRequestWriter.write(request).count)\r\n\r\n".utf8) + INSiRequestWriter.write(request))
            #expect(client.waitForClose())
            let failure = await error { _ = try await Self.client(server).searchByTraits(Self.dominique) }
            #expect(failure?.kind == "transport", "\(String(describing: failure))")
        }
    }

    @Test("a given result: 00 with a chosen identity, 02; matching on operation, IDAM and traits; priorities")
    func results() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"id": "low", "match": {"birthName": "ADRTROIS"}, "effect": {"kind": "result", "code": "02"}}"#)
            try await add(server, #"{"id": "high", "priority": 10, "match": {"birthName": "ADRTROIS", "firstName": "dominique"}, "effect": {"kind": "result", "code": "00", "matricule": "2360663220836"}}"#)
            try await add(server, #"{"match": {"operation": "vitale", "ouvrantDroit": "160012B020777"}, "effect": {"kind": "result", "code": "01"}}"#)
            try await add(server, #"{"match": {"idam": "OTHER-IDAM"}, "effect": {"kind": "fault", "subcode": "siram_100", "detailCode": "desir_560", "reason": "droits"}}"#)
            let client = try Self.client(server)
            let chosen = try await client.searchByTraits(Self.dominique)
            #expect(chosen.outcome.identity?.active.matricule == "2360663220836")
            let several = try await client.searchByTraits(SearchTraits(birthName: "ADRTROIS", firstNames: ["TOUSSAINT"], sex: .male, birthDate: "1960-01-01"))
            #expect(several.code == "02")
            let vitale = try await client.searchByVitale(VitaleSearch(ouvrantDroit: "160012B020777", ouvrantDroitKey: "13", birthDate: "1997-02-26", rank: 1))
            #expect(vitale.code == "01")
            let other = try #require(URL(string: "http://127.0.0.1:\(server.port)/lps"))
            let otherClient = INSiClient(configuration: INSiClientConfiguration(
                endpoint: other, software: SoftwareContext(idam: "OTHER-IDAM", version: "1", name: "x"), emitter: "1"))
            let refused = await error { _ = try await otherClient.searchByTraits(SearchTraits(birthName: "TCHITCHI", firstNames: ["CATARINA"], sex: .female, birthDate: "1936-06-21")) }
            #expect(refused?.fault?.detailCode == "desir_560")
            let list = try jsonObject(await server.admin("GET", "/admin/scenarios"))
            #expect(((list["scenarios"] as? [[String: Any]])?.first?["id"] as? String) == "high")
        }
    }

    @Test("the next N calls")
    func nextCalls() async throws {
        try await withTestSimulator { server in
            try await add(server, #"{"times": 2, "effect": {"kind": "result", "code": "01"}}"#)
            let client = try Self.client(server)
            #expect(try await client.searchByTraits(Self.dominique).code == "01")
            #expect(try await client.searchByTraits(Self.dominique).code == "01")
            #expect(try await client.searchByTraits(Self.dominique).code == "00")
        }
    }

    @Test("invalid scenarios are refused with the field; delete and clear")
    func validation() async throws {
        try await withTestSimulator { server in
            let zero = try jsonObject(await server.admin("POST", "/admin/scenarios", json: #"{"times": 0, "effect": {"kind": "close"}}"#))
            #expect(zero["field"] as? String == "times")
            let unknown = try jsonObject(await server.admin("POST", "/admin/scenarios", json: #"{"effect": {"kind": "result", "code": "00", "matricule": "1999999999999"}}"#))
            #expect(unknown["field"] as? String == "effect.matricule")
            #expect(try await server.admin("POST", "/admin/scenarios", json: #"{"effect": {"kind": "explode"}}"#).status == 400)
            #expect(try await server.admin("POST", "/admin/scenarios", json: #"{"effect": {"kind": "http"}}"#).status == 400)
            try await add(server, #"{"id": "a", "effect": {"kind": "close"}}"#)
            try await add(server, #"{"id": "b", "effect": {"kind": "close"}}"#)
            // PUT replaces the scenario with this id; GET reads it back.
            let replaced = try await server.admin("PUT", "/admin/scenarios/b", json: #"{"priority": 3, "effect": {"kind": "result", "code": "02"}}"#)
            #expect(replaced.status == 200, "\(replaced.text)")
            let read = try jsonObject(await server.admin("GET", "/admin/scenarios/b"))
            #expect(read["priority"] as? Int == 3)
            #expect((read["effect"] as? [String: Any])?["kind"] as? String == "result")
            #expect(try await server.admin("PUT", "/admin/scenarios/b", json: #"{"times": 0, "effect": {"kind": "close"}}"#).status == 400)
            #expect(try await server.admin("DELETE", "/admin/scenarios/a").status == 204)
            #expect(try await server.admin("DELETE", "/admin/scenarios/a").status == 404)
            #expect(try await server.admin("DELETE", "/admin/scenarios").status == 204)
            #expect(server.simulator.state.scenarios.all.isEmpty)
        }
    }

    @Test("a scenario fault names a catalogue entry: its codes and texts, free texts only as overrides")
    func catalogueFaults() async throws {
        try await withTestSimulator { server in
            // The old form, subcode and detail code, finds the entry of desir_560 (not siram_40's texts).
            try await add(server, #"{"id": "rights", "match": {"birthName": "ADRTROIS"}, "effect": {"kind": "fault", "subcode": "siram_100", "detailCode": "desir_560"}}"#)
            try await add(server, #"{"id": "idam", "match": {"birthName": "TCHITCHI"}, "effect": {"kind": "fault", "fault": "desir_550"}}"#)
            try await add(server, #"{"id": "down", "match": {"birthName": "HERMANN"}, "effect": {"kind": "fault", "fault": "insisim_940", "reason": "Autre texte.", "severity": "fatale"}}"#)
            let client = try Self.client(server)
            let rights = try #require(await error { _ = try await client.searchByTraits(Self.dominique) }?.fault)
            let expectedRights = INSiFault.insufficientRights(messageID: rights.messageID)
            #expect(rights == expectedRights)
            #expect(rights.detailText == "Vous ne disposez pas des droits suffisants pour accéder à ce service")
            let idam = try #require(await error {
                _ = try await client.searchByTraits(SearchTraits(birthName: "TCHITCHI", firstNames: ["CATARINA"], sex: .female, birthDate: "1936-06-21"),
                                                    messageID: "uuid:c1")
            }?.fault)
            #expect(idam == INSiFault.unknownApprovalNumber(messageID: "uuid:c1"))
            let down = try #require(await error {
                _ = try await client.searchByTraits(SearchTraits(birthName: "HERMANN", firstNames: ["GATIEN"], sex: .male, birthDate: "1981-03-24"))
            }?.fault)
            #expect(down.subcode == "siram_40" && down.code == .receiver && down.detailCode == "insisim_940")
            #expect(down.reason == "Autre texte." && down.detailText == "Service amont indisponible." && down.severity == .fatale)
            // Read back, the scenario names its entry.
            let read = try jsonObject(await server.admin("GET", "/admin/scenarios/rights"))
            #expect((read["effect"] as? [String: Any])?["fault"] as? String == "desir_560")
        }
    }

    @Test("effect errors in user words: valid kinds, fields of the kind, catalogue entries")
    func effectErrors() async throws {
        try await withTestSimulator { server in
            func refusal(_ json: String) async throws -> (field: String?, reason: String) {
                let response = try await server.admin("POST", "/admin/scenarios", json: json)
                #expect(response.status == 400, "\(json): \(response.text)")
                let body = try jsonObject(response)
                return (body["field"] as? String, body["reason"] as? String ?? response.text)
            }
            let kind = try await refusal(#"{"effect": {"kind": "explode"}}"#)
            #expect(kind.field == "effect.kind" && kind.reason.contains("valid kinds: answer, result, fault, http, close, truncated, malformed, document"))
            let missing = try await refusal(#"{"effect": {}}"#)
            #expect(missing.field == "effect.kind" && missing.reason.contains("valid kinds"))
            let misplaced = try await refusal(#"{"effect": {"kind": "result", "code": "01", "subcode": "siram_40"}}"#)
            #expect(misplaced.field == "effect.subcode" && misplaced.reason.contains("its fields: code, matricule, delayMs"))
            let matricule = try await refusal(#"{"effect": {"kind": "result", "code": "01", "matricule": "2751263220749"}}"#)
            #expect(matricule.field == "effect.matricule")
            let unknownFault = try await refusal(#"{"effect": {"kind": "fault", "fault": "desir_999"}}"#)
            #expect(unknownFault.field == "effect.fault" && unknownFault.reason.contains("desir_550, desir_560, insisim_940"))
            let ownFault = try await refusal(#"{"effect": {"kind": "fault", "subcode": "siram_77"}}"#)
            #expect(ownFault.field == "effect.reason" && ownFault.reason.contains("subcode siram_77 is in no entry"))
            try await add(server, #"{"effect": {"kind": "fault", "subcode": "siram_77", "detailCode": "x_1", "reason": "Texte libre."}}"#)
            let type = try await refusal(#"{"effect": {"kind": "http", "status": "502"}}"#)
            #expect(type.field == "effect.status" && type.reason.contains("whole number"))
        }
    }

    @Test("scenarios load from a file at start-up, and a bad file stops the start with its position")
    func file() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scenarios-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"[{"match": {"birthName": "ADRTROIS"}, "effect": {"kind": "result", "code": "01"}}]"#.utf8).write(to: url)
        let server = try TestSimulator { $0.scenariosPath = url.path }
        #expect(try await Self.client(server).searchByTraits(Self.dominique).code == "01")
        await server.stop()
        try Data(#"[{"effect": {"kind": "close"}}, {"times": -1, "effect": {"kind": "close"}}]"#.utf8).write(to: url)
        do {
            _ = try TestSimulator { $0.scenariosPath = url.path }
            Issue.record("a bad scenarios file was accepted")
        } catch {
            #expect("\(error)".contains("scenario 2, field times"))
        }
        // An unknown effect inside an array is reported as such, not as "not an array".
        try Data(#"[{"effect": {"kind": "explode"}}]"#.utf8).write(to: url)
        do {
            _ = try TestSimulator { $0.scenariosPath = url.path }
            Issue.record("an unknown effect kind was accepted")
        } catch {
            // Positions count from 1, and the valid kinds are listed.
            #expect("\(error)".contains("scenario 1 (counted from 1), field effect.kind: 'explode' is not an effect kind; valid kinds: answer, result, fault"), "\(error)")
        }
        try Data(#"{"scenarios": [{"id": "x", "effect": {"kind": "close"}}, {"id": "x", "effect": {"kind": "close"}}]}"#.utf8).write(to: url)
        do {
            _ = try TestSimulator { $0.scenariosPath = url.path }
            Issue.record("two scenarios with one id were accepted")
        } catch {
            #expect("\(error)".contains("scenario 2, field id"), "\(error)")
        }
    }
}
