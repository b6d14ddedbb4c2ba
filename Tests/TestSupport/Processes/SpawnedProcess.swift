import CSystemLinux
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for every program a test runs.
///
/// Not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` with a read past the end
/// of each directory entry (swift-corelibs-foundation#5472, fixed after the 6.3 toolchain), which
/// crashed the whole parallel suite once the test process held about 1,400 descriptors (a test
/// holding a thousand keep-alive connections beside one starting a child). Here the child
/// closes every inherited descriptor above 2 (`addclosefrom`), so no test's socket lives on in
/// another test's child.
// @unchecked: `pid` and the pipe ends are set in init; `status`, the one thing that changes,
// is behind its mutex.
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: pid_t
    /// The write end of the child's standard input (nil: the child reads /dev/null).
    public let input: FileHandle?
    /// The read end of the child's standard output.
    public let output: FileHandle
    /// The read end of the child's standard error; nil when it goes with standard output or
    /// to /dev/null.
    public let errors: FileHandle?

    /// Where the child's standard error goes.
    public enum ErrorOutput: Sendable {
        case separate, withOutput, discarded
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A child that ends before reading all its input would otherwise kill the test process
    /// with SIGPIPE on our next write (the HTTP server ignores it too, but only once started).
    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// The exit status once reaped.
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - environment: the child's whole environment; nil: the test process's own.
    ///   - directory: the child's working directory; nil: the test process's.
    ///   - input: whether the test writes the child's standard input.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, input: Bool = false, errors: ErrorOutput = .separate) throws {
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
            // Other children close it anyway (addclosefrom); this is for programs spawned otherwise.
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
        _ = Self.ignoreBrokenPipes
        var made: [(read: Int32, write: Int32)] = []
        func makeOrClose() throws -> (read: Int32, write: Int32) {
            do {
                let pair = try makePipe()
                made.append(pair)
                return pair
            } catch {
                for pair in made { close(pair.read); close(pair.write) }
                throw error
            }
        }
        let outputPipe = try makeOrClose()
        let errorPipe = errors == .separate ? try makeOrClose() : nil
        let inputPipe = input ? try makeOrClose() : nil

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let inputPipe {
            posix_spawn_file_actions_adddup2(&actions, inputPipe.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 1)
        switch errors {
        case .separate: posix_spawn_file_actions_adddup2(&actions, errorPipe!.write, 2)
        case .withOutput: posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 2)
        case .discarded: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        csystem_spawn_addclosefrom(&actions, 3)
        if let directory { csystem_spawn_addchdir(&actions, directory) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let pairs = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            pairs.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, pairs)
        // The child's ends are the child's alone now.
        close(outputPipe.write)
        if let errorPipe { close(errorPipe.write) }
        if let inputPipe { close(inputPipe.read) }
        guard spawned == 0 else {
            close(outputPipe.read)
            if let errorPipe { close(errorPipe.read) }
            if let inputPipe { close(inputPipe.write) }
            throw Failure(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        pid = child
        output = FileHandle(fileDescriptor: outputPipe.read, closeOnDealloc: true)
        self.errors = errorPipe.map { FileHandle(fileDescriptor: $0.read, closeOnDealloc: true) }
        self.input = inputPipe.map { FileHandle(fileDescriptor: $0.write, closeOnDealloc: true) }
    }

    /// Blocks until the child ends: its exit code, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        while true {
            if let known = status.withLock({ $0 }) { return known }
            if let ended = reap(options: 0) { return ended }
        }
    }

    /// The exit status if the child has ended, else nil (it is still running).
    public func poll() -> Int32? {
        status.withLock { $0 } ?? reap(options: WNOHANG)
    }

    /// The status after waiting at most `seconds` (checked every 10 ms), nil if still running.
    public func wait(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let ended = poll() { return ended }
            usleep(10_000)
        }
        return poll()
    }

    public func signal(_ signal: Int32) {
        guard poll() == nil else { return }
        kill(pid, signal)
    }

    private func reap(options: Int32) -> Int32? {
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, options)
        if reaped == pid {
            let ended = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            status.withLock { $0 = ended }
            return ended
        }
        guard reaped == -1 else { return nil }
        if errno == EINTR { return status.withLock { $0 } }
        // ECHILD: another caller of ours reaped it and records the status at once; if none
        // does (the child was reaped outside this class), -1 rather than waiting forever.
        for _ in 0..<100 {
            if let known = status.withLock({ $0 }) { return known }
            usleep(1_000)
        }
        return status.withLock { value in
            if value == nil { value = -1 }
            return value
        }
    }
}
