import Foundation
import INSiCore
import INSiSOAP
import Testing

/// A case of `Resources/seed/cases.json` (the README's test plan).
struct PlanCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Request: Decodable, Sendable {
        var birthName: String?
        var firstNames: [String]?
        var firstNamesAsOneValue: Bool?
        var sex: String?
        var birthDate: String?
        var birthPlace: String?
        var ouvrantDroit: String?
        var ouvrantDroitKey: String?
        var rank: Int?
        var beneficiaryMatricule: String?
    }
    struct Expectation: Decodable, Sendable {
        var code: String
        var matricule: String?
        var key: String?
    }
    var id: String
    var operation: String
    var request: Request
    var expected: [String: Expectation]
    var testDescription: String { id }

    static let all: [PlanCase] = {
        let url = TestPaths.resources.appendingPathComponent("seed/cases.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode([PlanCase].self, from: data)) ?? []
    }()

    var soapRequest: INSiRequest {
        let r = request
        if operation == "vitale" {
            return Requests.vitale(od: r.ouvrantDroit ?? "", key: r.ouvrantDroitKey, date: r.birthDate ?? "", rank: r.rank.map(String.init),
                                   beneficiary: r.beneficiaryMatricule, name: r.birthName)
        }
        var names = r.firstNames ?? []
        if r.firstNamesAsOneValue == true { names = [names.joined(separator: " ")] }
        return Requests.traits(r.birthName, names, r.sex, r.birthDate, place: r.birthPlace)
    }
}

@Suite("The INSi endpoint over TCP")
struct SOAPEndpointTests {
    @Test("every seeded case answers as the README table says, strict and relaxed, both operations")
    func seededCases() async throws {
        #expect(PlanCase.all.count > 100)
        #expect(Set(PlanCase.all.map(\.operation)) == ["traits", "vitale"])
        for mode in [NameMatching.strict, .relaxed] {
            let server = try TestSimulator(nameMatching: mode)
            defer { Task { await server.stop() } }
            for planCase in PlanCase.all {
                let expected = try #require(planCase.expected[mode.rawValue])
                let response = try await server.call(planCase.soapRequest)
                #expect(response.status == 200, "\(planCase.id): \(response.text)")
                #expect(response.header("Content-Type") == "application/soap+xml; charset=utf-8")
                guard case .result(let result) = try answer(response) else {
                    Issue.record("\(planCase.id) \(mode): not a result: \(response.text)")
                    continue
                }
                #expect(result.code == expected.code, "\(planCase.id) \(mode)")
                #expect(result.label == INSiResultCode(rawValue: expected.code)?.label)
                if let matricule = expected.matricule {
                    #expect(result.individual?.active.matricule == matricule, "\(planCase.id) \(mode)")
                    #expect(result.individual?.active.key == expected.key, "\(planCase.id) \(mode)")
                } else {
                    #expect(result.individual == nil)
                }
            }
        }
    }

    @Test("keep-alive: many calls on one connection")
    func keepAlive() async throws {
        let server = try TestSimulator()
        defer { Task { await server.stop() } }
        let client = try server.client()
        for _ in 0..<20 {
            let request = Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21")
            let response = try client.post("/lps", body: INSiRequestWriter.write(request),
                                           headers: [("Content-Type", INSiRequestWriter.contentType(for: .traitsSearch))])
            guard case .result(let result) = try answer(response) else { Issue.record("not a result"); return }
            #expect(result.code == "00")
        }
    }

    @Test("names are written as the real service writes them: an apostrophe stays raw")
    func escapedAnswer() async throws {
        let server = try TestSimulator()
        defer { Task { await server.stop() } }
        let response = try await server.call(Requests.traits("D'ALMEIDA", ["MANUEL"], "M", "1966-10-03"))
        guard case .result(let result) = try answer(response) else { Issue.record("not a result: \(response.text)"); return }
        #expect(result.individual?.traits.birthName == "D'ALMEIDA")
        #expect(response.text.contains("<NomNaissance>D'ALMEIDA</NomNaissance>"))
    }

    @Test("health reports version, identity count and name matching")
    func health() async throws {
        let server = try TestSimulator(nameMatching: .relaxed)
        defer { Task { await server.stop() } }
        let response = try await server.get("/health")
        #expect(response.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["status"] as? String == "ok")
        #expect(json["nameMatching"] as? String == "relaxed")
        #expect((json["identities"] as? Int ?? 0) >= 30)
        #expect(json["version"] is String)
    }

    @Test("unknown paths and methods")
    func routes() async throws {
        let server = try TestSimulator()
        defer { Task { await server.stop() } }
        #expect(try await server.get("/nope").status == 404)
        let client = try server.client()
        try client.send("DELETE /lps HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, POST")
    }
}
