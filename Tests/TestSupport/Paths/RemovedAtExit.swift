import Foundation
import Synchronization

/// Folders a whole test run shares (test PKIs, made once), removed when the test process
/// exits: no single test owns them, so none may remove them, and they hold private keys that
/// should not pile up in the temporary directory run after run.
public enum RemovedAtExit {
    /// The paths to remove, registered from any test's thread.
    private static let paths = Mutex<[String]>([])
    private static let hooked: Bool = {
        atexit { RemovedAtExit.removeAll() }
        return true
    }()

    /// Removes `folder` (and what it holds) when the process exits.
    public static func register(_ folder: URL) {
        _ = hooked
        paths.withLock { $0.append(folder.path) }
    }

    private static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
