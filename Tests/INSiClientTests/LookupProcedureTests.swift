import INSiClient
import INSiCore
import INSiSOAP
import Synchronization
import Testing

/// The procedure's logic with a scripted INSi: which calls, in which order.
@Suite("Lookup procedure logic")
struct LookupProcedureTests {
    /// Answers from a table of "NAME/FIRST NAMES/COG" -> code; 01 for anything else. Records calls.
    final class ScriptedINSi: INSiTraitsSearching {
        let table: [String: String]
        let failOn: String?
        private let calls = Mutex<[String]>([])

        init(_ table: [String: String], failOn: String? = nil) {
            self.table = table
            self.failOn = failOn
        }

        static func key(_ traits: SearchTraits) -> String {
            "\(traits.birthName)/\(traits.firstNames.joined(separator: " "))/\(traits.birthPlace ?? "-")"
        }

        var recorded: [String] { calls.withLock { $0 } }

        func searchByTraits(_ traits: SearchTraits, messageID: String) async throws(INSiClientError) -> INSiAnswer {
            let key = ScriptedINSi.key(traits)
            calls.withLock { $0.append(key) }
            if key == failOn { throw .timeout(after: .seconds(1)) }
            let code = table[key] ?? "01"
            let outcome: INSiOutcome
            switch code {
            case "00":
                let individual = INSiIdentity(
                    active: WireINS(matricule: "1810363220456", key: "76", oid: INSOID.nir.rawValue), history: [],
                    traits: WireTraits(birthName: traits.birthName, firstNameList: traits.firstNames.joined(separator: " "),
                                       sex: traits.sex.rawValue, birthDate: traits.birthDate, birthPlace: traits.birthPlace),
                    warnings: [])
                outcome = .found(individual)
            case "02": outcome = .several
            default: outcome = .notFound
            }
            return INSiAnswer(outcome: outcome, code: code, label: "", messageID: messageID, httpStatus: 200, duration: .zero)
        }
    }

    private let local = SearchTraits(birthName: "MARTIN-DURAND", firstNames: ["ANNE", "MARIE"], sex: .female,
                                     birthDate: "1980-01-01", birthPlace: "75056")

    @Test("The ANS order when everything answers 01: each name form with each first-name step, nothing twice")
    func allNotFound() async {
        let insi = ScriptedINSi([:])
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        #expect(insi.recorded == [
            "MARTIN-DURAND/ANNE/-", "MARTIN DURAND/ANNE/-", "MARTIN--DURAND/ANNE/-",
            "MARTIN-DURAND/MARIE/-", "MARTIN DURAND/MARIE/-", "MARTIN--DURAND/MARIE/-",
            "MARTIN-DURAND/ANNE MARIE/-", "MARTIN DURAND/ANNE MARIE/-", "MARTIN--DURAND/ANNE MARIE/-",
        ])
        #expect(result.outcome == .notFound(attempts: 9))
        #expect(Set(insi.recorded).count == insi.recorded.count)
    }

    /// The list answers 01: the place is added to the last traits that answered 02.
    @Test("A variant that answers 02 is kept for the narrowing steps")
    func variantPinnedOn02() async {
        let insi = ScriptedINSi(["MARTIN DURAND/ANNE/-": "02", "MARTIN DURAND/ANNE MARIE/-": "01", "MARTIN DURAND/ANNE/75056": "00"])
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        #expect(insi.recorded == ["MARTIN-DURAND/ANNE/-", "MARTIN DURAND/ANNE/-", "MARTIN DURAND/ANNE MARIE/-", "MARTIN DURAND/ANNE/75056"])
        #expect(result.attempts.map(\.step) == [.firstFirstName, .birthNameVariants, .addOtherFirstNames, .addBirthPlace])
        #expect(result.identity != nil)
    }

    @Test("The birth place goes with the list when the list still answers 02")
    func placeWithList() async {
        let insi = ScriptedINSi(["MARTIN-DURAND/ANNE/-": "02", "MARTIN-DURAND/ANNE MARIE/-": "02"])
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        #expect(insi.recorded == ["MARTIN-DURAND/ANNE/-", "MARTIN-DURAND/ANNE MARIE/-", "MARTIN-DURAND/ANNE MARIE/75056"])
        #expect(result.outcome == .several(attempts: 3))
    }

    @Test("A 01 with a postal code or a big city's commune code as birth place explains why")
    func birthPlaceAdvice() async {
        #expect(BirthPlaceAdvice(birthPlace: "75015") == .postalCode(sent: "75015", city: .paris, arrondissement: 15, cog: "75115"))
        #expect(BirthPlaceAdvice(birthPlace: "69123") == .communeCode(sent: "69123", city: .lyon))
        #expect(BirthPlaceAdvice(birthPlace: "13001")?.description.contains("Marseille 1er") == true)
        for valid in ["75115", "75116", "63220", "99350", "2A004"] { #expect(BirthPlaceAdvice(birthPlace: valid) == nil, "\(valid)") }
        let insi = ScriptedINSi(["MARTIN-DURAND/ANNE/-": "02", "MARTIN-DURAND/ANNE MARIE/-": "02"])
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        // The 02 attempts have no advice; the one with 75056 answered 01.
        #expect(result.attempts.map { $0.birthPlaceAdvice } == [nil, nil, .communeCode(sent: "75056", city: .paris)])
    }

    @Test("Steps can be reordered and removed")
    func customOrder() async {
        let insi = ScriptedINSi([:])
        let procedure = LookupProcedure(steps: [.completeFirstNameList, .firstFirstName], nameVariants: .none)
        let result = await procedure.run(for: local, using: insi)
        #expect(insi.recorded == ["MARTIN-DURAND/ANNE MARIE/-", "MARTIN-DURAND/ANNE/-"])
        #expect(result.attempts.map(\.step) == [.completeFirstNameList, .firstFirstName])
    }

    @Test("An error stops the lookup and stays in the trail")
    func errorStops() async {
        let insi = ScriptedINSi([:], failOn: "MARTIN DURAND/ANNE/-")
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        #expect(insi.recorded == ["MARTIN-DURAND/ANNE/-", "MARTIN DURAND/ANNE/-"])
        #expect(result.outcome == .failed(.timeout(after: .seconds(1))))
        #expect(result.attempts.last?.code == "error")
    }

    @Test("Warnings of the found identity compare it with the local identity")
    func warningsAgainstLocal() async {
        let insi = ScriptedINSi(["MARTIN DURAND/ANNE/-": "00"])
        let result = await LookupProcedure.ans.run(for: local, using: insi)
        #expect(result.identity?.warnings == [.traitsDiffer([
            TraitDifference(field: .birthName, local: "MARTIN-DURAND", returned: "MARTIN DURAND"),
            TraitDifference(field: .firstNames, local: "ANNE MARIE", returned: "ANNE"),
            TraitDifference(field: .birthPlace, local: "75056", returned: ""),
        ])])
    }
}
