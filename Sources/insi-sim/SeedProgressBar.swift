import Foundation

/// A progress bar on standard error, drawn only when it is a terminal (never in pipes or logs),
/// redrawn when the percentage changes.
final class ProgressBar {
    private let total: Int
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
