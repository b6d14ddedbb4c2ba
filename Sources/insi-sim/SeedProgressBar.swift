import Foundation
import INSiCore
import Synchronization

/// A progress bar on standard error, drawn only when it is a terminal (never in pipes or logs),
/// redrawn when the percentage changes.
final class ProgressBar {
    let total: Int
    private let label: String
    private let enabled: Bool
    private var shownPercent = -1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(2) == 1 && total > 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        guard percent != shownPercent else { return }
        shownPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% \(done)/\(total) \(label)\u{1B}[K".utf8))
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        update(done)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

extension SeedLoadProgress {
    /// A bar on standard error while a big base loads (over 100,000 identities: below, a blink
    /// not worth a line), only when standard error is a terminal.
    static var terminal: SeedLoadProgress {
        let bar = LockedProgressBar()
        return SeedLoadProgress(
            report: { bytes, total, identities in
                guard identities > 100_000 else { return }
                bar.update(bytes, of: total, label: "bytes of the reference base read (\(identities) identities)")
            },
            finish: { _ in bar.finish() })
    }
}

/// A progress bar built on first use (the total is known only then) and shared by the loading
/// thread's callbacks.
private final class LockedProgressBar: Sendable {
    // Protects the bar: created and updated from the seed loading threads.
    private let bar = Mutex<ProgressBar?>(nil)

    func update(_ done: Int, of total: Int, label: String) {
        bar.withLock { bar in
            if bar == nil { bar = ProgressBar(total: total, label: label) }
            bar?.update(done)
        }
    }

    func finish() {
        bar.withLock { bar in
            bar?.finish(bar?.total ?? 0)
        }
    }
}
