import INSiCore
import INSiSOAP

/// A search with the data read from a Vitale card (`RECVITALE`).
public struct VitaleSearch: Sendable, Hashable, Codable {
    /// `MatriculeOD`: the matricule of the insured person who opens the rights (13 characters).
    public var ouvrantDroit: String
    /// The key of `MatriculeOD`, when read from the card.
    public var ouvrantDroitKey: String?
    /// The beneficiary's birth date as on the card (`YYYY-MM-DD`, `00` allowed).
    public var birthDate: String
    /// `RangNaissance`: separates twins; INSi takes 1 when absent.
    public var rank: Int?
    /// `MatriculeIndividu`: the beneficiary's own matricule, when the card holds it.
    public var beneficiaryMatricule: String?
    /// The key of `MatriculeIndividu`, when read from the card.
    public var beneficiaryKey: String?
    /// The beneficiary's birth name, when known: narrows the search.
    public var birthName: String?

    /// Only the ouvrant droit's matricule and the birth date are needed; give the rest when the
    /// card holds it, to single out the beneficiary (twins share a birth date, not a rank).
    public init(ouvrantDroit: String, ouvrantDroitKey: String? = nil, birthDate: String, rank: Int? = nil,
                beneficiaryMatricule: String? = nil, beneficiaryKey: String? = nil, birthName: String? = nil) {
        self.ouvrantDroit = ouvrantDroit
        self.ouvrantDroitKey = ouvrantDroitKey
        self.birthDate = birthDate
        self.rank = rank
        self.beneficiaryMatricule = beneficiaryMatricule
        self.beneficiaryKey = beneficiaryKey
        self.birthName = birthName
    }

    var wireRequest: VitaleSearchRequest {
        VitaleSearchRequest(
            beneficiary: beneficiaryMatricule.map { WireMatricule(number: $0, key: beneficiaryKey) },
            ouvrantDroit: WireMatricule(number: ouvrantDroit, key: ouvrantDroitKey),
            birthName: birthName, birthDate: birthDate, rank: rank.map(String.init))
    }

    /// Without a local identity, only what the card says about the beneficiary can be compared
    /// with the answer.
    var expected: ExpectedTraits {
        ExpectedTraits(birthName: birthName, firstNames: nil, sex: nil, birthDate: birthDate, birthPlace: nil)
    }

    /// The keys sent that fail the key rule of their matricule. INSi finds no card with a wrong
    /// key and answers a plain 01: this says why before (or after) the call.
    public var keyMismatches: [KeyMismatch] {
        var mismatches: [KeyMismatch] = []
        func check(_ field: KeyMismatch.Field, _ number: String?, _ key: String?) {
            guard let number, let key, let matricule = Matricule(number), !matricule.isValidKey(key) else { return }
            mismatches.append(KeyMismatch(field: field, matricule: number, key: key, expected: matricule.key))
        }
        check(.ouvrantDroit, ouvrantDroit, ouvrantDroitKey)
        check(.beneficiary, beneficiaryMatricule, beneficiaryKey)
        return mismatches
    }
}

/// A key sent with a matricule that fails the key rule (97 − matricule mod 97).
public struct KeyMismatch: Sendable, Hashable, CustomStringConvertible {
    /// Which of the card's matricules the key belongs to: the message names it so that the right
    /// field is fixed.
    public enum Field: String, Sendable, Hashable {
        /// `MatriculeOD/Cle`.
        case ouvrantDroit
        /// `MatriculeIndividu/Cle`.
        case beneficiary
    }

    /// The matricule whose key fails.
    public var field: Field
    /// The matricule as sent.
    public var matricule: String
    /// The key as sent.
    public var key: String
    /// The key the rule gives.
    public var expected: String

    /// Public so that tests can state the mismatch they expect.
    public init(field: Field, matricule: String, key: String, expected: String) {
        self.field = field
        self.matricule = matricule
        self.key = key
        self.expected = expected
    }

    public var description: String {
        let whose = field == .ouvrantDroit ? "the ouvrant droit's matricule" : "the beneficiary's matricule"
        return "the key \(key) of \(whose) \(matricule) does not follow the key rule (expected \(expected))"
    }
}
