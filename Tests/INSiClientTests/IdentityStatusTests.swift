import INSiClient
import INSiCore
import INSiSOAP
import Testing

/// The INS rules the library decides without a call: statuses, what an answer allows, the
/// emitter's form, keys and first names checked before a call.
@Suite("Identity statuses and assessments")
struct IdentityStatusTests {
    private static let nir = "1.2.250.1.213.1.4.8"
    private static let traits = WireTraits(birthName: "ADRTROIS", firstName: "DOMINIQUE", firstNameList: "DOMINIQUE", sex: "F",
                                           birthDate: "1997-02-26", birthPlace: "2A020")

    private func identity(_ warnings: [IdentityWarning]) -> INSiIdentity {
        INSiIdentity(active: WireINS(matricule: "297022A020778", key: "78", oid: Self.nir), history: [], traits: Self.traits,
                     warnings: warnings)
    }

    @Test("The four statuses of the INS reference come from an INS and a high-trust document")
    func statusTable() {
        #expect(IdentityStatus(hasINS: false, document: .notChecked) == .provisional)
        #expect(IdentityStatus(hasINS: true, document: .notChecked) == .retrieved)
        #expect(IdentityStatus(hasINS: false, document: .checked) == .validated)
        #expect(IdentityStatus(hasINS: true, document: .checked) == .qualified)
        #expect(IdentityStatus.allCases.map(\.frenchName) == ["provisoire", "récupérée", "validée", "qualifiée"])
        #expect(IdentityStatus.allCases.filter(\.maySendINS) == [.qualified])
        #expect(IdentityStatus.retrieved.description == "récupérée (retrieved)")
    }

    @Test("A clean 00 gives récupérée; qualifiée only when the caller says a high-trust document was checked")
    func cleanFind() {
        let retrieved = IdentityAssessment.found(identity([]), document: .notChecked)
        #expect(retrieved == IdentityAssessment(status: .retrieved, ins: .usable, nextSteps: [.checkIdentityDocument]))
        let qualified = IdentityAssessment.found(identity([]), document: .checked)
        #expect(qualified == IdentityAssessment(status: .qualified, ins: .usable, nextSteps: [.shareINS]))
    }

    @Test("A 00 with an invalid key, incoherent dates or an unknown OID is not usable: the status stays without an INS",
          arguments: [
            IdentityWarning.invalidKey(matricule: "1810363220456", key: "60", expected: "76", inHistory: false),
            .incoherentDates(matricule: "2090763220834", dateStart: "2019-03-01", dateEnd: "2019-02-28", inHistory: true),
            .unknownOID(matricule: "297022A020778", oid: "1.2.3", inHistory: false),
          ])
    func unusable(_ warning: IdentityWarning) {
        let provisional = IdentityAssessment.found(identity([warning]), document: .notChecked)
        #expect(provisional.status == .provisional)
        #expect(provisional.ins == .notUsable([warning]))
        #expect(provisional.nextSteps == [.reportAnswer, .checkIdentityDocument])
        let validated = IdentityAssessment.found(identity([warning]), document: .checked)
        #expect(validated.status == .validated)
        #expect(validated.ins.kind == "notUsable")
    }

    @Test("A NIA is usable and flagged as a waiting number; differing traits are to be replaced once qualified")
    func niaAndDifferences() {
        let difference = TraitDifference(field: .firstNames, local: "DOMINIQUE", returned: "DOMINIQUE MARIE")
        let assessment = IdentityAssessment.found(
            identity([.provisionalMatricule(matricule: "1090763220888", oid: "1.2.250.1.213.1.4.9"), .traitsDiffer([difference])]),
            document: .notChecked)
        #expect(assessment.status == .retrieved)
        #expect(assessment.ins == .usable)
        #expect(assessment.isWaitingNumber)
        #expect(assessment.nextSteps == [.checkIdentityDocument, .replaceLocalTraits([difference], now: false), .verifyLater])
        let qualified = IdentityAssessment.found(identity([.traitsDiffer([difference])]), document: .checked)
        #expect(qualified.nextSteps == [.replaceLocalTraits([difference], now: true), .shareINS])
        #expect(qualified.nextSteps.first?.description.contains("replace the local traits by INSi's") == true)
    }

    @Test("No identity or no answer: nothing to keep; a failed call changes nothing")
    func withoutIdentity() {
        #expect(IdentityAssessment.noIdentity(document: .notChecked)
            == IdentityAssessment(status: .provisional, ins: .none, nextSteps: [.checkIdentityDocument, .completeLocalTraits]))
        #expect(IdentityAssessment.noIdentity(document: .checked).status == .validated)
        #expect(IdentityAssessment.noAnswer(status: .qualified) == IdentityAssessment(status: .qualified, ins: .none, nextSteps: [.retryLater]))
    }

    @Test("The default emitter is a national professional id: 8 and an RPPS number whose Luhn check passes")
    func professionalID() {
        #expect(ProfessionalID.isValid(ProfessionalID.example))
        #expect(ProfessionalID.example.hasPrefix("8"))
        #expect(!ProfessionalID.isValid("810000000001"))   // the Luhn check fails
        #expect(!ProfessionalID.isValid("710001234565"))   // not an RPPS-based id
        #expect(!ProfessionalID.isValid("81000123456"))    // 11 characters
        #expect(!ProfessionalID.isValid("81000123456A"))
    }

    @Test("A Vitale key that fails the key rule is named before any call")
    func vitaleKeys() {
        let wrong = VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "12", birthDate: "2016-09-05", rank: 2,
                                 beneficiaryMatricule: "1160963113149", beneficiaryKey: "01")
        #expect(wrong.keyMismatches == [
            KeyMismatch(field: .ouvrantDroit, matricule: "2840263113061", key: "12", expected: "73"),
            KeyMismatch(field: .beneficiary, matricule: "1160963113149", key: "01", expected: Matricule("1160963113149")?.key ?? ""),
        ])
        #expect(wrong.keyMismatches.first?.description.contains("expected 73") == true)
        let right = VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "73", birthDate: "2016-09-05")
        #expect(right.keyMismatches.isEmpty)
        #expect(VitaleSearch(ouvrantDroit: "2840263113061", birthDate: "2016-09-05").keyMismatches.isEmpty)
    }

    @Test("First names typed with commas are refused with the space-separated form")
    func commas() {
        #expect(throws: SearchInputError.invalid(.firstName, "CATARINA,BELLA",
                                                 #"first names are separated by spaces, not commas: "CATARINA BELLA""#)) {
            try SearchTraits.validated(birthName: "TCHITCHI", firstNames: ["CATARINA,BELLA"], sex: "F", birthDate: "1936-06-21",
                                       birthPlace: nil)
        }
        #expect(throws: SearchInputError.self) {
            try SearchTraits.validated(birthName: "TCHITCHI", firstNames: ["CATARINA, BELLA"], sex: "F", birthDate: "1936-06-21",
                                       birthPlace: nil)
        }
    }
}
