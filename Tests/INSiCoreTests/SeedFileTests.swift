import Foundation
import Testing
@testable import INSiCore

@Suite("Seed file loading and validation")
struct SeedFileTests {
    static let hermann = """
      { "birthName": "HERMANN", "firstNames": ["GATIEN"], "sex": "M", "birthDate": "1981-03-24", "birthPlace": "63220",
        "ins": { "matricule": "1810363220456", "key": "60", "oid": "1.2.250.1.213.1.4.8" } }
    """
    static func good(_ name: String, _ matricule: String) -> String {
        """
        { "birthName": "\(name)", "firstNames": ["ANNE"], "sex": "F", "birthDate": "1990-01-01",
          "ins": { "matricule": "\(matricule)", "oid": "1.2.250.1.213.1.4.8" } }
        """
    }

    func load(_ identities: [String], cards: [String] = []) throws(SeedError) -> ReferenceBase {
        let json = """
        { "format": "insi-sim-base", "version": 1, "identities": [\(identities.joined(separator: ","))],
          "vitaleCards": [\(cards.joined(separator: ","))] }
        """
        return try SeedFile.load(data: Data(json.utf8))
    }

    func message(_ identities: [String], cards: [String] = []) -> String? {
        do { _ = try load(identities, cards: cards); return nil } catch { return error.description }
    }

    @Test("a wrong key stops the load with the record position, the field and the reason")
    func wrongKey() {
        let records = (1...11).map { Self.good("NAME", String(format: "29001750560%02d", $0)) } + [Self.hermann]
        #expect(message(records) == "record 12 (HERMANN GATIEN), field ins.key: matricule key 60 does not match 76 (set \"keyCheck\": false to keep a wrong key on purpose)")
    }

    @Test("keyCheck false keeps a wrong key on purpose")
    func optOut() throws {
        let record = Self.hermann.replacingOccurrences(of: "\"sex\"", with: "\"keyCheck\": false, \"sex\"")
        let base = try load([record])
        let identity = try #require(base.identity(matricule: Matricule("1810363220456")!))
        #expect(identity.ins.key == "60")
        #expect(!identity.keyCheck)
    }

    @Test("a missing key is computed")
    func computedKey() throws {
        let base = try load([Self.good("DOE", "2900175056001")])
        #expect(base.identity(matricule: Matricule("2900175056001")!)?.ins.key == Matricule("2900175056001")!.key)
    }

    @Test("each validation error names its field", arguments: [
        ("\"birthName\": \"ADRTROIS\"", "\"birthName\": \"adrtrois\"", "field birthName"),
        ("\"birthName\": \"ADRTROIS\"", "\"birthName\": \"ÉLODIE\"", "field birthName"),
        ("\"firstNames\": [\"DOMINIQUE\"]", "\"firstNames\": []", "field firstNames: is missing"),
        ("\"firstNames\": [\"DOMINIQUE\"]", "\"firstNames\": [\"ANNE MARIE\"]", "field firstNames[0]"),
        ("\"sex\": \"F\"", "\"sex\": \"X\"", "field sex: 'X' is not M, F or I"),
        ("\"birthDate\": \"1997-02-26\"", "\"birthDate\": \"1997-02-30\"", "field birthDate"),
        ("\"birthPlace\": \"2A020\"", "\"birthPlace\": \"2C020\"", "field birthPlace"),
        ("\"matricule\": \"297022A020778\"", "\"matricule\": \"297022A02077\"", "field ins.matricule: '297022A02077': a matricule has 13 characters, not 12"),
        ("\"oid\": \"1.2.250.1.213.1.4.8\"", "\"oid\": \"1.2.3\"", "field ins.oid"),
        ("\"key\": \"78\"", "\"key\": \"7\"", "field ins.key: '7' is not two digits"),
        ("\"history\": []", "\"history\": [{\"matricule\": \"2090763220834\", \"key\": \"38\", \"oid\": \"1.2.250.1.213.1.4.8\"}]", "field history[0].key"),
        ("\"history\": []", "\"history\": [{\"matricule\": \"2090763220834\", \"oid\": \"1.2.250.1.213.1.4.8\", \"dateStart\": \"2019-00-01\"}]", "field history[0].dateStart"),
        ("\"sex\": \"F\"", "\"sex\": 1", "record 1, field sex: expected a string"),
    ])
    func fieldErrors(original: String, replacement: String, expected: String) throws {
        let record = """
          { "birthName": "ADRTROIS", "firstNames": ["DOMINIQUE"], "sex": "F", "birthDate": "1997-02-26", "birthPlace": "2A020",
            "ins": { "matricule": "297022A020778", "key": "78", "oid": "1.2.250.1.213.1.4.8" }, "history": [] }
        """
        #expect(message([record]) == nil)
        let broken = record.replacingOccurrences(of: original, with: replacement)
        #expect(broken != record)
        let text = try #require(message([broken]))
        #expect(text.contains(expected), "\(text)")
    }

    @Test("duplicate matricules, unknown beneficiaries and bad headers are refused")
    func structure() throws {
        let dup = message([Self.good("ONE", "2900175056001"), Self.good("TWO", "2900175056001")])
        #expect(dup?.hasPrefix("record 2 (TWO ANNE), field ins.matricule: matricule 2900175056001 is already the active INS of ONE ANNE") == true)
        let card = """
          { "ouvrantDroit": { "matricule": "2900175056001" }, "beneficiaries": [ { "matricule": "2900175056002", "rank": 1 } ] }
        """
        let lowerCase = message([Self.good("ONE", "2900175056001")], cards: [card.replacingOccurrences(of: "\"2900175056001\" }", with: "\"297022a020778\" }")])
        #expect(lowerCase?.contains("field ouvrantDroit.matricule: '297022a020778' must be written upper case") == true, "\(lowerCase ?? "")")
        let unknown = message([Self.good("ONE", "2900175056001")], cards: [card])
        #expect(unknown?.hasPrefix("Vitale card 1 (ouvrant droit 2900175056001), field beneficiaries[0].matricule") == true)
        do {
            _ = try SeedFile.load(data: Data(#"{"format": "other", "version": 1}"#.utf8))
            Issue.record("a wrong format was accepted")
        } catch {
            #expect(error.description.contains("\"format\" must be \"insi-sim-base\""))
        }
        do {
            _ = try SeedFile.load(data: Data("{ not json".utf8))
            Issue.record("malformed JSON was accepted")
        } catch {
            guard case .malformedJSON = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test("an unreadable path is reported with the path")
    func unreadable() {
        do {
            _ = try SeedFile.load(path: "/nonexistent/base.json")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/base.json"))
        }
    }
}
