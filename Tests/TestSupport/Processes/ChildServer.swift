import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The real `insi-sim` executable run as a child process, for tests that kill it.
// @unchecked: the child is set up in init and then only signalled and waited on by the one
// test that owns this object; `collected` and `startLine` are only written during init.
public final class ChildServer: @unchecked Sendable {
    private let child: SpawnedProcess
    public let port: Int
    private var collected = Data()

    /// The child's process id.
    public var pid: pid_t { child.pid }

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
            child = try SpawnedProcess(TestPaths.insiSim.path, ["serve", "--port", "0", "--resources", TestPaths.resources.path] + arguments)
        case .byNameFromPATH(let folder):
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = TestPaths.insiSim.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin")
            environment["INSI_SIM_RESOURCES"] = nil
            child = try SpawnedProcess("/usr/bin/env", ["insi-sim", "serve", "--port", "0"] + arguments,
                                       environment: environment, directory: folder.path)
        }
        guard let errorHandle = child.errors else { throw Failure(description: "no standard error pipe") }
        let output = child.output
        var port: Int?
        var printed = Data()
        // Both outputs are watched with poll(2): a child that says nothing is given up at the
        // deadline, and one logging much before its start line never blocks on a full pipe.
        let deadline = Date().addingTimeInterval(30)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var watched = [pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errorHandle.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        while port == nil {
            guard Date() < deadline, child.poll() == nil else {
                child.signal(SIGKILL)
                _ = child.wait(within: 10)
                throw Failure(description: "the child server did not start: \(String(decoding: printed, as: UTF8.self)) "
                              + String(decoding: collected, as: UTF8.self))
            }
            for index in watched.indices { watched[index].revents = 0 }
            guard poll(&watched, nfds_t(watched.count), 100) > 0 else { continue }
            if watched[1].revents != 0 {
                let count = read(watched[1].fd, &buffer, buffer.count)
                if count > 0 { collected.append(contentsOf: buffer[0..<count]) } else { watched[1].fd = -1 }
            }
            if watched[0].revents != 0 {
                let count = read(watched[0].fd, &buffer, buffer.count)
                guard count > 0 else {
                    watched[0].fd = -1
                    continue
                }
                printed.append(contentsOf: buffer[0..<count])
                let text = String(decoding: printed, as: UTF8.self)
                // Once the whole start line is in: the port may come in two reads.
                if let range = text.range(of: "endpoint http://127.0.0.1:"), text[range.upperBound...].contains("\n") {
                    port = Int(text[range.upperBound...].prefix { $0.isNumber })
                    startLine = String(text.prefix { $0 != "\n" })
                }
            }
        }
        self.port = port ?? 0
        // What the child logged before its start line is already in the pipe: read it without waiting.
        let errors = errorHandle.fileDescriptor
        let flags = fcntl(errors, F_GETFL)
        _ = fcntl(errors, F_SETFL, flags | O_NONBLOCK)
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

    /// What the child logged to stderr before its start line.
    public var startupLog: String { String(decoding: collected, as: UTF8.self) }

    /// A test that ends early (a failed `#require`) leaves no server behind.
    deinit {
        if child.poll() == nil {
            child.signal(SIGKILL)
            _ = child.wait(within: 10)
        }
    }

    /// SIGKILL, then waits (bounded) for its end. A SIGKILLed process is gone even when its end
    /// is seen late: its file locks and sockets are released by the kernel.
    public func kill() {
        child.signal(SIGKILL)
        _ = child.wait(within: 10)
    }

    /// SIGTERM, then the exit status once the child has stopped by itself; -1 if it did not
    /// within 30 s (it is then killed).
    public func terminate() -> Int32 {
        child.signal(SIGTERM)
        return waitForExit()
    }

    /// The exit status once the child has ended by itself (after a signal already sent): the
    /// exit code or 128 + the signal; -1 if it did not within 30 s (it is then killed).
    public func waitForExit() -> Int32 {
        guard let status = child.wait(within: 30) else {
            kill()
            return -1
        }
        return status
    }
}
