import Foundation
import INSiClient
import Testing
import TestSupport

/// Loading and checking rehearsal packs.
@Suite("Rehearsal pack")
struct RehearsalPackTests {
    private static let traits = #"{"birthName": "A", "firstNames": ["B"], "sex": "F", "birthDate": "2000-01-01"}"#

    /// Writes `text` as pack.json in a fresh folder (with `extra` files beside it) and loads it.
    private func load(_ text: String, extra: [String: String] = [:]) throws -> Result<RehearsalPack, RehearsalPackError> {
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, content) in extra { try Data(content.utf8).write(to: folder.appendingPathComponent(name)) }
        let url = folder.appendingPathComponent("pack.json")
        try Data(text.utf8).write(to: url)
        do {
            return .success(try RehearsalPack.load(from: url))
        } catch {
            return .failure(error)
        }
    }

    private func pack(_ cases: String) -> String {
        #"{"format": "insi-sim-rehearsal", "version": 1, "cases": [\#(cases)]}"#
    }

    static let cndaCases = ["cnda-2.04-cas2-inshisto", "cnda-2.05-nia", "cnda-2.08-cas1-corse", "cnda-2.08-cas2-hermann"]

    @Test("the pack's CNDA cases answer the documents of the cnda scenario set, with its matches")
    func cndaCasesUseTheSet() throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let set = try JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.repository.appendingPathComponent("Resources/scenarios/cnda.json")))
        let setScenarios = try #require((set as? [String: Any])?["scenarios"] as? [[String: Any]])
        let setEffects = setScenarios.compactMap { ($0["effect"] as? [String: Any])?["file"] as? String }
        let packCases = pack.cases.filter { $0.id.hasPrefix("cnda-") }
        #expect(packCases.map(\.id) == Self.cndaCases)
        let packJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: RehearsalTestSupport.defaultPack))
        let packEffects = try #require((packJSON as? [String: Any])?["cases"] as? [[String: Any]])
            .filter { ($0["id"] as? String)?.hasPrefix("cnda-") == true }
            .compactMap { (($0["scenario"] as? [String: Any])?["effect"] as? [String: Any])?["file"] as? String }
        #expect(packEffects == setEffects)
        #expect(packCases.allSatisfy { $0.cnda != nil && $0.otherTargets == .skip })
    }

    @Test("the default pack holds every seeded case and the procedure, fault and timeout cases")
    func defaultPack() throws {
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let seeded = try JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.repository.appendingPathComponent("Resources/seed/cases.json")))
        let seededIDs = try #require(seeded as? [[String: Any]]).compactMap { $0["id"] as? String }
        let ids = pack.cases.map(\.id)
        #expect(Array(ids.prefix(seededIDs.count)) == seededIDs)
        #expect(Set(pack.cases.map(\.kind)) == [.traits, .vitale, .lookup, .verify])
        for id in ["lookup-houilles-not-found", "lookup-tchitchi-ola-catarina", "lookup-de-vinci-by-list", "lookup-de-vinci-by-place",
                   "lookup-de-vinci-unresolved", "lookup-martin-durand-hyphen-retry", "lookup-hermann-invalid-keys",
                   "lookup-provisoire-nia", "lookup-ecetinsi-incoherent-inshisto", "fault-unknown-approval-number",
                   "fault-upstream-unavailable", "error-timeout", "lookup-de-vinci-postal-code", "lookup-de-vinci-commune-code",
                   "status-hermann-not-usable", "status-adrtrois-qualified",
                   "verify-adrtrois-ok", "verify-adrtrois-other-ins", "verify-tchitchi-first-names"] {
            #expect(ids.contains(id), "\(id)")
        }
        #expect(pack.cases.filter { $0.scenario != nil }.map(\.id) == Self.cndaCases + ["fault-unknown-approval-number", "fault-upstream-unavailable", "error-timeout"])
        // A seeded case keeps both modes of cases.json.
        let hyphen = try #require(pack.cases.first { $0.id == "martin-durand-hyphen" })
        #expect(hyphen.expectation.strict.answer == .code("01"))
        #expect(hyphen.expectation.relaxed.answer == .code("00"))
        #expect(hyphen.expectation.relaxed.matricule == "2850433063114")
        #expect(try pack.selecting(["error-timeout"]).cases.map(\.id) == ["error-timeout"])
        #expect(throws: UnknownCaseIDs(ids: ["nope"], pack: RehearsalTestSupport.defaultPack.path)) { try pack.selecting(["error-timeout", "nope"]) }
        // A verify case holds an INS and the traits; a status case its high-trust document.
        let verify = try #require(pack.cases.first { $0.id == "verify-adrtrois-ok" })
        #expect(verify.request == .held(HeldIdentity(
            ins: HeldINS(matricule: "297022A020778", key: "78", oid: "1.2.250.1.213.1.4.8"),
            traits: SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26", birthPlace: "2A020"))))
        #expect(verify.expectation.strict.verification == "OK")
        let qualified = try #require(pack.cases.first { $0.id == "status-adrtrois-qualified" })
        #expect(qualified.document == .checked)
        #expect(qualified.expectation.strict.status == .qualified)
    }

    @Test("the README lists every case the default pack defines itself, and its count")
    func readmeListsPackCases() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("docs/guides/rehearsal.md"), encoding: .utf8)
        let pack = try RehearsalPack.load(from: RehearsalTestSupport.defaultPack)
        let own = pack.cases.filter { $0.source == RehearsalTestSupport.defaultPack.standardizedFileURL.path }
        #expect(!own.isEmpty)
        for rehearsalCase in own {
            #expect(readme.contains("| `\(rehearsalCase.id)` |"), "\(rehearsalCase.id) is not in the README's table of the default pack")
        }
        #expect(readme.contains("`Resources/rehearsal/default-pack.json` holds \(pack.cases.count) cases."))
    }

    @Test("malformed packs are refused with the case and the field", arguments: [
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"code": "03"}}"#, "x", "expect.code"),
        (#"{"id": "x", "kind": "traits", "request": {"birthName": "A", "firstNames": ["B"], "birthDate": "2000-01-01"}, "expect": {"code": "01"}}"#,
         "x", "request.sex"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"code": "01", "matricule": "1"}}"#, "x", "expect.matricule"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"code": "01"}, "expcet": {}}"#, "x", "expcet"),
        (#"{"id": "x", "kind": "search", "request": \#(traits), "expect": {"code": "01"}}"#, "x", "kind"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits)}"#, "x", "expect"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"code": "00", "fault": {}}}"#, "x", "expect"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"strict": {"code": "01"}}}"#, "x", "expect.relaxed"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"code": "01", "trail": ["01", "03"]}}"#, "x", "expect.trail"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"code": "00", "warnings": ["wrongKey"]}}"#, "x", "expect.warnings"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"code": "01", "attempts": 2}}"#, "x", "expect.attempts"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "expect": {"error": "slow"}}"#, "x", "expect.error"),
        (#"{"id": "x", "kind": "vitale", "request": {"birthDate": "2000-01-01"}, "expect": {"code": "01"}}"#, "x", "request.ouvrantDroit"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "scenario": {"effect": {}}, "expect": {"code": "01"}}"#, "x", "scenario.effect.kind"),
        (#"{"id": "x", "kind": "traits", "request": \#(traits), "timeout": 0, "expect": {"code": "01"}}"#, "x", "timeout"),
        (#"{"kind": "traits", "request": \#(traits), "expect": {"code": "01"}}"#, "#1 (no id)", "id"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "expect": {"code": "00"}}"#, "x", "ins"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "ins": {"key": "12"}, "expect": {"code": "00"}}"#, "x", "ins.matricule"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "ins": {"matricule": "1", "cle": "12"}, "expect": {"code": "00"}}"#, "x", "ins.cle"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "ins": {"matricule": "1"}, "expect": {"code": "00"}}"#, "x", "ins"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"code": "00", "verification": "OK"}}"#, "x", "expect.verification"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "ins": {"matricule": "1"}, "expect": {"code": "00", "verification": "MAYBE"}}"#,
         "x", "expect.verification"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "ins": {"matricule": "1"}, "expect": {"code": "00", "verification": "OK", "reasons": ["notFound"]}}"#,
         "x", "expect.reasons"),
        (#"{"id": "x", "kind": "verify", "identity": \#(traits), "ins": {"matricule": "1"}, "expect": {"code": "01", "verification": "KO", "reasons": ["gone"]}}"#,
         "x", "expect.reasons"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"code": "00", "status": "certified"}}"#, "x", "expect.status"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "expect": {"code": "00", "ins": "maybe"}}"#, "x", "expect.ins"),
        (#"{"id": "x", "kind": "lookup", "identity": \#(traits), "documentChecked": "yes", "expect": {"code": "00"}}"#, "x", "documentChecked"),
    ])
    func malformedCase(text: String, caseID: String, field: String) throws {
        guard case .failure(let error) = try load(pack(text)) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(error.caseID == caseID, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.description.contains("case \(caseID), field \(field): "))
    }

    @Test("pack-level errors: format, version, duplicate ids across includes, missing include, include cycle")
    func malformedPack() throws {
        let one = #"{"id": "x", "kind": "traits", "request": \#(Self.traits), "expect": {"code": "01"}}"#
        guard case .failure(let format) = try load(#"{"format": "insi", "version": 1, "cases": [\#(one)]}"#) else { Issue.record("format"); return }
        #expect(format.field == "format")
        guard case .failure(let version) = try load(#"{"format": "insi-sim-rehearsal", "version": 2, "cases": [\#(one)]}"#) else {
            Issue.record("version"); return
        }
        #expect(version.field == "version")
        let included = #"{"format": "insi-sim-rehearsal", "version": 1, "include": ["more.json"], "cases": [\#(one)]}"#
        guard case .failure(let duplicate) = try load(included, extra: ["more.json": "[\(one)]"]) else { Issue.record("duplicate"); return }
        #expect(duplicate.caseID == "x")
        #expect(duplicate.field == "id")
        #expect(duplicate.reason.contains("more.json"))
        guard case .failure(let missing) = try load(#"{"format": "insi-sim-rehearsal", "version": 1, "include": ["none.json"]}"#) else {
            Issue.record("missing"); return
        }
        #expect(missing.field == "include[0]")
        let cycle = #"{"format": "insi-sim-rehearsal", "version": 1, "include": ["pack.json"], "cases": [\#(one)]}"#
        guard case .failure(let loop) = try load(cycle) else { Issue.record("cycle"); return }
        #expect(loop.reason.contains("include cycle"))
        // An included array in the form of cases.json is read as is.
        let plan = #"[{"id": "y", "title": "t", "exercises": "e", "operation": "vitale", "request": {"ouvrantDroit": "1", "birthDate": "2000-01-01", "rank": 2}, "expected": {"strict": {"code": "01"}, "relaxed": {"code": "00", "matricule": "2", "key": "3"}}}]"#
        let ok = try load(#"{"format": "insi-sim-rehearsal", "version": 1, "include": ["plan.json"], "cases": [\#(one)]}"#, extra: ["plan.json": plan]).get()
        #expect(ok.cases.map(\.id) == ["y", "x"])
        #expect(ok.cases.first?.request == .vitale(VitaleSearch(ouvrantDroit: "1", birthDate: "2000-01-01", rank: 2)))
    }
}
