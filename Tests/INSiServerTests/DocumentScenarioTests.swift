import Foundation
import INSiServer
import INSiSOAP
import Testing
import TestSupport

/// Scenarios that answer a given XML document verbatim, and the built-in `cnda` set that
/// answers the CNDA response files, over TCP through the real server.
@Suite("Documents answered verbatim and the CNDA answer set")
struct DocumentScenarioTests {
    /// Each CNDA test identity's traits call and the file the CNDA hands out for it.
    static let cnda: [(file: String, request: @Sendable () -> INSiRequest)] = [
        ("cnda-test-2.04-cas2-inshisto.xml", { Requests.traits("ECETINSI", ["PIERRE-ALAIN", "MURIEL", "FLORIANT"], "M", "2009-07-14") }),
        ("cnda-test-2.05-nia.xml", { Requests.traits("PROVISOIRE", ["MATRICULE"], "M", "2009-07-01") }),
        ("cnda-test-2.08-cas1-corse.xml", { Requests.traits("CORSE", ["ANTHONY"], "M", "1980-03-02") }),
        ("cnda-test-2.08-cas2-hermann.xml", { Requests.traits("HERMANN", ["GATIEN"], "M", "1981-03-24") }),
    ]

    static func expectCNDAFiles(_ server: TestSimulator) async throws {
        for (file, request) in cnda {
            let response = try await server.call(request())
            let expected = try ConformanceTests.fixture(file)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == INSiResponseWriter.contentType)
            #expect(response.body == expected, "\(file): \(ConformanceTests.difference(response.body, expected))")
        }
    }

    static func json(_ response: RawHTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response.text)")
    }

    @Test("--scenarios cnda serves the four CNDA files' bytes; other calls are answered as usual")
    func startupSet() async throws {
        try await withTestSimulator(TestSimulator { $0.scenariosPath = "cnda" }) { server in
            try await Self.expectCNDAFiles(server)
            let usual = try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))
            #expect(usual.body == (try ConformanceTests.recordedBytes("recorded-00-adrtrois-dominique.xml")))
            let journal = try Self.json(await server.admin("GET", "/admin/journal?birthName=HERMANN"))
            let call = try #require((journal["calls"] as? [[String: Any]])?.first)
            #expect(call["scenario"] as? String == "cnda-2.08-cas2")
            #expect(call["code"] as? String == "00")
        }
    }

    @Test("the set's files are the CNDA files, byte for byte")
    func setFilesAreTheFixtures() throws {
        for (file, _) in Self.cnda {
            let served = Array(try Data(contentsOf: TestPaths.resources.appendingPathComponent("scenarios/cnda/\(file)")))
            #expect(served == (try ConformanceTests.fixture(file)), "\(file)")
        }
    }

    @Test("the admin API lists the sets, loads one, and the scenarios are listed")
    func adminSet() async throws {
        try await withTestSimulator { server in
            let before = try Self.json(await server.admin("GET", "/admin/scenarios"))
            #expect(before["sets"] as? [String] == ["cnda"])
            #expect((before["scenarios"] as? [Any])?.isEmpty == true)
            let loaded = try await server.admin("POST", "/admin/scenarios?set=cnda")
            #expect(loaded.status == 201, "\(loaded.text)")
            let after = try Self.json(await server.admin("GET", "/admin/scenarios"))
            let ids = (after["scenarios"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["cnda-2.04-cas2", "cnda-2.05", "cnda-2.08-cas1", "cnda-2.08-cas2"])
            try await Self.expectCNDAFiles(server)
            let unknown = try await server.admin("POST", "/admin/scenarios?set=qualif")
            #expect(unknown.status == 404)
            #expect(unknown.text.contains("sets: cnda"))
        }
    }

    @Test("an inline document: its bytes as given, the request's MessageID put in, 500 for a fault")
    func inlineDocument() async throws {
        try await withTestSimulator { server in
            let recorded = try ConformanceTests.fixture("recorded-fault-siram100-desir550-unknown-idam.xml")
            let scenario: [String: Any] = ["id": "verbatim", "match": ["birthName": "ADRUN"],
                                           "effect": ["kind": "document", "xml": String(decoding: recorded, as: UTF8.self)]]
            let added = try await server.admin("POST", "/admin/scenarios",
                                               json: String(decoding: try JSONSerialization.data(withJSONObject: scenario), as: UTF8.self))
            #expect(added.status == 201, "\(added.text)")
            let response = try await server.call(Requests.traits("ADRUN", ["ZOE"], "F", "1975-12-31", messageID: "uuid:0000-new"))
            #expect(response.status == 500)
            let expected = String(decoding: recorded, as: UTF8.self).replacingOccurrences(of: ConformanceTests.recordedMessageID, with: "uuid:0000-new")
            #expect(response.text == expected)
        }
    }

    /// A traits call to a server on `port`, off the cooperative pool.
    static func call(port: Int, _ request: INSiRequest) async throws -> RawHTTPClient.Response {
        try await offPool {
            try RawHTTPClient(port: port).post("/lps", body: INSiRequestWriter.write(request),
                                               headers: [("Content-Type", INSiRequestWriter.contentType(for: request.operation))])
        }
    }

    static func admin(port: Int, _ json: String) async throws -> RawHTTPClient.Response {
        try await offPool { try TestSimulator.admin(port: port, "POST", "/admin/scenarios", json: json, token: nil) }
    }

    @Test("a document file of the data directory; refused paths and missing files; kept across a restart")
    func fileDocument() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = Array("<?xml version=\"1.0\"?>\n<mine messageID=\"x\"/>\r\n".utf8)
        try Data(document).write(to: directory.appendingPathComponent("mine.xml"))
        let first = try await ChildServer.start(["--data-dir", directory.path])
        for (path, words) in [("../etc/passwd", "relative path"), ("/etc/passwd", "relative path"), ("absent.xml", "no file 'absent.xml'")] {
            let refused = try await Self.admin(port: first.port, #"{"effect": {"kind": "document", "file": "\#(path)"}}"#)
            #expect(refused.status == 400)
            let body = try Self.json(refused)
            #expect(body["field"] as? String == "effect.file")
            #expect((body["reason"] as? String)?.contains(words) == true, "\(refused.text)")
        }
        let added = try await Self.admin(port: first.port,
                                         #"{"id": "mine", "match": {"birthName": "ADRUN"}, "effect": {"kind": "document", "file": "mine.xml", "status": 503}}"#)
        #expect(added.status == 201, "\(added.text)")
        let expected = Array("<?xml version=\"1.0\"?>\n<mine messageID=\"uuid:7\"/>\r\n".utf8)
        let answer = try await Self.call(port: first.port, Requests.traits("ADRUN", ["ZOE"], "F", "1975-12-31", messageID: "uuid:7"))
        #expect(answer.status == 503 && answer.body == expected)
        first.kill()
        // The change log keeps the file's name: the restarted server reads it again.
        let second = try await ChildServer.start(["--data-dir", directory.path])
        defer { _ = second.terminate() }
        let again = try await Self.call(port: second.port, Requests.traits("ADRUN", ["ZOE"], "F", "1975-12-31", messageID: "uuid:7"))
        #expect(again.status == 503 && again.body == expected)
    }
}
