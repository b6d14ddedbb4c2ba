import Foundation
import INSiClient
import Testing
import TestSupport

/// `insi-sim lookup` and `insi-sim vitale`, the built binary run against the in-process simulator.
@Suite("CLI")
struct CLITests {
    typealias Run = ChildProcess.Run

    /// The built `insi-sim`, beside the test bundle (same build configuration).
    static func binary() throws -> URL {
        let binary = TestPaths.insiSim
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestFailure("insi-sim is not built (run swift build): no \(binary.path)")
        }
        return binary
    }

    /// Runs the built binary to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await ChildProcess.run(try binary(), arguments, environment: environment)
    }

    /// The base URL of the server (the CLI accepts it as well as the endpoint).
    private func base(_ endpoint: URL) -> String {
        endpoint.deletingLastPathComponent().absoluteString
    }

    @Test("lookup of a found case prints the attempts and the identity, exits 0")
    func lookupFound() async throws {
        let run = try await TestServer.with { endpoint in
            try await CLITests.run(["lookup", "--url", base(endpoint), "--nom", "MARTIN-DURAND", "--prenoms", "CAMILLE",
                                    "--sexe", "F", "--naissance", "1985-04-12"])
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("#1 first first name: MARTIN-DURAND / CAMILLE / F / 1985-04-12 -> 01") == true)
        #expect(lines.dropFirst().first?.hasPrefix("#2 birth name variant (hyphensToSpace): MARTIN DURAND") == true)
        #expect(run.stdout.contains("INS: 2850433063114 key 82"))
        #expect(run.stdout.contains("NomNaissance local 'MARTIN-DURAND', INSi 'MARTIN DURAND'"))
        #expect(run.stdout.contains("Status: récupérée (retrieved); INS usable"))
    }

    @Test("lookup --json: one object with code, identity, warnings and attempts; HERMANN's invalid keys exit 5, not usable")
    func lookupJSON() async throws {
        let run = try await TestServer.with { endpoint in
            try await CLITests.run(["lookup", "--url", endpoint.absoluteString, "--nom", "HERMANN", "--prenoms", "GATIEN",
                                    "--sexe", "M", "--naissance", "1981-03-24", "--json", "--timeout", "5"])
        }
        #expect(run.status == 5, "\(run.stdout)\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["code"] as? String == "00")
        let identity = try #require(object["identity"] as? [String: Any])
        #expect(identity["matricule"] as? String == "1810363220456")
        #expect(identity["key"] as? String == "60")
        #expect(identity["oid"] as? String == "1.2.250.1.213.1.4.8")
        #expect((identity["history"] as? [Any])?.count == 2)
        #expect((identity["traits"] as? [String: Any])?["birthName"] as? String == "HERMANN")
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["kind"] as? String } == ["invalidKey", "invalidKey", "invalidKey"])
        #expect(warnings.first?["expectedKey"] as? String == "76")
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count == 1)
        let attempt = try #require(attempts.first)
        #expect(attempt["code"] as? String == "00")
        #expect((attempt["messageID"] as? String)?.hasPrefix("uuid:") == true)
        #expect(attempt["ms"] is Double || attempt["ms"] is Int)
        #expect((attempt["traits"] as? [String: Any])?["firstNames"] as? [String] == ["GATIEN"])
        #expect(object["error"] == nil)
        #expect(object["ins"] as? String == "notUsable")
        #expect(object["status"] as? String == "provisional")
        #expect(object["statusName"] as? String == "provisoire")
        #expect((object["nextSteps"] as? [[String: Any]])?.first?["kind"] as? String == "reportAnswer")
        #expect((object["summary"] as? String)?.contains("not usable (invalidKey)") == true)
    }

    @Test("lookup exit codes: 1 none, 2 several")
    func lookupNoneAndSeveral() async throws {
        let (none, several) = try await TestServer.with { endpoint in
            let none = try await CLITests.run(["lookup", "--url", endpoint.absoluteString, "--nom", "HOUILLES", "--prenoms",
                                               "PIERRE PAUL JACQUES", "--sexe", "M", "--naissance", "1993-01-27"])
            let several = try await CLITests.run(["lookup", "--url", endpoint.absoluteString, "--nom", "DE VINCI", "--prenoms",
                                                  "LEONARDO", "--sexe", "M", "--naissance", "2014-02-01", "--json"])
            return (none, several)
        }
        #expect(none.status == 1)
        #expect(none.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.count == 4)
        #expect(none.stdout.contains("No identity"))
        #expect(several.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(several.stdout.utf8)) as? [String: Any])
        #expect(object["code"] as? String == "02")
        #expect(object["identity"] is NSNull)
    }

    @Test("lookup with a postal code as birth place: the 01 of the birth place step says why (text and JSON)")
    func lookupPostalCode() async throws {
        let arguments = ["--nom", "DE VINCI", "--prenoms", "LEONARDO", "--sexe", "M", "--naissance", "2014-02-01", "--lieu", "75015"]
        let (text, json) = try await TestServer.with { endpoint in
            (try await CLITests.run(["lookup", "--url", endpoint.absoluteString] + arguments),
             try await CLITests.run(["lookup", "--url", endpoint.absoluteString, "--json"] + arguments))
        }
        #expect(text.status == 2)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let placeStep = try #require(lines.firstIndex { $0.hasPrefix("#2 02: add birth place") }, "\(text.stdout)")
        #expect(lines[placeStep].contains("75015 -> 01"))
        #expect(lines[placeStep + 1].contains("why 01: LieuNaissance 75015 is the postal code of Paris 15e, not a COG"))
        #expect(lines[placeStep + 1].contains("75115"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.first?["advice"] == nil)
        #expect((attempts.last?["advice"] as? String)?.contains("75115") == true)
    }

    @Test("lookup exit code 3: a SOAP fault (unknown approval number), with the fault in the JSON")
    func lookupFault() async throws {
        let run = try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            try await CLITests.run(["lookup", "--url", endpoint.absoluteString, "--idam", "BADIDAM", "--nom", "ADRTROIS",
                                    "--prenoms", "DOMINIQUE", "--sexe", "F", "--naissance", "1997-02-26", "--json"])
        }
        #expect(run.status == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["code"] as? String == "fault")
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["siram"] as? String == "siram_100")
        #expect(error["desir"] as? String == "desir_550")
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.first?["messageID"] as? String == error["messageID"] as? String)
    }

    @Test("lookup exit code 4: nothing listens")
    func lookupTransport() async throws {
        let port = try RawListener.closedPort()
        let run = try await CLITests.run(["lookup", "--url", "http://127.0.0.1:\(port)", "--nom", "ADRTROIS", "--prenoms", "DOMINIQUE",
                                          "--sexe", "F", "--naissance", "1997-02-26"])
        #expect(run.status == 4)
        #expect(run.stdout.contains("Stopped: could not exchange with INSi"))
    }

    @Test("lookup exit code 4: a timeout")
    func lookupTimeout() async throws {
        let listener = try RawListener(.silent)
        defer { listener.stop() }
        let run = try await CLITests.run(["lookup", "--url", listener.endpoint.absoluteString, "--timeout", "0.5", "--nom", "X",
                                          "--prenoms", "Y", "--sexe", "F", "--naissance", "1997-02-26", "--json"])
        #expect(run.status == 4)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["code"] as? String == "error")
        #expect((object["error"] as? [String: Any])?["kind"] as? String == "timeout")
    }

    @Test("Bad arguments exit 64 with a message naming the option",
          arguments: [
            (["lookup", "--url", "http://127.0.0.1:1", "--prenoms", "A", "--sexe", "F", "--naissance", "1997-02-26"], "--nom"),
            (["lookup", "--url", "http://127.0.0.1:1", "--nom", "A", "--prenoms", "A", "--sexe", "X", "--naissance", "1997-02-26"], "--sexe"),
            (["lookup", "--url", "http://127.0.0.1:1", "--nom", "A", "--prenoms", "A", "--sexe", "F", "--naissance", "26/02/1997"], "--naissance"),
            (["lookup", "--url", "http://127.0.0.1:1", "--nom", "A", "--prenoms", "A", "--sexe", "F", "--naissance", "1997-02-26", "--lieu", "75"], "--lieu"),
            (["lookup", "--url", "localhost", "--nom", "A", "--prenoms", "A", "--sexe", "F", "--naissance", "1997-02-26"], "--url"),
            (["lookup", "--url", "http://127.0.0.1:1", "--nom", "A", "--prenoms", "A", "--sexe", "F", "--naissance", "1997-02-26", "--timeout", "0"], "--timeout"),
            (["vitale", "--url", "http://127.0.0.1:1", "--od", "12345", "--naissance", "1997-02-26"], "--od"),
            (["vitale", "--url", "http://127.0.0.1:1", "--od", "160012B020777", "--naissance", "1997-02-26", "--rang", "0"], "--rang"),
          ])
    func badArguments(_ arguments: [String], _ option: String) async throws {
        let run = try await CLITests.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(option), "\(run.stderr)")
    }

    @Test("serve refuses bad settings before starting, with serve's own usage (exit 64)",
          arguments: [
            (["serve", "--admin-token", ""], "--admin-token is empty"),
            (["serve", "--port", "70000"], "--port must be between 0 and 65535"),
            (["serve", "--max-body-bytes", "10"], "--max-body-bytes must be between"),
            (["serve", "--idle-timeout", "soon"], "--idle-timeout"),
            (["serve", "--name-matching", "fuzzy"], "--name-matching"),
          ])
    func serveBadSettings(_ arguments: [String], _ message: String) async throws {
        let run = try await CLITests.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: insi-sim serve"), "\(run.stderr)")
    }

    @Test("vitale: twins by rank, found (0) and none (1)")
    func vitale() async throws {
        let (hugo, none) = try await TestServer.with { endpoint in
            let hugo = try await CLITests.run(["vitale", "--url", base(endpoint), "--od", "2840263113061", "--od-cle", "73",
                                               "--naissance", "2016-09-05", "--rang", "2", "--json"])
            let none = try await CLITests.run(["vitale", "--url", base(endpoint), "--od", "1850575056999", "--naissance", "1985-05-01"])
            return (hugo, none)
        }
        #expect(hugo.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(hugo.stdout.utf8)) as? [String: Any])
        #expect((object["identity"] as? [String: Any])?["matricule"] as? String == "1160963113149")
        #expect((object["attempts"] as? [[String: Any]])?.first?["code"] as? String == "00")
        #expect(none.status == 1)
        #expect(none.stdout.hasPrefix("#1 vitale: OD 1850575056999"))
    }
}
