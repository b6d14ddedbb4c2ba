import ArgumentParser
import INSiClient
import INSiCore

/// `insi-sim vitale`: one search with the data of a Vitale card.
struct Vitale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find a patient's INS from the data of a Vitale card (one call).",
        discussion: """
        The card gives the ouvrant droit's matricule (--od) and, per beneficiary, a birth date and a rank \
        (twins have the same birth date and different ranks). Give the local identity (--nom, --prenoms, --sexe, \
        --lieu) to compare every trait of the answer with it; otherwise only the card's data are compared.
        Exit codes: \(ClientExitCode.searchSummary), 64 bad arguments.
        """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Matricule of the ouvrant droit printed on the card (13 characters).")
    var od: String

    @Option(name: .customLong("od-cle"), help: "Key of the ouvrant droit's matricule (2 digits).")
    var odCle: String?

    @Option(help: "Beneficiary's birth date YYYY-MM-DD as on the card (00 for an unknown month or day).")
    var naissance: String

    @Option(help: "Beneficiary's birth rank (1 to 99); 1 when not given.")
    var rang: Int?

    @Option(help: "Beneficiary's own matricule, when the card holds it.")
    var matricule: String?

    @Option(name: .customLong("matricule-cle"), help: "Key of the beneficiary's own matricule.")
    var matriculeCle: String?

    @Option(help: "Beneficiary's birth name: sent to narrow the search, and compared with the answer.")
    var nom: String?

    @Option(help: "The local identity's first names, separated by spaces: compared with the answer (needs --nom and --sexe).")
    var prenoms: String?

    @Option(help: "The local identity's sex (M, F or I): compared with the answer (needs --nom and --prenoms).")
    var sexe: Sex?

    @Option(help: "The local identity's birth place COG: compared with the answer (needs --nom, --prenoms and --sexe).")
    var lieu: String?

    @OptionGroup var document: DocumentOption

    func validate() throws {
        if let rang, !(1...99).contains(rang) { throw ValidationError("--rang must be a birth rank from 1 to 99, not \(rang)") }
        _ = try search()
        _ = try local()
    }

    func search() throws -> VitaleSearch {
        let query: VitaleQuery
        do {
            query = try VitaleQuery.validate(
                ouvrantDroit: od, ouvrantDroitKey: odCle, birthDate: naissance, rank: rang.map(String.init),
                beneficiaryMatricule: matricule, beneficiaryKey: matriculeCle, birthName: nom)
        } catch {
            throw ValidationError(LookupArgumentText.message(error))
        }
        return VitaleSearch(
            ouvrantDroit: query.ouvrantDroit.value, ouvrantDroitKey: query.ouvrantDroitKey, birthDate: query.birthDate.text,
            rank: query.rank, beneficiaryMatricule: query.beneficiaryMatricule?.value, beneficiaryKey: query.beneficiaryKey,
            birthName: query.birthName?.uppercased())
    }

    /// The local identity, when its traits are given: all of name, first names and sex, or none.
    func local() throws -> SearchTraits? {
        guard prenoms != nil || sexe != nil || lieu != nil else { return nil }
        guard let nom, let prenoms, let sexe else {
            throw ValidationError("to compare the answer with the local identity, give --nom, --prenoms and --sexe (and --lieu when known)")
        }
        return try TraitsOptions.traits(nom: nom, prenoms: prenoms, sexe: sexe, naissance: naissance, lieu: lieu)
    }

    func run() async throws {
        let search = try search()
        let local = try local()
        let insi = try client.makeClient()
        let messageID = INSiClient.newMessageID()
        let started = ContinuousClock.now
        let result: Result<INSiAnswer, INSiClientError>
        do {
            result = .success(try await insi.searchByVitale(search, local: local, messageID: messageID))
        } catch {
            result = .failure(error)
        }
        let report = ClientReport(vitale: search, messageID: messageID, result: result, duration: ContinuousClock.now - started,
                                  document: document.document)
        print(client.json ? report.json : report.text)
        if report.exitCode != ClientExitCode.found { throw ExitCode(report.exitCode) }
    }
}
