import Foundation

/// Progress of a seed file load: `report` is called every few thousand identities with the
/// bytes read, the input size and the identities read so far; `finish` once at the end.
public struct SeedLoadProgress: Sendable {
    public var report: @Sendable (_ bytesRead: Int, _ totalBytes: Int, _ identities: Int) -> Void
    public var finish: @Sendable (_ identities: Int) -> Void

    public init(report: @escaping @Sendable (Int, Int, Int) -> Void, finish: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.report = report
        self.finish = finish
    }

    /// Identities read between two reports.
    static let interval = 16_384

    /// Bases up to this size load without a progress line (a blink, not worth a line).
    public static let terminalThreshold = 100_000

    /// Nothing shown.
    public static let none = SeedLoadProgress(report: { _, _, _ in })

    /// A line on standard error, rewritten in place, once more than 100,000 identities were
    /// read, and only when standard error is a terminal (never in logs or pipes).
    public static let terminal: SeedLoadProgress = {
        guard isatty(2) == 1 else { return .none }
        let shown = ShownFlag()
        return SeedLoadProgress(
            report: { bytes, total, identities in
                guard identities > terminalThreshold else { return }
                shown.set()
                let percent = total > 0 ? min(100, bytes * 100 / total) : 0
                StandardError.write("\rloading the reference base: \(percent)% (\(identities.formatted()) identities)\u{1B}[K")
            },
            finish: { identities in
                guard shown.isSet else { return }
                StandardError.write("\rloading the reference base: 100% (\(identities.formatted()) identities)\u{1B}[K\n")
            })
    }()
}

/// Whether the terminal line was started (set from the loading thread, read at the end).
private final class ShownFlag: @unchecked Sendable {
    // A lock is overkill: one thread loads; the class only makes the closure Sendable.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe).
enum StandardError {
    static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

extension Int {
    /// 1,000,000: thousands separated by commas, whatever the locale (messages are in English).
    func formatted() -> String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return self < 0 ? "-" + out : out
    }
}
