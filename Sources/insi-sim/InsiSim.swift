import ArgumentParser
import INSiServer

@main
struct InsiSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insi-sim",
        abstract: "A local, scriptable simulator of INSi, the Assurance Maladie teleservice that returns a patient's INS.",
        version: SimulatorVersion.current,
        subcommands: [Serve.self, Lookup.self, Vitale.self, Verify.self, Seed.self, Rehearse.self, Report.self, Certs.self, Assertion.self,
                      DocsTable.self]
    )
}
