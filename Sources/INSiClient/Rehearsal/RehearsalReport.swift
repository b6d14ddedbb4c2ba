import Foundation

/// A whole rehearsal: where, when, and every case.
public struct RehearsalReport: Sendable {
    /// What was called and whether it was insi-sim: the report says which expectations applied.
    public var target: RehearsalTarget
    /// The pack file.
    public var pack: URL
    /// The pack's `title`, when it has one: the reports' heading.
    public var packTitle: String?
    /// The approval number sent (cases may override it).
    public var idam: String
    /// When the rehearsal began, for the reports' timestamp.
    public var started: Date
    /// The whole rehearsal, target detection included.
    public var duration: Duration
    /// One result per case, in pack order.
    public var results: [RehearsalCaseResult]

    /// Public so that tests and other report writers can build a report without a run.
    public init(target: RehearsalTarget, pack: URL, packTitle: String?, idam: String, started: Date, duration: Duration,
                results: [RehearsalCaseResult]) {
        self.target = target
        self.pack = pack
        self.packTitle = packTitle
        self.idam = idam
        self.started = started
        self.duration = duration
        self.results = results
    }

    /// The cases that passed, for the summary line.
    public var passed: Int { results.filter { $0.status == .passed }.count }
    /// The cases that failed: any makes ``exitCode`` 1.
    public var failed: Int { results.filter { $0.status == .failed }.count }
    /// The cases not run: reported apart, never counted as passed.
    public var skipped: Int { results.filter { $0.status == .skipped }.count }

    /// `N passed, M failed, K skipped`.
    public var summaryLine: String {
        "\(passed) passed, \(failed) failed, \(skipped) skipped"
    }

    /// 0 when nothing failed (skips allowed), 1 otherwise.
    public var exitCode: Int32 { failed == 0 ? 0 : 1 }
}

/// Number and date formats shared by the console and the report writers.
enum RehearsalFormat {
    static func milliseconds(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", duration.seconds)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
