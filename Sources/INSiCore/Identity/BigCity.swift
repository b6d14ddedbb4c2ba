/// Paris, Lyon and Marseille: people born there are registered with the COG of their
/// arrondissement (75101–75120, 69381–69389, 13201–13216), never with the commune's own code
/// (75056, 69123, 13055), and their NIR carries the same five characters.
public enum BigCity: String, Sendable, CaseIterable {
    case paris = "Paris"
    case lyon = "Lyon"
    case marseille = "Marseille"

    /// The COG of the commune as a whole: never a birth place.
    public var communeCode: String {
        switch self {
        case .paris: return "75056"
        case .lyon: return "69123"
        case .marseille: return "13055"
        }
    }

    /// How many arrondissements the city has.
    public var arrondissementCount: Int {
        switch self {
        case .paris: return 20
        case .lyon: return 9
        case .marseille: return 16
        }
    }

    /// The COG of arrondissement `number` (1-based): 75115 for Paris 15e.
    public func arrondissementCOG(_ number: Int) -> String {
        switch self {
        case .paris: return "751" + Self.two(number)
        case .lyon: return "6938\(number)"
        case .marseille: return "132" + Self.two(number)
        }
    }

    /// The postal code of arrondissement `number`: 75015 for Paris 15e (Paris 16e also has 75116).
    public func postalCode(_ number: Int) -> String {
        switch self {
        case .paris: return "750" + Self.two(number)
        case .lyon: return "6900\(number)"
        case .marseille: return "130" + Self.two(number)
        }
    }

    /// Every arrondissement COG of the city, in order.
    public var arrondissementCOGs: [String] { (1...arrondissementCount).map(arrondissementCOG) }

    /// The city and arrondissement number of an arrondissement COG.
    public static func arrondissement(ofCOG code: String) -> (city: BigCity, number: Int)? {
        for city in allCases {
            if let number = city.arrondissementCOGs.firstIndex(of: code) { return (city, number + 1) }
        }
        return nil
    }

    /// The city whose commune code this is.
    public static func city(ofCommuneCode code: String) -> BigCity? {
        allCases.first { $0.communeCode == code }
    }

    /// The city and arrondissement a postal code stands for (75015: Paris 15e). A code that is
    /// also an arrondissement COG (75116, Paris 16e) is not counted as a postal code.
    public static func arrondissement(ofPostalCode code: String) -> (city: BigCity, number: Int)? {
        guard arrondissement(ofCOG: code) == nil else { return nil }
        for city in allCases {
            if let number = (1...city.arrondissementCount).first(where: { city.postalCode($0) == code }) { return (city, number) }
        }
        return nil
    }

    private static func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
