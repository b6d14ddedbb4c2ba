/// Progress of a seed file load: `report` is called every few thousand identities with the
/// bytes read, the input size and the identities read so far; `finish` once at the end.
/// The library only reports; showing progress is the caller's (the CLI draws a bar on a
/// terminal): library code never writes to standard error.
public struct SeedLoadProgress: Sendable {
    public var report: @Sendable (_ bytesRead: Int, _ totalBytes: Int, _ identities: Int) -> Void
    public var finish: @Sendable (_ identities: Int) -> Void

    public init(report: @escaping @Sendable (Int, Int, Int) -> Void, finish: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.report = report
        self.finish = finish
    }

    /// Identities read between two reports.
    public static let interval = 16_384

    /// Nothing reported.
    public static let none = SeedLoadProgress(report: { _, _, _ in })
}
