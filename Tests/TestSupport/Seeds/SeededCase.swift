import Foundation
import INSiSOAP
import Testing

/// One case of `Resources/seed/cases.json`, the test plan published in the README: checked on
/// the base alone (INSiCore) and over TCP (INSiServer).
public struct SeededCase: Decodable, CustomTestStringConvertible, Sendable {
    public struct Request: Decodable, Sendable {
        public var birthName: String?
        public var firstNames: [String]?
        public var firstNamesAsOneValue: Bool?
        public var sex: String?
        public var birthDate: String?
        public var birthPlace: String?
        public var ouvrantDroit: String?
        public var ouvrantDroitKey: String?
        public var rank: Int?
        public var beneficiaryMatricule: String?
    }
    public struct Expectation: Decodable, Sendable {
        public var code: String
        public var matricule: String?
        public var key: String?
    }
    public var id: String
    public var operation: String
    public var request: Request
    public var expected: [String: Expectation]
    public var testDescription: String { id }

    /// The default base the cases are written for.
    public static let seedPath = TestPaths.resources.appendingPathComponent("seed/default-base.json").path

    /// Every case; empty when the file does not read (the tests that use them say so).
    public static let all: [SeededCase] = {
        let url = TestPaths.resources.appendingPathComponent("seed/cases.json")
        guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([SeededCase].self, from: data) else { return [] }
        return cases
    }()

    /// The case as an editor's software sends it.
    public var soapRequest: INSiRequest {
        let r = request
        if operation == "vitale" {
            return Requests.vitale(od: r.ouvrantDroit ?? "", key: r.ouvrantDroitKey, date: r.birthDate ?? "", rank: r.rank.map(String.init),
                                   beneficiary: r.beneficiaryMatricule, name: r.birthName)
        }
        var names = r.firstNames ?? []
        if r.firstNamesAsOneValue == true { names = [names.joined(separator: " ")] }
        return Requests.traits(r.birthName, names, r.sex, r.birthDate, place: r.birthPlace)
    }
}
