import Foundation

/// Finds the `Resources/` folder (seed base, contract files) at run time: an explicit path
/// (flag or `INSI_SIM_RESOURCES`), else the working directory, else next to the executable or
/// in one of its parent folders (so `.build/release/insi-sim` run from anywhere finds the
/// repository's folder), else `../share/insi-sim/Resources` beside the executable (an install).
public struct ResourceLocator: Sendable {
    public let root: URL

    /// Why no resources folder was found.
    public struct NotFound: Error, CustomStringConvertible {
        public let tried: [String]
        public var description: String {
            "no insi-sim Resources folder found (it holds seed/default-base.json); tried: \(tried.joined(separator: ", ")). "
                + "Pass --resources PATH or set INSI_SIM_RESOURCES."
        }
    }

    public init(root: URL) {
        self.root = root
    }

    /// Looks for the folder; `explicit` wins when given.
    public static func locate(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ResourceLocator {
        var candidates: [URL] = []
        if let explicit { return ResourceLocator(root: URL(fileURLWithPath: explicit)) }
        if let fromEnv = environment["INSI_SIM_RESOURCES"], !fromEnv.isEmpty { return ResourceLocator(root: URL(fileURLWithPath: fromEnv)) }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Resources"))
        let executable = executableURL().deletingLastPathComponent()
        var folder = executable
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("Resources"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(executable.appendingPathComponent("../share/insi-sim/Resources").standardizedFileURL)
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("seed/default-base.json").path) {
            return ResourceLocator(root: candidate)
        }
        throw NotFound(tried: candidates.map(\.path))
    }

    /// The running executable: /proc/self/exe, which names it whatever way it was started (by
    /// name through PATH, argv[0] is only "insi-sim"); argv[0] where /proc is not mounted.
    static func executableURL() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
    }

    /// The default reference base.
    public var defaultSeed: URL { root.appendingPathComponent("seed/default-base.json") }
    /// The folder of the WSDL and XSD files.
    public var contractDirectory: URL { root.appendingPathComponent("contract") }
}
