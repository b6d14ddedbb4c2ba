import Foundation
import INSiCore
import INSiServer
import Logging
import Synchronization
import Testing
import TestSupport

/// A wall clock the test moves by hand: the judge's seconds between calls without waiting.
final class ManualWallClock: WallClock {
    private let seconds = Mutex(1_800_000_000.0)

    func now() -> Double { seconds.withLock { $0 } }

    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}

/// A call as an editor's software might write it, every part of it adjustable.
struct JudgedCall {
    var name = "ADRTROIS"
    var firstNames = ["DOMINIQUE"]
    var sex = "F"
    var date = "1997-02-26"
    var place: String?
    var messageID: String? = "uuid:\(UUID().uuidString.lowercased())"
    var action: String? = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
    var contentTypeAction = true
    var version: String? = "1.0"
    /// ContexteLPS/Temps; the clock's time when nil.
    var temps: String?
    var extraBody = ""
    /// A Vitale call instead: ouvrant droit, key, birth date (nil: none sent), rank.
    var vitale: (od: String, key: String, date: String?, rank: String?)?
    /// Seconds the clock moves before the call.
    var after = 0.0

    static func iso(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    func xml(instance: String, now: Double) -> String {
        func element(_ name: String, _ value: String?) -> String { value.map { "<\(name)>\($0)</\(name)>" } ?? "" }
        var body: String
        if let vitale {
            body = "<v:RECVITALE xmlns:v=\"http://www.cnamts.fr/INSiRecVit\"><v:MatriculeOD><v:NumIdentifiant>\(vitale.od)</v:NumIdentifiant>"
                + "<v:Cle>\(vitale.key)</v:Cle></v:MatriculeOD>\(element("v:DateNaissance", vitale.date))\(element("v:RangNaissance", vitale.rank))</v:RECVITALE>"
        } else {
            body = "<r:RECSANSVITALE xmlns:r=\"http://www.cnamts.fr/INSiRecSans\">\(element("r:NomNaissance", name))"
                + firstNames.map { "<r:Prenom>\($0)</r:Prenom>" }.joined()
                + "\(element("r:Sexe", sex))\(element("r:DateNaissance", date))\(element("r:LieuNaissance", place))\(extraBody)</r:RECSANSVITALE>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" \
            xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:ctxlps="urn:siram:lps:ctxlps"><soap:Header>\
            <ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00"><ctxlps:Id>1</ctxlps:Id><ctxlps:Temps>\(temps ?? Self.iso(now))</ctxlps:Temps>\
            <ctxlps:Emetteur>810000000001</ctxlps:Emetteur><ctxlps:LPS><ctxlps:IDAM R="4">RULETEST</ctxlps:IDAM>\(element("ctxlps:Version", version))\
            <ctxlps:Instance>\(instance)</ctxlps:Instance><ctxlps:Nom>urn:lps:rule-test</ctxlps:Nom></ctxlps:LPS></ctxlps:ContexteLPS>\
            \(element("wsa:Action", action))\(element("wsa:MessageID", messageID))</soap:Header><soap:Body>\(body)</soap:Body></soap:Envelope>
            """
    }
}

/// A simulator judging calls on a clock the test moves.
struct JudgeHarness {
    let server: TestSimulator
    let clock: ManualWallClock

    init(configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
        let clock = ManualWallClock()
        self.clock = clock
        server = try TestSimulator(wallClock: clock, configure: configure)
    }

    /// Sends the calls for one client (a fresh LPS instance) and returns the findings of each call,
    /// read back from the journal once the lookup is over (the clock moved past its idle time).
    func run(_ calls: [JudgedCall], expecting judged: Int? = nil, before: (() async throws -> Void)? = nil) async throws -> [[String]] {
        let instance = UUID().uuidString
        try await before?()
        for call in calls {
            clock.advance(call.after)
            let vitale = call.vitale != nil
            let action = vitale ? "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale" : "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
            let contentType = "application/soap+xml; charset=utf-8" + (call.contentTypeAction ? "; action=\"\(action)\"" : "")
            var written = call
            if vitale && written.action != nil { written.action = action }
            _ = try await server.post("/lps", body: Array(written.xml(instance: instance, now: clock.now()).utf8), headers: [("Content-Type", contentType)])
        }
        clock.advance(31)
        let client = "RULETEST/\(instance)/810000000001"
        let response = try await server.admin("GET", "/admin/journal?limit=100&client=\(client)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let records = try #require(json["calls"] as? [[String: Any]])
        #expect(records.count == (judged ?? calls.count), "\(response.text)")
        return records.map { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
    }
}

/// Each call rule: a call (or sequence of calls) that breaks it, and one that does not.
@Suite("Call rules")
struct CallRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rule: CallRule.ID
        var bad: [JudgedCall]
        var good: [JudgedCall]
        /// A scenario added before each run (JSON).
        var scenario: String?
        var testDescription: String { rule.rawValue }
    }

    static func call(_ change: (inout JudgedCall) -> Void) -> JudgedCall {
        var call = JudgedCall()
        change(&call)
        return call
    }

    static let cases: [Case] = [
        Case(rule: .contractSchema, bad: [call { $0.extraBody = "<r:Commentaire>x</r:Commentaire>" }], good: [JudgedCall()]),
        Case(rule: .headerContext, bad: [call { $0.version = nil }], good: [JudgedCall()]),
        Case(rule: .headerMessageID, bad: [call { $0.messageID = "12345" }], good: [JudgedCall()]),
        Case(rule: .headerMessageIDReused,
             bad: [call { $0.messageID = "uuid:11111111-2222-3333-4444-555555555555" },
                   call { $0.messageID = "uuid:11111111-2222-3333-4444-555555555555"; $0.firstNames = ["MARIE"]; $0.after = 3 }],
             good: [JudgedCall(), call { $0.firstNames = ["MARIE"]; $0.after = 3 }]),
        Case(rule: .headerAction, bad: [call { $0.action = nil }], good: [JudgedCall()]),
        Case(rule: .headerTime, bad: [call { $0.temps = "2020-01-01T10:00:00Z" }], good: [JudgedCall()]),
        Case(rule: .traitsUpperCase, bad: [call { $0.name = "Adrtrois" }], good: [JudgedCall()]),
        Case(rule: .traitsDiacritics, bad: [call { $0.firstNames = ["DOMINIQUÉ"] }], good: [JudgedCall()]),
        Case(rule: .traitsCharacters, bad: [call { $0.name = "ADRTROIS2" }], good: [call { $0.name = "D'ALMEIDA-NUNES" }]),
        Case(rule: .traitsDoubleHyphen, bad: [call { $0.firstNames = ["JEAN--PIERRE"] }], good: [call { $0.name = "BERNARD--PETIT" }]),
        Case(rule: .traitsSpaces, bad: [call { $0.name = " ADRTROIS" }], good: [call { $0.name = "DE VINCI" }]),
        Case(rule: .traitsFirstNames, bad: [call { $0.firstNames = ["DOMINIQUE, MARIE"] }],
             good: [call { $0.firstNames = ["DOMINIQUE", "MARIE"] }]),
        Case(rule: .traitsBirthDate, bad: [call { $0.date = "26/02/1997" }], good: [call { $0.date = "1997-02-00" }]),
        Case(rule: .traitsBirthPlace, bad: [call { $0.place = "7511" }], good: [call { $0.place = "2A004" }]),
        Case(rule: .traitsPostalCode, bad: [call { $0.place = "75015" }], good: [call { $0.place = "75115" }]),
        Case(rule: .vitaleBeneficiary, bad: [call { $0.vitale = ("2840263113061", "73", "2016-09-05", nil) }],
             good: [call { $0.vitale = ("2840263113061", "73", "2016-09-05", "2") }]),
        Case(rule: .procedureNameVariant,
             bad: [call { $0.name = "MARTIN-DURAND"; $0.firstNames = ["CAMILLE"]; $0.date = "1985-04-12" }],
             good: [call { $0.name = "MARTIN-DURAND"; $0.firstNames = ["CAMILLE"]; $0.date = "1985-04-12" },
                    call { $0.name = "MARTIN DURAND"; $0.firstNames = ["CAMILLE"]; $0.date = "1985-04-12"; $0.after = 1 }]),
        Case(rule: .procedureNarrowing,
             bad: [call { $0.name = "DE VINCI"; $0.firstNames = ["LEONARDO"]; $0.sex = "M"; $0.date = "2014-02-01" }],
             good: [call { $0.name = "DE VINCI"; $0.firstNames = ["LEONARDO"]; $0.sex = "M"; $0.date = "2014-02-01" },
                    call { $0.name = "DE VINCI"; $0.firstNames = ["LEONARDO"]; $0.sex = "M"; $0.date = "2014-02-01"; $0.place = "75115"; $0.after = 1 }]),
        Case(rule: .procedureRepeat, bad: [JudgedCall(), call { $0.after = 0.5 }], good: [JudgedCall(), call { $0.after = 3 }]),
        Case(rule: .procedureLookupLength,
             bad: (0..<9).map { index in call { $0.name = "HOUILLES"; $0.firstNames = [["PAUL", "PIERRE", "JACQUES", "JEAN", "LOUIS", "MARC", "LUC", "HUGO", "LEO"][index]]; $0.sex = "M"; $0.date = "1993-01-27"; $0.after = 1 } },
             good: (0..<8).map { index in call { $0.name = "HOUILLES"; $0.firstNames = [["PAUL", "PIERRE", "JACQUES", "JEAN", "LOUIS", "MARC", "LUC", "HUGO", "LEO"][index]]; $0.sex = "M"; $0.date = "1993-01-27"; $0.after = 1 } }),
        Case(rule: .procedurePause, bad: [JudgedCall(), call { $0.firstNames = ["DOMINIQUE", "X"]; $0.after = 1 }],
             good: [JudgedCall(), call { $0.firstNames = ["DOMINIQUE", "X"]; $0.after = 6 }],
             scenario: #"{"times": 1, "effect": {"kind": "fault", "fault": "insisim_940"}}"#),
    ]

    /// The rules of the TLS listeners, whose cases need certificates and card assertions: they
    /// are in `CPxEndpointTests.findings`.
    static let judgedOverTLS: Set<CallRule.ID> = [.securityCertificate, .securityCardAssertion]

    @Test("every rule of the catalogue has a breaking and a passing case here (or over TLS)")
    func everyRuleIsTested() {
        #expect(Set(Self.cases.map(\.rule)).union(Self.judgedOverTLS) == Set(CallRule.ID.allCases))
    }

    @Test("a call that breaks the rule gets its finding; one that keeps it does not", arguments: cases)
    func rule(_ rule: Case) async throws {
        let harness = try JudgeHarness()
        try await withTestSimulator(harness.server) { _ in
            let setUp: () async throws -> Void = {
                guard let scenario = rule.scenario else { return }
                let status = try await harness.server.admin("POST", "/admin/scenarios", json: scenario).status
                #expect(status == 201)
            }
            let bad = try await harness.run(rule.bad, before: setUp)
            #expect(bad.contains { $0.contains(rule.rule.rawValue) }, "no \(rule.rule.rawValue) finding: \(bad)")
            let good = try await harness.run(rule.good, before: setUp)
            #expect(!good.contains { $0.contains(rule.rule.rawValue) }, "unexpected \(rule.rule.rawValue) finding: \(good)")
        }
    }

    @Test("past the budget of judged calls a second, a call is journaled unjudged (no finding), and counted")
    func budget() async throws {
        let harness = try JudgeHarness { $0.judge.judgedCallsPerSecond = 2 }
        try await withTestSimulator(harness.server) { _ in
            // Three identical calls in the same second: the third is over the budget, so it is
            // journaled at once, before the second, with no finding and no client.
            let findings = try await harness.run([Self.call { $0.name = "Adrtrois" }, Self.call { $0.name = "Adrtrois" }, Self.call { $0.name = "Adrtrois" }],
                                                 expecting: 2)
            #expect(findings.count == 2)
            #expect(findings.filter { $0.contains("procedure.no-repeat") }.count == 1)
            let unjudged = try jsonObject(await harness.server.admin("GET", "/admin/journal?limit=10"))
            let calls = try #require(unjudged["calls"] as? [[String: Any]])
            #expect(calls.count == 3)
            #expect(calls.filter { $0["client"] == nil && ($0["findings"] as? [Any])?.isEmpty == true }.count == 1)
            let metrics = try await harness.server.get("/metrics").text
            #expect(metrics.contains("insi_judge_calls_unjudged_total 1\n"))
        }
    }

    @Test("a wsa:Action naming the other operation is refused (insisim_912) and found; unreadable calls start no lookup")
    func refusedAction() async throws {
        let harness = try JudgeHarness()
        try await withTestSimulator(harness.server) { _ in
            let wrong = Self.call { $0.action = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale" }
            let response = try await harness.server.post("/lps", body: Array(wrong.xml(instance: "x", now: harness.clock.now()).utf8), headers: [
                ("Content-Type", "application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\"")])
            #expect(response.status == 500 && response.text.contains("insisim_912"))
            let journal = try jsonObject(await harness.server.admin("GET", "/admin/journal?finding=header.action"))
            let call = try #require((journal["calls"] as? [[String: Any]])?.first)
            #expect(call["lookup"] == nil)
            #expect(call["client"] as? String == "-/-/-")
        }
    }

    @Test("a well-made call of the project's own writer earns no finding")
    func ownClientIsClean() async throws {
        let harness = try JudgeHarness()
        try await withTestSimulator(harness.server) { _ in
            let findings = try await harness.run([JudgedCall(), Self.call { $0.name = "TCHITCHI"; $0.firstNames = ["CATARINA"]; $0.date = "1936-06-21"; $0.after = 3 }])
            #expect(findings == [[], []])
        }
    }

}
