import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import INSiClient
import Testing

/// The built `insi-sim` against the in-process simulator: statuses, `verify`, and the rough
/// edges a new user met.
@Suite("CLI: statuses, verify and argument checks")
struct CLIStatusTests {
    private func json(_ run: CLITests.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
    }

    private static let dominique = ["--nom", "ADRTROIS", "--prenoms", "DOMINIQUE", "--sexe", "F", "--naissance", "1997-02-26"]

    @Test("lookup: récupérée without a document, qualifiée with --document-checked; a NIA is flagged")
    func lookupStatuses() async throws {
        let (plain, checked, nia) = try await TestServer.with { endpoint in
            let url = endpoint.absoluteString
            let plain = try await CLITests.run(["lookup", "--url", url] + Self.dominique)
            let checked = try await CLITests.run(["lookup", "--url", url, "--document-checked", "--json"] + Self.dominique)
            let nia = try await CLITests.run(["lookup", "--url", url, "--nom", "PROVISOIRE", "--prenoms", "MATRICULE", "--sexe", "M",
                                              "--naissance", "2009-07-01", "--json"])
            return (plain, checked, nia)
        }
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("Status: récupérée (retrieved); INS usable"))
        #expect(plain.stdout.contains("Next:\n  - check a high-trust identity document"))
        #expect(checked.status == 0)
        let qualified = try json(checked)
        #expect(qualified["status"] as? String == "qualified")
        #expect(qualified["statusName"] as? String == "qualifiée")
        #expect((qualified["nextSteps"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["shareINS"])
        #expect(nia.status == 0)
        let waiting = try json(nia)
        #expect(waiting["waitingNumber"] as? Bool == true)
        #expect(waiting["ins"] as? String == "usable")
    }

    @Test("verify: OK exits 0; KO exits 6 with the reasons and the work list, in text and JSON")
    func verify() async throws {
        let (ok, ko, koJSON) = try await TestServer.with { endpoint in
            let url = endpoint.absoluteString
            let ok = try await CLITests.run(["verify", "--url", url, "--matricule", "297022A020778", "--cle", "78",
                                             "--oid", "1.2.250.1.213.1.4.8", "--lieu", "2A020"] + Self.dominique)
            let held = ["verify", "--url", url, "--matricule", "2360663220836", "--cle", "56", "--nom", "TCHITCHI", "--prenoms", "CATARINA",
                        "--sexe", "F", "--naissance", "1936-06-21"]
            let ko = try await CLITests.run(held)
            let koJSON = try await CLITests.run(held + ["--json"])
            return (ok, ko, koJSON)
        }
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("Verification OK"))
        #expect(ok.stdout.contains("Status: récupérée (retrieved); INS usable"))
        #expect(ko.status == 6, "\(ko.stdout)\(ko.stderr)")
        #expect(ko.stdout.contains("Verification: KO, the identity goes to the work list:"))
        #expect(ko.stdout.contains("Prenom/ListePrenom held 'CATARINA', INSi 'CATARINA BELLA'"))
        let object = try json(koJSON)
        #expect(koJSON.status == 6)
        #expect(object["workList"] as? Bool == true)
        #expect(object["status"] as? String == "provisional")
        let verification = try #require(object["verification"] as? [String: Any])
        #expect(verification["result"] as? String == "KO")
        #expect((verification["reasons"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["differentTraits"])
        #expect((verification["held"] as? [String: Any])?["matricule"] as? String == "2360663220836")
        #expect((object["attempts"] as? [Any])?.count == 1)
    }

    @Test("vitale: a wrong ouvrant droit key is named in the 01, and in the JSON")
    func vitaleWrongKey() async throws {
        let (text, object) = try await TestServer.with { endpoint in
            let arguments = ["vitale", "--url", endpoint.absoluteString, "--od", "2840263113061", "--od-cle", "12", "--naissance",
                             "2016-09-05", "--rang", "2"]
            return (try await CLITests.run(arguments), try await CLITests.run(arguments + ["--json"]))
        }
        #expect(text.status == 1)
        #expect(text.stdout.contains("the key 12 of the ouvrant droit's matricule 2840263113061 does not follow the key rule (expected 73)"))
        #expect(!text.stdout.contains("no beneficiary of this card has this birth date"))
        let mismatch = try #require((try json(object)["keyMismatches"] as? [[String: Any]])?.first)
        #expect(mismatch["field"] as? String == "ouvrantDroit")
        #expect(mismatch["expectedKey"] as? String == "73")
    }

    @Test("vitale with the local identity compares every trait with the answer")
    func vitaleLocalIdentity() async throws {
        let run = try await TestServer.with { endpoint in
            try await CLITests.run(["vitale", "--url", endpoint.absoluteString, "--od", "2840263113061", "--naissance", "2016-09-05",
                                    "--rang", "1", "--nom", "GARNIER", "--prenoms", "LEA MARIE", "--sexe", "F", "--json"])
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let warnings = try #require(try json(run)["warnings"] as? [[String: Any]])
        let fields = try #require(warnings.first?["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["firstNames"])
        #expect(fields.first?["local"] as? String == "LEA MARIE")
        #expect(fields.first?["returned"] as? String == "LEA")
    }

    @Test("Bad arguments exit 64 and say what to type", arguments: [
        (["lookup", "--url", "http://127.0.0.1:1", "--nom", "TCHITCHI", "--prenoms", "CATARINA,BELLA", "--sexe", "F",
          "--naissance", "1936-06-21"], #"--prenoms: Prenom 'CATARINA,BELLA' is invalid: first names are separated by spaces, not commas: "CATARINA BELLA""#),
        (["verify", "--url", "http://127.0.0.1:1", "--matricule", "12345", "--nom", "A", "--prenoms", "B", "--sexe", "F",
          "--naissance", "2000-01-01"], "--matricule: a matricule has 13 characters"),
        (["verify", "--url", "http://127.0.0.1:1", "--matricule", "297022A020778", "--oid", "1.2.3", "--nom", "A", "--prenoms", "B",
          "--sexe", "F", "--naissance", "2000-01-01"], "--oid: '1.2.3' is not an INS OID"),
        (["vitale", "--url", "http://127.0.0.1:1", "--od", "2840263113061", "--naissance", "2016-09-05", "--prenoms", "LEA"],
         "give --nom, --prenoms and --sexe"),
        (["vitale", "--url", "http://127.0.0.1:1", "--od", "2840263113061", "--naissance", "2016-09-05", "--rang", "100"],
         "--rang must be a birth rank from 1 to 99, not 100"),
        (["lookup", "--url", "http://127.0.0.1:1", "--timeout", "4000"] + dominique, "--timeout must be a number of seconds above 0"),
        (["lookup", "--url", "http://127.0.0.1:1", "--timeout", "soon"] + dominique, "--timeout"),
        (["rehearse", "--url", "http://127.0.0.1:1", "--target", "real"], "'--target <target>'"),
        (["serve", "--port", "70000"], "--port must be between 0 and 65535, not 70000"),
    ])
    func badArguments(_ arguments: [String], _ message: String) async throws {
        let run = try await CLITests.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        // The usage shown is the command's own, not the root's.
        #expect(run.stderr.contains("Usage: insi-sim \(arguments[0]) "), "\(run.stderr)")
    }

    @Test("The default emitter sent is a well-formed national professional id")
    func defaultEmitter() async throws {
        let calls = try await TestServer.with { endpoint in
            let run = try await CLITests.run(["lookup", "--url", endpoint.absoluteString] + Self.dominique)
            #expect(run.status == 0)
            let url = endpoint.deletingLastPathComponent().appendingPathComponent("admin/journal")
            let (data, _) = try await URLSession.shared.data(from: url)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["calls"] as? [[String: Any]]
        }
        let emitter = try #require(calls?.first?["emitter"] as? String)
        #expect(emitter == ProfessionalID.example)
        #expect(ProfessionalID.isValid(emitter))
    }
}
