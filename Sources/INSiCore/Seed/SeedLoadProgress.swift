/// Progress of a seed file load: `report` is called every few thousand identities with the
/// bytes read, the input size and the identities read so far; `finish` once at the end.
/// The library only reports; showing progress is the caller's (the CLI draws a bar on a
/// terminal): library code never writes to standard error.
public struct SeedLoadProgress: Sendable {
    public var report: @Sendable (_ bytesRead: Int, _ totalBytes: Int, _ identities: Int) -> Void
    public var finish: @Sendable (_ identities: Int) -> Void
    /// Identities read between two reports (positive: set once, at init).
    public let interval: Int

    public init(every interval: Int = SeedLoadProgress.defaultInterval, report: @escaping @Sendable (Int, Int, Int) -> Void,
                finish: @escaping @Sendable (Int) -> Void = { _ in }) {
        precondition(interval > 0, "a progress interval is a positive number of identities")
        self.interval = interval
        self.report = report
        self.finish = finish
    }

    /// Identities read between two reports unless told otherwise: often enough for a bar over a
    /// base of millions, rarely enough to cost nothing.
    public static let defaultInterval = 16_384

    /// The name ``defaultInterval`` had before the interval became a setting.
    @available(*, deprecated, renamed: "defaultInterval")
    public static var interval: Int { defaultInterval }

    /// Nothing reported.
    public static let none = SeedLoadProgress(report: { _, _, _ in })
}
