#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor, closed when the last reference goes away (so that every early exit of
/// an initializer or a compaction closes what it opened). Immutable, hence `Sendable`.
final class FileDescriptor: Sendable {
    let raw: Int32
    let path: String

    init(raw: Int32, path: String) {
        self.raw = raw
        self.path = path
    }

    deinit {
        // close(2) must not be retried on EINTR on Linux: the descriptor is released either way.
        _ = close(raw)
    }
}

/// The few POSIX calls the change log needs, with EINTR retried, partial writes completed and
/// failures turned into `ChangeLogError` naming the path. Nothing here goes through FileHandle
/// or FileManager, so durability (fsync of files and directories) is explicit.
enum POSIXFile {
    /// Runs `call` again while it fails with EINTR; returns its result (-1 with `errno` set on failure).
    @inline(__always)
    private static func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result != -1 || errno != EINTR { return result }
        }
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(ChangeLogError) -> FileDescriptor {
        let fd = retryingEINTR { Self.systemOpen(path, flags, mode) }
        guard fd >= 0 else { throw .ioFailure(operation: "open", path: path, errno: errno) }
        return FileDescriptor(raw: fd, path: path)
    }

    private static func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Darwin)
        return Darwin.open(path, flags, mode)
        #elseif canImport(Musl)
        return Musl.open(path, flags, mode)
        #else
        return Glibc.open(path, flags, mode)
        #endif
    }

    /// Whole content of `path`, or nil if it does not exist.
    static func readAll(_ path: String) throws(ChangeLogError) -> [UInt8]? {
        let fd = retryingEINTR { Self.systemOpen(path, O_RDONLY | O_CLOEXEC, 0) }
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw .ioFailure(operation: "open", path: path, errno: code)
        }
        let file = FileDescriptor(raw: fd, path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                retryingEINTR { read(file.raw, buffer.baseAddress, buffer.count) }
            }
            if count < 0 { throw .ioFailure(operation: "read", path: path, errno: errno) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes all of `bytes` (looping over partial writes).
    static func writeAll(_ file: FileDescriptor, _ bytes: [UInt8]) throws(ChangeLogError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = retryingEINTR { write(file.raw, buffer.baseAddress.map { $0 + done }, buffer.count - done) }
                if count < 0 { failure = errno; return }
                if count == 0 { failure = EIO; return }  // no progress and no error: do not spin
                done += count
            }
        }
        if failure != 0 { throw .ioFailure(operation: "write", path: file.path, errno: failure) }
    }

    /// Flushes the file's data and metadata to stable storage (F_FULLFSYNC on Darwin, where fsync
    /// does not flush the drive's cache).
    static func sync(_ file: FileDescriptor) throws(ChangeLogError) {
        #if canImport(Darwin)
        if retryingEINTR({ fcntl(file.raw, F_FULLFSYNC) }) == 0 { return }
        #endif
        if retryingEINTR({ fsync(file.raw) }) != 0 {
            throw .ioFailure(operation: "fsync", path: file.path, errno: errno)
        }
    }

    static func truncate(_ file: FileDescriptor, to size: Int) throws(ChangeLogError) {
        if retryingEINTR({ ftruncate(file.raw, off_t(size)) }) != 0 {
            throw .ioFailure(operation: "truncate", path: file.path, errno: errno)
        }
    }

    /// Makes the directory's entries (creations, renames, removals) durable. File systems that
    /// cannot fsync a directory (EINVAL) are accepted as they are.
    static func syncDirectory(_ path: String) throws(ChangeLogError) {
        let directory = try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if retryingEINTR({ fsync(directory.raw) }) != 0 {
            let code = errno
            if code == EINVAL || code == ENOTSUP { return }
            throw .ioFailure(operation: "fsync directory", path: path, errno: code)
        }
    }

    static func rename(_ source: String, to destination: String) throws(ChangeLogError) {
        #if canImport(Darwin)
        let result = Darwin.rename(source, destination)
        #elseif canImport(Musl)
        let result = Musl.rename(source, destination)
        #else
        let result = Glibc.rename(source, destination)
        #endif
        if result != 0 { throw .ioFailure(operation: "rename to \(destination)", path: source, errno: errno) }
    }

    /// Removes `path`; returns false if it did not exist.
    static func removeIfPresent(_ path: String) throws(ChangeLogError) -> Bool {
        if unlink(path) == 0 { return true }
        let code = errno
        if code == ENOENT { return false }
        throw .ioFailure(operation: "remove", path: path, errno: code)
    }

    /// Takes an exclusive advisory lock on `file`, held until it is closed.
    static func lockExclusively(_ file: FileDescriptor, directory: String) throws(ChangeLogError) {
        if retryingEINTR({ flock(file.raw, LOCK_EX | LOCK_NB) }) == 0 { return }
        let code = errno
        if code == EWOULDBLOCK { throw .directoryInUse(path: directory) }
        throw .ioFailure(operation: "lock", path: file.path, errno: code)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `path` without its last component ("/a/b" -> "/a", "b" -> ".", "/a" -> "/").
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// `mkdir -p`, fsyncing each parent in which a directory was created.
    static func makeDirectories(_ path: String) throws(ChangeLogError) {
        if mkdir(path, 0o755) == 0 {
            try syncDirectory(parent(of: path))
            return
        }
        let code = errno
        switch code {
        case EEXIST:
            guard isDirectory(path) else { throw .notADirectory(path: path) }
        case ENOENT:
            let parent = parent(of: path)
            guard parent != path, parent != "." else { throw .cannotCreateDirectory(path: path, errno: code) }
            try makeDirectories(parent)
            if mkdir(path, 0o755) == 0 {
                try syncDirectory(parent)
            } else {
                let retryCode = errno
                guard retryCode == EEXIST, isDirectory(path) else {
                    throw .cannotCreateDirectory(path: path, errno: retryCode)
                }
            }
        default:
            throw .cannotCreateDirectory(path: path, errno: code)
        }
    }
}
