import Foundation

/// A program run to its end from a test, its outputs collected.
public enum ChildProcess {
    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable`; waits through the termination handler, not a blocked thread.
    /// `environment` entries are added to the test's own.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let ended = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { ended.continuation.yield($0.terminationStatus); ended.continuation.finish() }
        try process.run()
        // Outputs are a few kilobytes: they fit in the pipe buffers until the process ends.
        var status: Int32 = -1
        for await value in ended.stream { status = value }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        return Run(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// The first of these paths that is an executable file, else the name looked up on PATH.
    public static func find(_ name: String, preferring paths: [String] = []) -> URL? {
        let fileManager = FileManager.default
        let searched = paths + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        return searched.first { fileManager.isExecutableFile(atPath: $0) }.map(URL.init(fileURLWithPath:))
    }
}
