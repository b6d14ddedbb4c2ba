import Foundation
@testable import INSiCore
@testable import INSiServer
import INSiSOAP
import Testing

/// The judge's parts that bound its memory and read headers by hand.
@Suite("Judge internals")
struct JudgeInternalsTests {
    @Test("xs:dateTime read by hand: zones, fractions, and what is not a dateTime")
    func dateTime() {
        #expect(XSDateTime.seconds("1970-01-01T00:00:00Z")?.seconds == 0)
        #expect(XSDateTime.seconds("2026-11-23T10:00:00.500Z")?.seconds == 1_795_428_000.5)
        #expect(XSDateTime.seconds("2026-11-23T11:00:00+01:00")?.seconds == 1_795_428_000)
        #expect(XSDateTime.seconds("2026-11-23T10:00:00")?.hasZone == false)
        #expect(XSDateTime.seconds("2024-02-29T00:00:00Z") != nil)
        for bad in ["2023-02-29T00:00:00Z", "2026-11-23 10:00:00", "2026-11-23T10:00", "yesterday", "2026-11-23T10:00:00.Z", "2026-13-01T00:00:00Z"] {
            #expect(XSDateTime.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test("the Content-Type's action parameter and the uuid: MessageID form")
    func headerForms() {
        #expect(CallChecks.hasActionParameter(#"application/soap+xml; charset=utf-8; action="urn:x:y""#))
        #expect(CallChecks.hasActionParameter("application/soap+xml;Action=urn:x"))
        #expect(!CallChecks.hasActionParameter("application/soap+xml; charset=utf-8"))
        #expect(!CallChecks.hasActionParameter(#"application/soap+xml; action="""#))
        #expect(!CallChecks.hasActionParameter("application/soap+xml; transaction=1"))
        #expect(CallChecks.isUUIDMessageID("uuid:0c9e2a4e-6f8d-4d7b-a1c3-5e7f9b1d3a11"))
        #expect(CallChecks.isUUIDMessageID("uuid:0C9E2A4E-6F8D-4D7B-A1C3-5E7F9B1D3A11"))
        #expect(!CallChecks.isUUIDMessageID("0c9e2a4e-6f8d-4d7b-a1c3-5e7f9b1d3a11"))
        #expect(!CallChecks.isUUIDMessageID("uuid:0c9e2a4e-6f8d-4d7b-a1c3-5e7f9b1d3a1g"))
        #expect(!CallChecks.isUUIDMessageID("urn:uuid:0c9e2a4e-6f8d-4d7b-a1c3-5e7f9b1d3a"))
    }

    @Test("MessageIDs remembered are bounded: the oldest is forgotten")
    func recentSet() {
        var set = RecentSet(capacity: 3)
        for (index, text) in ["a", "b", "c"].enumerated() { #expect(set.insert(text, time: Double(index)) == nil) }
        #expect(set.insert("a", time: 9) == 0)
        #expect(set.insert("d", time: 10) == nil)  // a goes
        #expect(set.insert("a", time: 11) == nil)
        #expect(set.insert("c", time: 12) == 2)
    }

    @Test("clients followed are bounded: past the bound the least recently seen goes, its open lookup judged")
    func clientBound() {
        var configuration = JudgeConfiguration()
        configuration.maxClients = 3
        configuration.callsPerClient = 4
        var registry = ClientRegistry(configuration: configuration)
        var seq = 0
        func call(_ client: String, _ name: String, code: String, at time: Double) -> [ClientRegistry.LateFinding] {
            var record = CallRecord(time: time, operation: "rechercherInsAvecTraitsIdentite", messageID: nil, idam: client, emitter: nil,
                                    software: nil, traits: [:], code: code, fault: nil, reason: "", matricule: nil, scenario: nil,
                                    milliseconds: 1, remoteAddress: nil)
            record.client = .software(idam: client, instance: nil, emitter: nil)
            let body = INSiRequest.Body.traits(TraitsSearchRequest(birthName: name, firstNames: ["ANNE"], sex: "F", birthDate: "1990-01-01"))
            return registry.judge(&record, body: body, token: nil) { _ in seq += 1; return seq }
        }
        _ = call("A", "MARTIN-DURAND", code: "01", at: 0)  // expects the variant
        for index in 0..<10 { _ = call("B", "NOM\(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"][index])", code: "01", at: Double(1 + index)) }
        _ = call("C", "DUPONT", code: "00", at: 20)
        #expect(registry.clients.count == 3)
        #expect(registry.clients[.software(idam: "B", instance: nil, emitter: nil)]?.recent.count == 4)
        let late = call("D", "DURAND", code: "00", at: 30)  // A, seen least recently, is forgotten
        #expect(registry.clients.count == 3)
        #expect(registry.clients[.software(idam: "A", instance: nil, emitter: nil)] == nil)
        #expect(late.map(\.finding.rule) == [.procedureNameVariant])
        #expect(late.first?.seq == 1)
    }
}

@Suite("Trait checks on bytes")
struct TraitBytesTests {
    @Test("the COG shape is read as COG reads it")
    func cogShape() {
        for text in ["75115", "2A004", "2b020", "99100", "7511", "751150", "2C004", "A2004", "75O15", ""] {
            #expect(TraitChecks.isCOG(text) == (COG(text) != nil), "\(text)")
        }
    }
}
