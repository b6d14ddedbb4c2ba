import Foundation
import INSiClient
import INSiCore
import Testing

@Suite("Vitale search, end to end")
struct VitaleTests {
    @Test("A beneficiary of the card is found")
    func found() async throws {
        let answer = try await TestServer.with { endpoint in
            try await TestServer.client(endpoint).searchByVitale(
                VitaleSearch(ouvrantDroit: "160012B020777", ouvrantDroitKey: "13", birthDate: "1997-02-26", rank: 1))
        }
        #expect(answer.code == "00")
        #expect(answer.messageID.hasPrefix("uuid:"))
        let identity = try #require(answer.outcome.identity)
        #expect(identity.active.matricule == "297022A020778")
        #expect(identity.active.key == "78")
        #expect(identity.traits.birthName == "ADRTROIS")
        #expect(identity.warnings == [])
    }

    @Test("An unknown card gives none")
    func notFound() async throws {
        let answer = try await TestServer.with { endpoint in
            try await TestServer.client(endpoint).searchByVitale(
                VitaleSearch(ouvrantDroit: "1850575056999", ouvrantDroitKey: "85", birthDate: "1985-05-01", rank: 1))
        }
        #expect(answer.outcome == .notFound)
        #expect(answer.code == "01")
    }

    @Test("Twins with the same birth date are told apart by rank")
    func twins() async throws {
        let (first, second) = try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            let first = try await client.searchByVitale(VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "73", birthDate: "2016-09-05", rank: 1))
            let second = try await client.searchByVitale(VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "73", birthDate: "2016-09-05", rank: 2))
            return (first, second)
        }
        #expect(first.outcome.identity?.active.matricule == "2160963113148")
        #expect(first.outcome.identity?.traits.firstNames == ["LEA"])
        #expect(second.outcome.identity?.active.matricule == "1160963113149")
        #expect(second.outcome.identity?.traits.firstNames == ["HUGO"])
        #expect(first.messageID != second.messageID)
    }

    @Test("Only what the card gives is compared: no birth name sent, no traits warning")
    func vitaleComparesCardData() async throws {
        let answer = try await TestServer.with { endpoint in
            try await TestServer.client(endpoint).searchByVitale(
                VitaleSearch(ouvrantDroit: "160012B020777", birthDate: "1997-02-26", rank: 1))
        }
        #expect(answer.outcome.identity?.warnings == [])
    }

    @Test("With the local identity every trait is compared: the whole first-name list, sex, birth place")
    func vitaleComparesLocalIdentity() async throws {
        let local = SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE", "MARIE"], sex: .male, birthDate: "1997-02-26",
                                 birthPlace: "2A004")
        let answer = try await TestServer.with { endpoint in
            try await TestServer.client(endpoint).searchByVitale(
                VitaleSearch(ouvrantDroit: "160012B020777", birthDate: "1997-02-26", rank: 1), local: local)
        }
        #expect(answer.outcome.identity?.warnings == [.traitsDiffer([
            TraitDifference(field: .firstNames, local: "DOMINIQUE MARIE", returned: "DOMINIQUE"),
            TraitDifference(field: .sex, local: "M", returned: "F"),
            TraitDifference(field: .birthPlace, local: "2A004", returned: "2A020"),
        ])])
        #expect(answer.assessment(document: .notChecked).status == .retrieved)
    }
}

@Suite("Warnings on a found identity, end to end")
struct WarningTests {
    private func found(_ name: String, _ firstNames: [String], _ sex: Sex, _ date: String) async throws -> INSiIdentity {
        let result = try await TestServer.with { endpoint in
            await LookupProcedure.ans.run(for: SearchTraits(birthName: name, firstNames: firstNames, sex: sex, birthDate: date),
                                          using: TestServer.client(endpoint))
        }
        return try #require(result.identity)
    }

    @Test("HERMANN GATIEN: the wrong keys of INSACTIF and INSHISTO are detected (CNDA 2.08 cas 2)")
    func hermann() async throws {
        let identity = try await found("HERMANN", ["GATIEN"], .male, "1981-03-24")
        #expect(identity.warnings == [
            .invalidKey(matricule: "1810363220456", key: "60", expected: "76", inHistory: false),
            .invalidKey(matricule: "1810363220456", key: "60", expected: "76", inHistory: true),
            .invalidKey(matricule: "2810363220456", key: "10", expected: "26", inHistory: true),
        ])
        #expect(identity.warnings.first?.description.contains("expected 76") == true)
    }

    @Test("PROVISOIRE MATRICULE: a NIA is reported (CNDA 2.05)")
    func provisoire() async throws {
        let identity = try await found("PROVISOIRE", ["MATRICULE"], .male, "2009-07-01")
        #expect(identity.warnings == [.provisionalMatricule(matricule: "1090763220888", oid: "1.2.250.1.213.1.4.9")])
    }

    @Test("ECETINSI: the INSHISTO whose DateDeb follows DateFin is reported (as recorded; CNDA 2.04 cas 2)")
    func ecetinsi() async throws {
        let identity = try await found("ECETINSI", ["PIERRE-ALAIN", "MURIEL", "FLORIANT"], .male, "2009-07-14")
        #expect(identity.history.count == 1)
        #expect(identity.warnings == [
            .incoherentDates(matricule: "2090763220834", dateStart: "2019-03-01", dateEnd: "2019-02-28", inHistory: true),
        ])
    }

    @Test("TCHITCHI held as CATARINA, INSi holds CATARINA BELLA: the shorter local list is a difference")
    func shorterFirstNameList() async throws {
        let identity = try await found("TCHITCHI", ["CATARINA"], .female, "1936-06-21")
        #expect(identity.warnings == [.traitsDiffer([TraitDifference(field: .firstNames, local: "CATARINA", returned: "CATARINA BELLA")])])
    }

    @Test("Statuses from real answers: HERMANN not usable, PROVISOIRE a waiting number, ADRTROIS récupérée or qualifiée")
    func statuses() async throws {
        let hermann = IdentityAssessment.found(try await found("HERMANN", ["GATIEN"], .male, "1981-03-24"), document: .notChecked)
        #expect(hermann.status == .provisional)
        #expect(hermann.ins.kind == "notUsable")
        let nia = IdentityAssessment.found(try await found("PROVISOIRE", ["MATRICULE"], .male, "2009-07-01"), document: .notChecked)
        #expect(nia.status == .retrieved)
        #expect(nia.isWaitingNumber)
        #expect(nia.nextSteps.contains(.verifyLater))
        let dominique = try await found("ADRTROIS", ["DOMINIQUE"], .female, "1997-02-26")
        #expect(IdentityAssessment.found(dominique, document: .notChecked).status == .retrieved)
        #expect(IdentityAssessment.found(dominique, document: .checked).status == .qualified)
    }

    @Test("ADRTROIS DOMINIQUE and CORSE ANTHONY (history equal to the active INS): no warning")
    func clean() async throws {
        #expect(try await found("ADRTROIS", ["DOMINIQUE"], .female, "1997-02-26").warnings == [])
        #expect(try await found("CORSE", ["ANTHONY"], .male, "1980-03-02").warnings == [])
    }
}
