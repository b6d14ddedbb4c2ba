import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `insi-sim` executable run as a child process, for tests that kill it.
// @unchecked: the process and pipe are set up in init and then only signalled and waited on by
// the one test that owns this object; `collected` and `startLine` are only written during init.
public final class ChildServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private var collected = Data()

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Starts the child off the cooperative pool (it blocks until the start-up line).
    public static func start(_ arguments: [String]) async throws -> ChildServer {
        try await offPool { try ChildServer(arguments: arguments) }
    }

    /// How the child is started: as tests usually do (full path, `--resources` given), or as a
    /// user with the binary on PATH does (by name, from another folder, resources found alone).
    public enum Launch: Sendable {
        case withResourcesFlag
        case byNameFromPATH(workingDirectory: URL)
    }

    public static func start(_ arguments: [String], launch: Launch) async throws -> ChildServer {
        try await offPool { try ChildServer(arguments: arguments, launch: launch) }
    }

    /// The start line `serve` writes to standard output, whatever the log level.
    public private(set) var startLine = ""

    /// Starts `insi-sim serve --port 0 ARGUMENTS` and waits for its start line (port) on
    /// standard output.
    public init(arguments: [String], launch: Launch = .withResourcesFlag) throws {
        switch launch {
        case .withResourcesFlag:
            process.executableURL = TestPaths.insiSim
            process.arguments = ["serve", "--port", "0", "--resources", TestPaths.resources.path] + arguments
        case .byNameFromPATH(let folder):
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = TestPaths.insiSim.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin")
            environment["INSI_SIM_RESOURCES"] = nil
            process.environment = environment
            process.currentDirectoryURL = folder
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["insi-sim", "serve", "--port", "0"] + arguments
        }
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let output = outputPipe.fileHandleForReading
        var port: Int?
        var printed = Data()
        let deadline = Date().addingTimeInterval(20)
        while port == nil {
            guard Date() < deadline, process.isRunning else {
                throw Failure(description: "the child server did not start: \(String(decoding: printed, as: UTF8.self)) "
                              + String(decoding: errorPipe.fileHandleForReading.availableData, as: UTF8.self))
            }
            let chunk = output.availableData
            if chunk.isEmpty { continue }
            printed.append(chunk)
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: "endpoint http://127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
                startLine = String(text.prefix { $0 != "\n" })
            }
        }
        self.port = port ?? 0
        // What the child logged before its start line is already in the pipe: read it without waiting.
        let errors = errorPipe.fileHandleForReading.fileDescriptor
        let flags = fcntl(errors, F_GETFL)
        _ = fcntl(errors, F_SETFL, flags | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(errors, &buffer, buffer.count)
            guard count > 0 else { break }
            collected.append(contentsOf: buffer[0..<count])
        }
        _ = fcntl(errors, F_SETFL, flags)
        // Keep reading what the child writes, so that a full pipe can never block it; what it
        // logs is kept (until the end of standard error, or 1 MB).
        Thread {
            while !output.availableData.isEmpty {}
        }.start()
        let errorHandle = errorPipe.fileHandleForReading
        Thread { [self] in
            while true {
                let chunk = errorHandle.availableData
                if chunk.isEmpty { break }
                laterLog.withLock { if $0.count < 1 << 20 { $0.append(chunk) } }
            }
            logEnded.signal()
        }.start()
    }

    /// Signalled when standard error reaches its end (the child has exited).
    private let logEnded = DispatchSemaphore(value: 0)

    /// Everything the child logged after its start line, once it has exited (nil if standard
    /// error did not end within `seconds`).
    public func wholeLog(within seconds: Double) -> String? {
        guard logEnded.wait(timeout: .now() + seconds) == .success else { return nil }
        logEnded.signal()
        return log
    }

    // Protects what the child logged after its start line: appended by the reading thread.
    private let laterLog = Mutex(Data())

    /// What the child logged to stderr after its start line, so far.
    public var log: String { laterLog.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Signalled by the termination handler. `Process.waitUntilExit` is not used: on Linux it
    /// spins a run loop and was seen never to return for a child killed with SIGKILL.
    private let exited = DispatchSemaphore(value: 0)

    /// What the child logged to stderr before its start line.
    public var startupLog: String { String(decoding: collected, as: UTF8.self) }

    /// SIGKILL, then waits (bounded) for the end to be seen. A SIGKILLed process is gone even
    /// when the notification is late: its file locks and sockets are released by the kernel.
    public func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        _ = reap(within: 10)
    }

    /// SIGTERM, then the exit status once the child has stopped by itself; -1 if it did not
    /// within 30 s (it is then killed).
    public func terminate() -> Int32 {
        Glibc.kill(process.processIdentifier, SIGTERM)
        guard let status = reap(within: 30) else {
            kill()
            return -1
        }
        return status
    }

    /// The exit status once the child has ended by itself (after a signal already sent); -1 if
    /// it did not within 30 s (it is then killed).
    public func waitForExit() -> Int32 {
        guard let status = reap(within: 30) else {
            kill()
            return -1
        }
        return status
    }

    /// Waits for the child's end, reaping it ourselves when Foundation's notification does not
    /// come (seen for SIGKILLed children): the exit code, 128 + the signal, or nil on timeout.
    private func reap(within seconds: Double) -> Int32? {
        let pid = process.processIdentifier
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            if reaped == -1 && errno == ECHILD {
                // Foundation reaped it: its handler gives the status.
                return exited.wait(timeout: .now() + 5) == .success ? process.terminationStatus : nil
            }
            if exited.wait(timeout: .now() + 0.05) == .success { return process.terminationStatus }
        }
        return nil
    }
}
