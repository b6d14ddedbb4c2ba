/// The national identifier of a health professional (*identifiant national*, IdNat_PS) as INSi
/// callers commonly send it in `Emetteur`: `8` followed by the professional's 11-digit RPPS
/// number, whose last digit is a Luhn check digit over the ten before it.
///
/// `Emetteur` stays free text for the library: an organisation may send its FINESS, and neither
/// the contract nor insi-sim checks the value. This type gives the CLI a default that is a
/// well-formed identifier, and lets software check what it sends.
public enum ProfessionalID {
    /// A well-formed identifier (RPPS 10001234565, Luhn check passes) for tests and the CLI's
    /// default. It names no real professional.
    public static let example = "810001234565"

    /// True when `text` is `8` and an 11-digit RPPS number whose Luhn check passes.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, bytes[0] == UInt8(ascii: "8"),
              bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return luhn(bytes.dropFirst().map { Int($0 - UInt8(ascii: "0")) })
    }

    /// The Luhn check: from the right, every second digit doubled (minus 9 above 9); the sum is a
    /// multiple of 10.
    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = digit
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
