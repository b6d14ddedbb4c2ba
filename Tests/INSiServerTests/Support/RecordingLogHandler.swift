import Logging
import Synchronization

/// A log handler that keeps what it is given, for tests that check what the server logs.
struct RecordingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    /// The entries logged, shared by every copy of the handler.
    final class Store: Sendable {
        // Protects the entries: handlers log from every event loop.
        private let entries = Mutex<[Entry]>([])

        var all: [Entry] { entries.withLock { $0 } }

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.append(Entry(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
    }

    /// A logger at `info` that records into `store`.
    static func logger(_ store: Store) -> Logger {
        Logger(label: "insi-sim-test") { _ in RecordingLogHandler(store: store) }
    }
}
