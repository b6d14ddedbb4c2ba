import ArgumentParser
import Foundation
import INSiCore

/// `insi-sim seed check`: loads a base exactly as serve does and says what it holds.
struct SeedCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load a reference base as serve would, and report its size and load time (exit 2 if invalid)."
    )

    @Argument(help: "The seed file.")
    var path: String

    @Option(name: .customLong("name-matching"), help: "strict or relaxed (the indexes depend on it). Default strict.")
    var nameMatching: String = "strict"

    func run() throws {
        guard let rule = NameMatching(rawValue: nameMatching) else {
            throw ValidationError("--name-matching must be strict or relaxed, not '\(nameMatching)'")
        }
        let started = Date()
        do {
            let base = try SeedFile.load(path: path, nameMatching: rule, progress: .terminal)
            let seconds = Date().timeIntervalSince(started)
            print("\(path): \(base.count) identities, \(base.cards.count) Vitale cards, loaded in \(String(format: "%.2f", seconds)) s")
        } catch {
            FileHandle.standardError.write(Data("insi-sim: the reference base could not be loaded: \(error.description)\n".utf8))
            throw ExitCode(ExitStatus.unusableInput)
        }
    }
}
