import ArgumentParser

/// `insi-sim docs-table NAME`: prints a reference table of `docs/` generated from the command
/// line's own catalogues. Hidden: the docs tests compare the pages with it (and rewrite them
/// with `INSI_SIM_UPDATE_DOCS=1`), so that a page cannot drift from the code.
struct DocsTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs-table",
        abstract: "Print a generated table of the reference docs (serve-options, environment, exit-codes).",
        shouldDisplay: false
    )

    enum Table: String, CaseIterable, ExpressibleByArgument {
        case serveOptions = "serve-options", environment, exitCodes = "exit-codes"

        var text: String {
            switch self {
            case .serveOptions: ServeSetting.markdownTable
            case .environment: EnvironmentVariables.markdownTable
            case .exitCodes: ExitStatus.markdownTable
            }
        }
    }

    @Argument(help: "The table: serve-options, environment or exit-codes.")
    var table: Table

    func run() {
        print(table.text, terminator: "")
    }
}

/// Every environment variable a command reads, for `docs/reference/environment.md`: those of
/// `serve` come from ``ServeSetting``; a few are read by other commands too.
enum EnvironmentVariables {
    /// The commands besides `serve` that read a setting's variable.
    private static func otherCommands(_ setting: ServeSetting) -> [String] {
        switch setting {
        case .adminToken: ["rehearse", "report"]
        case .resources: ["rehearse"]
        default: []
        }
    }

    static var markdownTable: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        func commands(_ names: [String]) -> String { names.map { "`\($0)`" }.joined(separator: ", ") }
        var table = "| variable | read by | same as | meaning |\n|---|---|---|---|\n"
        for setting in ServeSetting.allCases {
            table += "| `\(setting.environmentVariable)` | \(commands(["serve"] + otherCommands(setting))) "
                + "| `\(setting.option)` | \(cell(setting.meaning)) |\n"
        }
        table += "| `\(TLSOptions.passwordVariable)` | \(commands(["lookup", "vitale", "verify", "rehearse"])) "
            + "| `--cert-password` | the password of the PKCS#12 client certificate (`--cert`), kept out of the process list |\n"
        return table
    }
}
