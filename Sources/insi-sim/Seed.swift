import ArgumentParser

/// `insi-sim seed`: reference base files (generate a synthetic one, check one).
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate or check reference base files (the --seed of serve).",
        subcommands: [SeedGenerate.self, SeedCheck.self]
    )
}
