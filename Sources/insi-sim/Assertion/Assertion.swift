import ArgumentParser

/// `insi-sim assertion`: CPx card assertions for teams without test cards.
struct Assertion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the signed SAML assertion a CPx card produces, for the CPx endpoint.",
        subcommands: [AssertionSign.self]
    )
}
