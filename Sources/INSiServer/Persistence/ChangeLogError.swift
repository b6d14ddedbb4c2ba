#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a `ChangeLog` could not be opened or could not record a change. Every message names the
/// file or directory involved and, for system errors, the system's own explanation.
public enum ChangeLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data directory (or one of its parents) could not be created.
    case cannotCreateDirectory(path: String, errno: Int32)
    /// The data directory path exists but is not a directory.
    case notADirectory(path: String)
    /// A system call failed: `operation` is what was attempted ("open", "write", "fsync", "rename"...).
    case ioFailure(operation: String, path: String, errno: Int32)
    /// A file's content is damaged in a way a crash cannot explain (or cannot be read as ours):
    /// opening refuses rather than silently dropping changes.
    case corruptFile(path: String, offset: Int, reason: String)
    /// The snapshot and the log do not belong together (e.g. the snapshot was restored from an
    /// older backup, or deleted): replaying would lose or duplicate changes.
    case inconsistentFiles(directory: String, reason: String)
    /// Another process (or another `ChangeLog` in this process) holds the directory's lock.
    case directoryInUse(path: String)
    /// An earlier failure left the log in a state where accepting more changes could lose them;
    /// a successful `compact(state:)` (or a restart) makes it usable again.
    case logUnusable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, code):
            return "cannot create data directory \(path): \(Self.explain(code)); check the path and its permissions"
        case let .notADirectory(path):
            return "\(path) exists but is not a directory; choose another data directory"
        case let .ioFailure(operation, path, code):
            return "cannot \(operation) \(path): \(Self.explain(code))\(Self.hint(code))"
        case let .corruptFile(path, offset, reason):
            return "\(path) is corrupt at byte \(offset): \(reason). Refusing to open it so that no change is "
                + "silently dropped: restore it from a backup, or truncate it at byte \(offset) to knowingly "
                + "discard everything from there on"
        case let .inconsistentFiles(directory, reason):
            return "\(directory): \(reason). Refusing to open it so that no change is lost or applied twice: "
                + "restore the two files together, or move them away to start afresh"
        case let .directoryInUse(path):
            return "\(path) is already in use by another insi-sim (its lock file \(path)/lock is held); "
                + "stop that process or choose another data directory"
        case let .logUnusable(path, reason):
            return "\(path) cannot record changes any more: \(reason); restart the server (or compact) once the cause is fixed"
        }
    }

    /// "No space left on device (errno 28)".
    static func explain(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }

    private static func hint(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: return "; free some disk space"
        case EACCES, EPERM: return "; check the permissions of the data directory"
        case EROFS: return "; the file system is read-only, choose another data directory"
        default: return ""
        }
    }
}
