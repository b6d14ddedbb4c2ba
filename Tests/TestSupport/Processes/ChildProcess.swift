import Foundation
import Synchronization

/// A program run to its end from a test, its outputs collected.
public enum ChildProcess {
    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Both outputs, standard output first: what a person at a terminal would read.
        public var output: String { stdout + stderr }
    }

    /// Runs a command line (`command[0]`, the executable's path, then its arguments) off the
    /// cooperative pool.
    public static func run(_ command: [String]) async throws -> Run {
        try await run(URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    /// ``run(_:)-([String])`` on the calling thread.
    public static func runBlocking(_ command: [String]) throws -> Run {
        try runBlocking(URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    /// Runs `executable` to its end on a thread of its own, reading both outputs meanwhile (so
    /// that a child writing more than a pipe holds never blocks). `environment` entries are
    /// added to the test's own; `input` is written to its standard input.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           directory: URL? = nil, input: [UInt8]? = nil) async throws -> Run {
        try await offPool { try runBlocking(executable, arguments, environment: environment, directory: directory, input: input) }
    }

    /// ``run(_:_:environment:directory:input:)`` on the calling thread.
    public static func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                                   directory: URL? = nil, input: [UInt8]? = nil) throws -> Run {
        let child = try SpawnedProcess(executable.path, arguments,
                                       environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                       directory: directory?.path, input: input != nil)
        if let input, let handle = child.input {
            // From a thread of its own: a child writing much before it reads all its input
            // would otherwise block both sides on full pipes.
            Thread {
                try? handle.write(contentsOf: input)
                try? handle.close()
            }.start()
        }
        let errors = Mutex(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        let errorHandle = child.errors
        Thread {
            if let data = try? errorHandle?.readToEnd() { errors.withLock { $0 = data } }
            errorsRead.signal()
        }.start()
        let out = (try? child.output.readToEnd()) ?? Data()
        errorsRead.wait()
        let status = child.wait()
        return Run(status: status, stdout: String(decoding: out, as: UTF8.self),
                   stderr: errors.withLock { String(decoding: $0, as: UTF8.self) })
    }

    /// The first of these paths that is an executable file, else the name looked up on PATH.
    public static func find(_ name: String, preferring paths: [String] = []) -> URL? {
        let fileManager = FileManager.default
        let searched = paths + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        return searched.first { fileManager.isExecutableFile(atPath: $0) }.map(URL.init(fileURLWithPath:))
    }
}
