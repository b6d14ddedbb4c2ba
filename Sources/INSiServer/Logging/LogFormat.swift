/// How the server writes its log lines.
public enum LogFormat: String, CaseIterable, Sendable {
    /// One line per event, as swift-log's `StreamLogHandler` writes it:
    /// `TIME LEVEL LABEL: KEY=VALUE ... [SOURCE] MESSAGE`.
    case text
    /// One JSON object per line: `time`, `level`, `label`, `source`, `message` and, when there
    /// is any, `metadata` (keys sorted).
    case json
}
