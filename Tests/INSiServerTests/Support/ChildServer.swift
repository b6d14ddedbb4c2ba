import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `insi-sim` executable run as a child process, for tests that kill it.
// @unchecked: the process and pipe are set up in init and then only signalled and waited on by
// the one test that owns this object; `collected` is only written during init.
final class ChildServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let errorPipe = Pipe()
    private var collected = Data()

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The built executable, next to the test bundle (`.build/debug/insi-sim`).
    static var executable: URL {
        let me = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return me.deletingLastPathComponent().appendingPathComponent("insi-sim")
    }

    /// Starts the child off the cooperative pool (it blocks until the start-up line).
    static func start(_ arguments: [String]) async throws -> ChildServer {
        try await offPool { try ChildServer(arguments: arguments) }
    }

    /// Starts `insi-sim serve --port 0 ARGUMENTS` and waits for its start-up line (port).
    init(arguments: [String]) throws {
        process.executableURL = Self.executable
        process.arguments = ["serve", "--port", "0", "--resources", TestPaths.resources.path] + arguments
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let reader = errorPipe.fileHandleForReading
        var port: Int?
        let deadline = Date().addingTimeInterval(20)
        while port == nil {
            guard Date() < deadline, process.isRunning else {
                throw Failure(description: "the child server did not start: \(String(decoding: collected, as: UTF8.self))")
            }
            let chunk = reader.availableData
            if chunk.isEmpty { continue }
            collected.append(chunk)
            let text = String(decoding: collected, as: UTF8.self)
            if let range = text.range(of: "endpoint http://127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        self.port = port ?? 0
    }

    /// Everything the child wrote to stderr so far (after start-up: what was read while waiting).
    var startupLog: String { String(decoding: collected, as: UTF8.self) }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() -> Int32 {
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }
}
