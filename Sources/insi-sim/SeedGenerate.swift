import ArgumentParser
import Foundation
import INSiCore

/// `insi-sim seed generate`: a deterministic synthetic base, streamed to a file.
struct SeedGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic reference base of N identities.",
        discussion: """
        Valid matricules and keys consistent with sex, birth month and place; French birth and first names \
        with hyphenated (6%), double-hyphen (2%), spaced (3%) and apostrophe (1%) birth names; homonyms (3%, \
        so that 02 occurs); lunar dates (1%); people born abroad (5%); NIA (1%); Corsican births; INSHISTO \
        (2%); Vitale families (5% of draws), a fifth of them with twins. The same --count and --rng-seed \
        always give the same file, byte for byte.
        """
    )

    @Option(help: "Number of identities.")
    var count: Int

    @Option(help: "Output file (the seed format of serve --seed).")
    var out: String

    @Option(name: .customLong("rng-seed"), help: "Seed of the generator: another seed, another base.")
    var rngSeed: UInt64 = 1

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be 0 or more, not \(count)") }
    }

    func run() throws {
        let started = Date()
        let bar = ProgressBar(total: count, label: "identities")
        let writer: SeedWriter
        do {
            writer = try SeedWriter(path: out)
        } catch {
            FileHandle.standardError.write(Data("insi-sim: \(error.description)\n".utf8))
            throw ExitCode(ExitStatus.unusableInput)
        }
        var generator = SyntheticGenerator(seed: rngSeed)
        var made = 0
        do {
            try generator.generate(count: count) { identity in
                try writer.write(identity)
                made += 1
                if made % 4_096 == 0 { bar.update(made) }
            }
            try writer.finish(cards: generator.cards)
        } catch let error as SeedWriteError {
            bar.finish(made)
            FileHandle.standardError.write(Data("insi-sim: \(error.description)\n".utf8))
            throw ExitCode(ExitStatus.unusableInput)
        }
        bar.finish(made)
        let seconds = Date().timeIntervalSince(started)
        print("wrote \(out): \(made) identities, \(generator.cards.count) Vitale cards (rng seed \(rngSeed), \(String(format: "%.1f", seconds)) s)")
    }
}
