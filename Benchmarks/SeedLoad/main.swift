// Loads a seed file the way serve does (the byte-level SeedParser) or the way it did before
// (JSONDecoder into SeedFile, then validation), to compare time and, under /usr/bin/time -v,
// peak memory. Usage: insi-sim-seed-bench parser|jsondecoder FILE
import Foundation
import INSiCore

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let mode = arguments.first, let path = arguments.last else {
    print("usage: insi-sim-seed-bench parser|jsondecoder FILE")
    exit(64)
}
let started = Date()
do {
    let base: ReferenceBase
    switch mode {
    case "jsondecoder":
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        base = try JSONDecoder().decode(SeedFile.self, from: data).base()
    default:
        base = try SeedFile.load(path: path, progress: .none)
    }
    let seconds = Date().timeIntervalSince(started)
    print("\(mode): \(base.count) identities loaded in \(String(format: "%.2f", seconds)) s")
} catch {
    print("\(mode): \(error)")
    exit(2)
}
