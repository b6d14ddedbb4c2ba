import Testing
@testable import INSiCore

@Suite("Matricule and key rule")
struct MatriculeTests {
    /// Every matricule of the domain page with the key it carries there.
    static let published: [(String, String)] = [
        ("297022A020778", "78"), ("160012B020777", "13"), ("2360663220836", "56"), ("1090763220834", "89"),
        ("2090763220834", "39"), ("2090663220123", "55"), ("1090763220888", "35"), ("180032B020401", "23"),
    ]

    @Test("the published keys follow the rule, Corsica included", arguments: published)
    func publishedKeys(matricule: String, key: String) throws {
        let value = try #require(Matricule(matricule))
        #expect(value.key == key)
        #expect(value.isValidKey(key))
    }

    @Test("HERMANN's two deliberately wrong keys are rejected")
    func hermannKeys() throws {
        let active = try #require(Matricule("1810363220456"))
        #expect(active.key == "76")
        #expect(!active.isValidKey("60"))
        let past = try #require(Matricule("2810363220456"))
        #expect(past.key == "26")
        #expect(!past.isValidKey("10"))
    }

    @Test("2A counts as 19 and 2B as 18")
    func corsicaReplacement() throws {
        let a = try #require(Matricule("297022A020778"))
        let asDigits = try #require(Matricule("2970219020778"))
        #expect(a.key == asDigits.key)
        let b = try #require(Matricule("160012B020777"))
        #expect(b.key == (try #require(Matricule("1600118020777"))).key)
    }

    @Test("keys under 10 are written with two digits")
    func twoDigitKey() throws {
        // Find a matricule whose key is below 10 by walking the order number.
        var found: Matricule?
        for order in 0..<200 {
            let text = "1850575056" + String(repeating: "0", count: 3 - String(order).count) + String(order)
            if let m = Matricule(text), Int(m.key)! < 10 { found = m; break }
        }
        let m = try #require(found)
        #expect(m.key.count == 2 && m.key.hasPrefix("0"))
    }

    @Test("syntax", arguments: [
        ("297022A020778", true), ("297022a020778", true), ("1234567890123", true),
        ("29702A020778", false), ("29702202077800", false), ("2970223A20778", false),
        ("29702XA020778", false), ("297021A020778", false), ("2970A2A020778", false), ("", false),
    ])
    func syntax(text: String, valid: Bool) {
        #expect((Matricule(text) != nil) == valid)
    }

    @Test("syntax errors say what is wrong")
    func syntaxErrors() {
        #expect(Matricule.parse("123") == .failure(.length(3)))
        #expect(Matricule.parse("12345X7890123") == .failure(.character(position: 6)))
    }
}

@Suite("Lunar dates, COG, OID, sex")
struct TraitTypeTests {
    @Test("lunar dates keep 00 for unknown month or day", arguments: ["1962-05-00", "1950-00-00", "1950-00-12", "2000-02-29"])
    func lunar(text: String) throws {
        let date = try #require(LunarDate(text))
        #expect(date.text == text)
    }

    @Test("impossible dates are refused", arguments: ["2021-02-29", "1900-02-29", "2021-13-01", "2021-04-31", "21-01-01", "2021/01/01", "2021-1-01", "abcd-ef-gh", "1700-01-01"])
    func impossible(text: String) {
        #expect(LunarDate(text) == nil)
    }

    @Test("isLunar")
    func isLunar() throws {
        #expect(try #require(LunarDate("1962-05-00")).isLunar)
        #expect(try #require(LunarDate("1950-00-00")).isLunar)
        #expect(!(try #require(LunarDate("1997-02-26")).isLunar))
    }

    @Test("COG syntax", arguments: [
        ("63220", true), ("2A020", true), ("2b020", true), ("99350", true),
        ("6322", false), ("632200", false), ("2C020", false), ("3A020", false), ("2A02X", false), ("A2020", false),
    ])
    func cog(text: String, valid: Bool) {
        #expect((COG(text) != nil) == valid)
    }

    @Test("born abroad")
    func abroad() throws {
        #expect(try #require(COG("99350")).isAbroad)
        #expect(!(try #require(COG("2A020")).isAbroad))
    }

    @Test("OIDs")
    func oids() {
        #expect(INSOID(rawValue: "1.2.250.1.213.1.4.8") == .nir)
        #expect(INSOID(rawValue: "1.2.250.1.213.1.4.9")?.isNIA == true)
        #expect(INSOID(rawValue: "1.2.250.1.213.1.4.10") == .nirTest)
        #expect(INSOID(rawValue: "1.2.250.1.213.1.4.11")?.isNIA == true)
        #expect(INSOID(rawValue: "1.2.250.1.213.1.4.12") == nil)
    }

    @Test("sex accepts M, F and I")
    func sex() {
        #expect(Sex(wire: "m") == .male)
        #expect(Sex(wire: "F") == .female)
        #expect(Sex(wire: "I") == .indeterminate)
        #expect(Sex(wire: "X") == nil)
    }
}
