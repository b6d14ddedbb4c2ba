#if FUZZING
import CLibFuzzer
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry point every harness shares.
///
/// Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz.sh), it hands the harness to libFuzzer's
/// driver (`LLVMFuzzerRunDriver`): SwiftPM makes the executable's `main` this one, not libFuzzer's.
/// Built plainly
/// (`swift build`), the harness replays the files given as arguments (a folder stands for the
/// files in it), so that a crash file or the whole corpus can be rerun without libFuzzer.
public enum FuzzMain {
    /// Runs `harness` on every input: libFuzzer's, or the files given as arguments.
    public static func run(_ name: String, _ harness: (UnsafeRawBufferPointer) -> Void) -> Never {
        #if FUZZING
        // The harness's own `LLVMFuzzerTestOneInput` is the callback: a C function, nothing to
        // capture or store. (Reading a closure out of a Mutex on every input, as a first version
        // did, re-wrapped it in one more thunk per call: 3,500 executions/s fell to 60 in 10 min.)
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
        #else
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            fuzzPrintError("usage: \(name) FILE-OR-FOLDER...  (replays inputs; build with scripts/fuzz.sh to fuzz)")
            exit(2)
        }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let bytes = read(file) else {
                    fuzzPrintError("\(name): cannot read \(file)")
                    exit(2)
                }
                bytes.withUnsafeBytes { harness($0) }
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed, every invariant held")
        exit(0)
        #endif
    }

    /// A release build without FUZZING has no harness: internal API is only visible to
    /// `@testable import` in debug builds or with `-enable-testing`.
    public static func notBuilt(_ name: String) -> Never {
        fuzzPrintError("\(name): no harness in a release build without FUZZING; use a debug build (swift build) or scripts/fuzz.sh")
        exit(2)
    }

    /// The regular files under `path` (itself when it is one), sorted.
    static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            names.append(path + "/" + name)
        }
        return names.sorted().flatMap { files(at: $0) }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
