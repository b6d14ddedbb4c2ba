import ArgumentParser
import INSiClient
import INSiCore

/// `insi-sim verify`: checks an INS already held against INSi.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an INS already held: search INSi with the held traits and compare the INS and traits it returns.",
        discussion: """
        INSi's own verification operation has no public contract, so this runs the traits search the ANS \
        procedure describes (as lookup does) with the held traits, then compares INSi's answer with what is held: \
        the matricule (and key and OID when given) and every trait. OK, or KO with each reason (01, 02, another \
        INS, other traits, an unusable answer): a KO puts the identity in the work list.
        Exit codes: 0 OK, 6 KO (work list), 3 SOAP fault, 4 no usable answer (transport failure, timeout, \
        unexpected HTTP status, unreadable answer), 64 bad arguments.
        """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "The INS matricule held (13 characters).")
    var matricule: String

    @Option(help: "Its key, when held (2 digits): compared with INSi's.")
    var cle: String?

    @Option(help: "Its OID, when held (1.2.250.1.213.1.4.8 for a NIR, .9 for a NIA): compared with INSi's.")
    var oid: String?

    @OptionGroup var identity: TraitsOptions

    @OptionGroup var document: DocumentOption

    func validate() throws {
        if case .failure(let error) = Matricule.parse(matricule) { throw ValidationError("--matricule: \(error.description)") }
        if let cle, !MatriculeKey.isWellFormed(cle) { throw ValidationError("--cle: a key is two digits, not '\(cle)'") }
        if let oid, INSOID(rawValue: oid) == nil {
            throw ValidationError("--oid: '\(oid)' is not an INS OID (\(INSOID.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run() async throws {
        let held = HeldIdentity(ins: HeldINS(matricule: matricule.uppercased(), key: cle, oid: oid), traits: try identity.traits())
        let result = try await client.makeClient().verify(held: held)
        let report = ClientReport(verification: result, document: document.document)
        print(client.json ? report.json : report.text)
        if report.exitCode != ClientExitCode.found { throw ExitCode(report.exitCode) }
    }
}
