import ArgumentParser
import INSiClient
import INSiCore

/// `insi-sim vitale`: one search with the data of a Vitale card.
struct Vitale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find a patient's INS from the data of a Vitale card (one call).",
        discussion: """
        The card gives the ouvrant droit's matricule (--od) and, per beneficiary, a birth date and a rank \
        (twins have the same birth date and different ranks).
        Exit codes: 0 found, 1 none, 2 several, 3 SOAP fault, 4 no usable answer (transport failure, timeout, \
        unexpected HTTP status, unreadable answer), 64 bad arguments.
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

    @Option(help: "Beneficiary's birth name, to narrow the search.")
    var nom: String?

    func validate() throws {
        _ = try search()
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

    func run() async throws {
        let search = try search()
        let insi = try client.makeClient()
        let messageID = INSiClient.newMessageID()
        let started = ContinuousClock.now
        let result: Result<INSiAnswer, INSiClientError>
        do {
            result = .success(try await insi.searchByVitale(search, messageID: messageID))
        } catch {
            result = .failure(error)
        }
        let report = ClientReport(vitale: search, messageID: messageID, result: result, duration: ContinuousClock.now - started)
        print(client.json ? report.json : report.text)
        if report.exitCode != ClientExitCode.found { throw ExitCode(report.exitCode) }
    }
}
