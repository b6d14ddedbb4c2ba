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
        place. Prints one line per call, then the identity and its warnings.
        Exit codes: 0 found, 1 none, 2 several, 3 SOAP fault, 4 no usable answer (transport failure, timeout, \
        unexpected HTTP status, unreadable answer), 64 bad arguments.
        """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Birth name, as held locally (quote it when it holds a space).")
    var nom: String

    @Option(help: "All first names, in order, separated by spaces (quoted).")
    var prenoms: String

    @Option(help: "Sex: M, F or I.")
    var sexe: String

    @Option(help: "Birth date YYYY-MM-DD (00 for an unknown month or day).")
    var naissance: String

    @Option(help: "Birth place: the INSEE COG (99xxx abroad), not the postal code.")
    var lieu: String?

    func validate() throws {
        _ = try traits()
    }

    func traits() throws -> SearchTraits {
        do {
            return try SearchTraits.validated(birthName: nom, firstNames: [prenoms], sex: sexe, birthDate: naissance, birthPlace: lieu)
        } catch {
            throw ValidationError(LookupArgumentText.message(error))
        }
    }

    func run() async throws {
        let result = await LookupProcedure.ans.run(for: try traits(), using: try client.makeClient())
        let report = ClientReport(lookup: result)
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
