import Logging

/// The server's swift-log handler: the lines of `StreamLogHandler` (or their JSON form), written
/// through a ``LogSink`` so that logging a call costs the formatting and nothing else.
///
/// Bootstrap it once: `LoggingSystem.bootstrap { ServerLogHandler(label: $0, sink: sink, level: .info) }`.
public struct ServerLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata: Logger.Metadata {
        didSet { sortedMetadata = metadata.sorted { $0.key < $1.key } }
    }
    private var sortedMetadata: [LogLineFormatter.Entry] = []
    let label: String
    let sink: LogSink

    public init(label: String, sink: LogSink, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.metadata = [:]
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let provided = metadataProvider?.get() ?? [:]
        let message = event.message.description
        guard provided.isEmpty, event.error == nil, sortedMetadata.isEmpty else {
            // The general case, merged as `StreamLogHandler` merges: the handler's metadata, then
            // the provider's, then the event's, then the error.
            var merged = metadata
            merged.merge(provided) { _, new in new }
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            if let error = event.error {
                merged["error.message"] = "\(error)"
                merged["error.type"] = "\(String(reflecting: type(of: error)))"
            }
            let sorted = merged.sorted { $0.key < $1.key }
            sorted.withUnsafeBufferPointer { entries in
                sink.append(level: event.level, label: label, source: event.source, message: message, metadata: entries)
            }
            return
        }
        // A call's line: only the event's own few entries, sorted in place on the stack.
        let explicit = event.metadata ?? [:]
        withUnsafeTemporaryAllocation(of: LogLineFormatter.Entry.self, capacity: explicit.count) { entries in
            guard let base = entries.baseAddress else {
                sink.append(level: event.level, label: label, source: event.source, message: message, metadata: UnsafeBufferPointer(entries))
                return
            }
            var count = 0
            for entry in explicit {
                var index = count
                while index > 0 && base[index - 1].key > entry.key { index -= 1 }
                (base + index + 1).moveInitialize(from: base + index, count: count - index)
                (base + index).initialize(to: (entry.key, entry.value))
                count += 1
            }
            sink.append(level: event.level, label: label, source: event.source, message: message,
                        metadata: UnsafeBufferPointer(start: base, count: count))
            base.deinitialize(count: count)
        }
    }

    /// Writes the line of a call (``INSiEndpoint``): the line `Logger.info("call", metadata:)` with
    /// these four entries writes from the source `INSiServer`, without the `Logger.Metadata`
    /// dictionary swift-log's API builds and hashes, nor the source derived from the file name,
    /// nor the entries' values wrapped and copied: on every call, they were a measurable part of it.
    func logCall(code: String, messageID: String, milliseconds: String, operation: String) {
        guard .info >= logLevel else { return }
        guard metadataProvider == nil, sortedMetadata.isEmpty else {
            let metadata = LogLineFormatter.CallLine.metadata(code: code, messageID: messageID, milliseconds: milliseconds, operation: operation)
            log(event: LogEvent(level: .info, message: "\(LogLineFormatter.CallLine.message)", metadata: metadata,
                                source: LogLineFormatter.CallLine.source, file: #fileID, function: #function, line: #line))
            return
        }
        sink.appendCall(label: label, code: code, messageID: messageID, milliseconds: milliseconds, operation: operation)
    }
}
