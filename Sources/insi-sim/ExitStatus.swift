/// The exit codes every command shares, beside those of the client commands (``ClientExitCode``).
/// `docs/reference/exit-codes.md` is generated from ``catalogue`` (a test checks the page).
enum ExitStatus {
    static let success: Int32 = 0
    /// What the command checked is wrong: a rehearsal case failed, a call rule of severity error
    /// was broken.
    static let checkFailed: Int32 = 1
    /// The command could not do its work with what it was given: a base, pack or folder that
    /// cannot be read or written, a port in use, an answer that is not insi-sim's.
    static let unusableInput: Int32 = 2
    /// ArgumentParser's own code for a missing or malformed option (EX_USAGE).
    static let badArguments: Int32 = 64

    /// One command (or commands sharing their codes) and what each of its exit codes means.
    struct Command {
        let names: [String]
        let codes: [(code: Int32, meaning: String)]
    }

    private static let badArgumentsMeaning = "bad arguments (a missing or malformed option, or environment variable), with the command's usage"

    /// Every command's exit codes, in the order of the reference page.
    static let catalogue: [Command] = [
        Command(names: ["serve"], codes: [
            (success, "stopped by SIGINT or SIGTERM, after answering the calls in flight"),
            (unusableInput, "could not start: the base, the scenarios, the data directory, the TLS files or the port (the message says what to do)"),
            (badArguments, badArgumentsMeaning),
        ]),
        Command(names: ["lookup", "vitale"], codes: [
            (ClientExitCode.found, "identity found (00), its INS usable"),
            (ClientExitCode.notFound, "no identity (01)"),
            (ClientExitCode.several, "several identities left (02)"),
            (ClientExitCode.fault, "SOAP fault (e.g. siram_100/desir_550, unknown approval number)"),
            (ClientExitCode.noAnswer, "no usable answer: transport or TLS failure, timeout, unexpected HTTP status, unreadable answer"),
            (ClientExitCode.notUsable, "found (00), but the INS is not usable: a key that fails the key rule, incoherent dates, an unknown OID (HERMANN GATIEN)"),
            (badArguments, badArgumentsMeaning),
        ]),
        Command(names: ["verify"], codes: [
            (ClientExitCode.found, "OK: INSi returns the held INS with every held trait"),
            (ClientExitCode.fault, "SOAP fault"),
            (ClientExitCode.noAnswer, "no usable answer: transport or TLS failure, timeout, unexpected HTTP status, unreadable answer"),
            (ClientExitCode.verificationKO, "KO: 01, 02, another INS, other traits or an unusable answer; the identity goes to the work list"),
            (badArguments, badArgumentsMeaning),
        ]),
        Command(names: ["rehearse"], codes: [
            (success, "no case failed (skipped cases are allowed)"),
            (checkFailed, "at least one case failed"),
            (unusableInput, "the pack could not be read or is invalid (the message names the file, the case and the field), or a report could not be written"),
            (ClientExitCode.noAnswer, "nothing answers at --url (no case was run)"),
            (badArguments, badArgumentsMeaning + "; an unknown --only id included"),
        ]),
        Command(names: ["report"], codes: [
            (success, "no call rule of severity error broken"),
            (checkFailed, "at least one call rule of severity error broken"),
            (unusableInput, "a report could not be written, or the answer was not insi-sim's"),
            (ClientExitCode.noAnswer, "nothing answers at --url"),
            (badArguments, badArgumentsMeaning),
        ]),
        Command(names: ["seed generate", "seed check", "certs generate", "assertion sign"], codes: [
            (success, "done"),
            (unusableInput, "a file could not be read, written or used (seed check: the base's first error, with its record and field)"),
            (badArguments, badArgumentsMeaning),
        ]),
    ]

    /// The tables of `docs/reference/exit-codes.md`: one per command.
    static var markdownTable: String {
        catalogue.map { command in
            var table = "### " + command.names.map { "`insi-sim \($0)`" }.joined(separator: ", ") + "\n\n"
            table += "| code | meaning |\n|---:|---|\n"
            for (code, meaning) in command.codes {
                table += "| \(code) | \(meaning.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            return table
        }.joined(separator: "\n")
    }
}
