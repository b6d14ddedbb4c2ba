import INSiCore

/// Why a birth place may have cost a 01: INSi knows people born in Paris, Lyon or Marseille by
/// the COG of their arrondissement (75115 for Paris 15e), never by a postal code (75015) or by
/// the code of the commune as a whole (75056).
public enum BirthPlaceAdvice: Sendable, Hashable, CustomStringConvertible {
    /// `sent` is the postal code of an arrondissement whose COG is `cog`.
    case postalCode(sent: String, city: BigCity, arrondissement: Int, cog: String)
    /// `sent` is the code of the whole commune: the arrondissement's COG is needed.
    case communeCode(sent: String, city: BigCity)

    /// The advice for a birth place sent, when it looks like one of these mistakes.
    public init?(birthPlace: String) {
        if let (city, number) = BigCity.arrondissement(ofPostalCode: birthPlace) {
            self = .postalCode(sent: birthPlace, city: city, arrondissement: number, cog: city.arrondissementCOG(number))
        } else if let city = BigCity.city(ofCommuneCode: birthPlace) {
            self = .communeCode(sent: birthPlace, city: city)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .postalCode(let sent, let city, let number, let cog):
            return "LieuNaissance \(sent) is the postal code of \(city.rawValue) \(number)\(number == 1 ? "er" : "e"), not a COG: "
                + "INSi knows people born there by the arrondissement's COG \(cog); search again with \(cog)"
        case .communeCode(let sent, let city):
            let cogs = city.arrondissementCOGs
            return "LieuNaissance \(sent) is the code of \(city.rawValue) as a whole, never a birth place: INSi knows people born "
                + "there by their arrondissement's COG (\(cogs.first ?? "")–\(cogs.last ?? "")); search again with it"
        }
    }
}

extension LookupAttempt {
    /// On a 01 with a birth place that looks like a postal code or a big city's commune code,
    /// why it probably answered 01.
    public var birthPlaceAdvice: BirthPlaceAdvice? {
        guard code == "01", let place = traits.birthPlace else { return nil }
        return BirthPlaceAdvice(birthPlace: place)
    }
}
