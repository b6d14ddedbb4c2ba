import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import INSiClient
import INSiCore
import INSiSOAP
import Testing

/// `verify(held:)` against the real simulator: the traits search, then the comparison with what
/// is held.
@Suite("Verification of a held INS, end to end")
struct VerificationTests {
    private static let nir = "1.2.250.1.213.1.4.8"
    private static let dominique = SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26",
                                                birthPlace: "2A020")

    private func verify(_ held: HeldIdentity, authorizedIDAMs: Set<String> = [], idam: String = "TESTIDAM0001",
                        prepare: (URL) async throws -> Void = { _ in }) async throws -> VerificationResult {
        try await TestServer.with(authorizedIDAMs: authorizedIDAMs) { endpoint in
            try await prepare(endpoint)
            return await TestServer.client(endpoint, idam: idam).verify(held: held)
        }
    }

    @Test("The INS held with INSi's traits: OK, récupérée; qualifiée with a high-trust document")
    func ok() async throws {
        let result = try await verify(HeldIdentity(ins: HeldINS(matricule: "297022A020778", key: "78", oid: Self.nir), traits: Self.dominique))
        guard case .ok(let identity) = result.outcome else {
            Issue.record("expected OK, got \(result.outcome)")
            return
        }
        #expect(identity.active.matricule == "297022A020778")
        #expect(result.verdict == "OK")
        #expect(result.reasons.isEmpty)
        #expect(result.search.attempts.map(\.code) == ["00"])
        #expect(result.assessment(document: .notChecked).status == .retrieved)
        #expect(result.assessment(document: .checked) == IdentityAssessment(status: .qualified, ins: .usable, nextSteps: [.shareINS]))
    }

    @Test("Another matricule held for these traits: KO, differentINS, work list, the status falls back")
    func otherINS() async throws {
        let held = HeldINS(matricule: "160012B020777", key: "13")
        let result = try await verify(HeldIdentity(ins: held, traits: Self.dominique))
        let returned = WireINS(matricule: "297022A020778", key: "78", oid: Self.nir)
        #expect(result.reasons == [.differentINS(held: held, returned: returned, heldInHistory: false)])
        let assessment = result.assessment(document: .notChecked)
        #expect(assessment.status == .provisional)
        #expect(assessment.workList)
        #expect(assessment.ins == .none)
        #expect(assessment.nextSteps.first == .putInWorkList)
        #expect(result.assessment(document: .checked).status == .validated)
    }

    @Test("A key or OID held that differs from INSi's is another INS")
    func keyAndOID() async throws {
        let wrongKey = try await verify(HeldIdentity(ins: HeldINS(matricule: "297022A020778", key: "77"), traits: Self.dominique))
        #expect(wrongKey.reasons.map(\.kind) == ["differentINS"])
        let wrongOID = try await verify(HeldIdentity(ins: HeldINS(matricule: "297022A020778", oid: "1.2.250.1.213.1.4.9"),
                                                     traits: Self.dominique))
        #expect(wrongOID.reasons.map(\.kind) == ["differentINS"])
    }

    @Test("A held matricule replaced since (INSHISTO): KO, differentINS, said to be a previous one")
    func previousMatricule() async throws {
        // A person whose NIA was replaced by a NIR: the history is clean, only the INS changed.
        let nia = try #require(Matricule("1850799999001"))
        let current = try #require(Matricule("1850763220991"))
        let record = """
        {"birthName": "VERIFIE", "firstNames": ["PAUL"], "sex": "M", "birthDate": "1985-07-14", "birthPlace": "63220",
         "ins": {"matricule": "\(current.value)", "key": "\(current.key)", "oid": "\(Self.nir)"},
         "history": [{"matricule": "\(nia.value)", "key": "\(nia.key)", "oid": "1.2.250.1.213.1.4.9"}]}
        """
        let held = HeldINS(matricule: nia.value, key: nia.key, oid: "1.2.250.1.213.1.4.9")
        let traits = SearchTraits(birthName: "VERIFIE", firstNames: ["PAUL"], sex: .male, birthDate: "1985-07-14", birthPlace: "63220")
        let result = try await verify(HeldIdentity(ins: held, traits: traits)) { endpoint async throws in
            #expect(try await VerificationTests.post(record, to: "admin/identities", on: endpoint) == 201)
        }
        #expect(result.reasons == [.differentINS(held: held, returned: WireINS(matricule: current.value, key: current.key, oid: Self.nir),
                                                 heldInHistory: true)])
        #expect(result.reasons.first?.description.contains("previous one of this person (INSHISTO)") == true)
    }

    @Test("TCHITCHI held with the first name CATARINA only: KO, the first-name list differs")
    func shorterFirstNameList() async throws {
        let traits = SearchTraits(birthName: "TCHITCHI", firstNames: ["CATARINA"], sex: .female, birthDate: "1936-06-21")
        let result = try await verify(HeldIdentity(ins: HeldINS(matricule: "2360663220836", key: "56"), traits: traits))
        #expect(result.reasons == [.differentTraits([TraitDifference(field: .firstNames, local: "CATARINA", returned: "CATARINA BELLA")])])
    }

    @Test("01 and 02 are KO; an unusable answer is KO; a fault is no verification at all")
    func otherOutcomes() async throws {
        let houilles = SearchTraits(birthName: "HOUILLES", firstNames: ["PIERRE", "PAUL", "JACQUES"], sex: .male, birthDate: "1993-01-27")
        let none = try await verify(HeldIdentity(ins: HeldINS(matricule: "1930175056999"), traits: houilles))
        #expect(none.outcome == .ko([.notFound], returned: nil))
        #expect(none.search.attempts.count == 4)

        let deVinci = SearchTraits(birthName: "DE VINCI", firstNames: ["LEONARDO"], sex: .male, birthDate: "2014-02-01")
        let several = try await verify(HeldIdentity(ins: HeldINS(matricule: "1140275056001", key: "52"), traits: deVinci))
        #expect(several.outcome == .ko([.several], returned: nil))

        let hermann = SearchTraits(birthName: "HERMANN", firstNames: ["GATIEN"], sex: .male, birthDate: "1981-03-24")
        let corrupt = try await verify(HeldIdentity(ins: HeldINS(matricule: "1810363220456", key: "60"), traits: hermann))
        #expect(corrupt.reasons.map(\.kind) == ["unusableAnswer"])

        let refused = try await verify(HeldIdentity(ins: HeldINS(matricule: "297022A020778", key: "78"), traits: Self.dominique),
                                       authorizedIDAMs: ["TESTIDAM0001"], idam: "UNKNOWN00042")
        guard case .failed(.fault(let fault)) = refused.outcome else {
            Issue.record("expected a fault, got \(refused.outcome)")
            return
        }
        #expect(fault.detailCode == "desir_550")
        #expect(refused.verdict == nil)
        // No answer: the identity keeps the status it had with its INS.
        #expect(refused.assessment(document: .checked) == IdentityAssessment(status: .qualified, ins: .none, nextSteps: [.retryLater]))
    }

    static func post(_ json: String, to path: String, on endpoint: URL) async throws -> Int {
        var request = URLRequest(url: endpoint.deletingLastPathComponent().appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }
}
