import ArgumentParser
import INSiClient
import INSiCore

/// `insi-sim lookup`: the ANS call procedure for one local identity, with its trail.
struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find a patient's INS from identity traits, following the ANS call procedure.",
        discussion: """
        Calls INSi with the first first name; on 01, with the birth name variants (hyphen, double hyphen, \
        apostrophe), each other first name and the complete list; on 02, adds the first names then the birth \
        place. Prints one line per call, then the identity, its warnings, the status the identity may take \
        (provisoire, récupérée, validée, qualifiée) and what to do next.
        Exit codes: \(ClientExitCode.searchSummary), 64 bad arguments.
        """
    )

    @OptionGroup var client: ClientOptions

    @OptionGroup var identity: TraitsOptions

    @OptionGroup var document: DocumentOption

    func run() async throws {
        let result = await LookupProcedure.ans.run(for: try identity.traits(), using: try client.makeClient())
        let report = ClientReport(lookup: result, document: document.document)
        print(client.json ? report.json : report.text)
        if report.exitCode != ClientExitCode.found { throw ExitCode(report.exitCode) }
    }
}

/// Messages for arguments INSi would refuse, with the option to fix.
enum LookupArgumentText {
    static func message(_ error: SearchInputError) -> String {
        let option: String
        switch error.field {
        case .birthName: option = "--nom"
        case .firstName: option = "--prenoms"
        case .sex: option = "--sexe"
        case .birthDate: option = "--naissance"
        case .birthPlace: option = "--lieu"
        case .ouvrantDroit: option = "--od"
        case .ouvrantDroitKey: option = "--od-cle"
        case .birthRank: option = "--rang"
        case .beneficiaryMatricule: option = "--matricule"
        case .beneficiaryKey: option = "--matricule-cle"
        }
        return "\(option): \(error.description)"
    }
}
