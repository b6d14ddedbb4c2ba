import Foundation
import INSiSOAP
import Testing
import TestSupport

/// Our answers read the way a widely used open-source INSi client reads them: regular
/// expressions on the raw text, no XML parser. Every public test identity of the domain page
/// (§5) is asked over TCP and must give the values of its table row.
@Suite("Answers read as raw text, for every public test identity")
struct RawTextClientTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var firstName: String
        var sex: String
        var born: String
        var code: String
        var matricule: String? = nil
        var key: String? = nil
        var oid: String? = nil
        var testDescription: String { "\(name) \(firstName) -> \(code)" }
    }

    static let nir = "1.2.250.1.213.1.4.8"

    /// The table of §5 of the domain page.
    static let rows: [Row] = [
        Row(name: "ADRTROIS", firstName: "DOMINIQUE", sex: "F", born: "1997-02-26", code: "00", matricule: "297022A020778", key: "78", oid: nir),
        Row(name: "ADRTROIS", firstName: "TOUSSAINT", sex: "M", born: "1960-01-01", code: "00", matricule: "160012B020777", key: "13", oid: nir),
        Row(name: "TCHITCHI", firstName: "CATARINA", sex: "F", born: "1936-06-21", code: "00", matricule: "2360663220836", key: "56", oid: nir),
        Row(name: "TCHITCHI", firstName: "OLA", sex: "F", born: "1936-06-21", code: "01"),
        Row(name: "ECETINSI", firstName: "PIERRE-ALAIN", sex: "M", born: "2009-07-14", code: "00", matricule: "1090763220834", key: "89", oid: nir),
        Row(name: "PROVISOIRE", firstName: "MATRICULE", sex: "M", born: "2009-07-01", code: "00", matricule: "1090763220888", key: "35",
            oid: "1.2.250.1.213.1.4.9"),
        Row(name: "CORSE", firstName: "ANTHONY", sex: "M", born: "1980-03-02", code: "00", matricule: "180032B020401", key: "23", oid: nir),
        Row(name: "HERMANN", firstName: "GATIEN", sex: "M", born: "1981-03-24", code: "00", matricule: "1810363220456", key: "60", oid: nir),
        Row(name: "ADRUN", firstName: "ZOE", sex: "F", born: "1975-12-31", code: "00", matricule: "2751263220749", key: "74", oid: nir),
        Row(name: "NESSI", firstName: "MICHELANGELO", sex: "M", born: "2010-08-07", code: "00", matricule: "1100863220830", key: "60", oid: nir),
        Row(name: "DE VINCI", firstName: "LEONARDO", sex: "M", born: "2014-02-01", code: "02"),
        Row(name: "HOUILLES", firstName: "PIERRE", sex: "M", born: "1993-01-27", code: "01"),
    ]

    /// The first capture of `pattern` in `text`.
    static func first(_ pattern: String, in text: String) throws -> String? {
        let regex = try NSRegularExpression(pattern: pattern)
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    @Test("CodeCR, NumIdentifiant, Cle and OID found by regular expressions", arguments: rows)
    func identity(_ row: Row) async throws {
        try await withTestSimulator { server in
            let text = try await server.call(Requests.traits(row.name, [row.firstName], row.sex, row.born)).text
            #expect(try Self.first(#"<CodeCR>(\d\d)</CodeCR>"#, in: text) == row.code, "\(text)")
            // The first NumIdentifiant, Cle and OID of the text are INSACTIF's.
            #expect(try Self.first(#"<NumIdentifiant>([0-9AB]{13})</NumIdentifiant>"#, in: text) == row.matricule)
            #expect(try Self.first(#"<Cle>(\d\d)</Cle>"#, in: text) == row.key)
            #expect(try Self.first(#"<OID>([0-9.]+)</OID>"#, in: text) == row.oid)
        }
    }

    @Test("the fault's reason and detail text read raw, apostrophes included")
    func fault() async throws {
        try await withTestSimulator(TestSimulator(authorizedIDAMs: ["TESTIDAM0001"])) { server in
            let text = try await server.call(Requests.traits("ADRUN", ["ZOE"], "F", "1975-12-31", idam: "UNKNOWN", messageID: "uuid:1234")).text
            #expect(try Self.first(#"<siram:Erreur [^>]*>([^<]*)</siram:Erreur>"#, in: text) == "Numéro d'autorisation du logiciel inconnu.")
            #expect(try Self.first(#"<soap:Text xml:lang="fr">([^<]*)</soap:Text>"#, in: text)
                    == "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique.")
            #expect(try Self.first(#"code="([^"]*)""#, in: text) == "desir_550")
            #expect(try Self.first(#"messageID="([^"]*)""#, in: text) == "uuid:1234")
            #expect(try Self.first(#"<soap:Value>soap:(siram_\d+)</soap:Value>"#, in: text) == "siram_100")
        }
    }

    @Test("a birth name with an apostrophe comes back raw")
    func apostropheInName() async throws {
        try await withTestSimulator { server in
            let text = try await server.call(Requests.traits("D'ALMEIDA", ["MANUEL"], "M", "1966-10-03")).text
            #expect(try Self.first(#"<NomNaissance>([^<]*)</NomNaissance>"#, in: text) == "D'ALMEIDA")
        }
    }
}
