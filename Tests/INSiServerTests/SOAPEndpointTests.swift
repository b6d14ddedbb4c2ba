import Foundation
import INSiCore
import INSiSOAP
import Testing
import TestSupport

@Suite("The INSi endpoint over TCP")
struct SOAPEndpointTests {
    @Test("every seeded case answers as the README table says, strict and relaxed, both operations")
    func seededCases() async throws {
        #expect(SeededCase.all.count > 100)
        #expect(Set(SeededCase.all.map(\.operation)) == ["traits", "vitale"])
        for mode in [NameMatching.strict, .relaxed] {
            try await withTestSimulator(TestSimulator(nameMatching: mode)) { server in
                for seededCase in SeededCase.all {
                    let expected = try #require(seededCase.expected[mode.rawValue])
                    let response = try await server.call(seededCase.soapRequest)
                    #expect(response.status == 200, "\(seededCase.id): \(response.text)")
                    #expect(response.header("Content-Type") == "application/soap+xml; charset=utf-8")
                    guard case .result(let result) = try answer(response) else {
                        Issue.record("\(seededCase.id) \(mode): not a result: \(response.text)")
                        continue
                    }
                    #expect(result.code == expected.code, "\(seededCase.id) \(mode)")
                    #expect(result.label == INSiResultCode(rawValue: expected.code)?.label)
                    if let matricule = expected.matricule {
                        #expect(result.individual?.active.matricule == matricule, "\(seededCase.id) \(mode)")
                        #expect(result.individual?.active.key == expected.key, "\(seededCase.id) \(mode)")
                    } else {
                        #expect(result.individual == nil)
                    }
                }
            }
        }
    }

    @Test("keep-alive: many calls on one connection")
    func keepAlive() async throws {
        try await withTestSimulator { server in
            let client = try server.client()
            for _ in 0..<20 {
                let request = Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21")
                let response = try client.post("/lps", body: INSiRequestWriter.write(request),
                                               headers: [("Content-Type", INSiRequestWriter.contentType(for: .traitsSearch))])
                guard case .result(let result) = try answer(response) else { Issue.record("not a result"); return }
                #expect(result.code == "00")
            }
        }
    }

    @Test("names are written as the real service writes them: an apostrophe stays raw")
    func escapedAnswer() async throws {
        try await withTestSimulator { server in
            let response = try await server.call(Requests.traits("D'ALMEIDA", ["MANUEL"], "M", "1966-10-03"))
            guard case .result(let result) = try answer(response) else { Issue.record("not a result: \(response.text)"); return }
            #expect(result.individual?.traits.birthName == "D'ALMEIDA")
            #expect(response.text.contains("<NomNaissance>D'ALMEIDA</NomNaissance>"))
        }
    }

    @Test("health reports version, identity count and name matching")
    func health() async throws {
        try await withTestSimulator(TestSimulator(nameMatching: .relaxed)) { server in
            let response = try await server.get("/health")
            #expect(response.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(json["status"] as? String == "ok")
            #expect(json["nameMatching"] as? String == "relaxed")
            #expect((json["identities"] as? Int ?? 0) >= 30)
            #expect(json["version"] is String)
        }
    }

    @Test("unknown paths and methods")
    func routes() async throws {
        try await withTestSimulator { server in
            #expect(try await server.get("/nope").status == 404)
            let client = try server.client()
            try client.send("DELETE /lps HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.response()
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD, POST")
        }
    }
}
