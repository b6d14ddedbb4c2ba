import Logging

/// Writes one log event as one line into a `LogBuffer`, in the chosen format. Nothing here
/// allocates for the usual values (strings): the bytes go straight into the buffer.
struct LogLineFormatter {
    typealias Entry = (key: String, value: Logger.MetadataValue)

    let format: LogFormat

    /// One line, ending with a newline. `metadata` is sorted by key, without duplicates.
    func write(
        timestamp: LogTimestamp, level: Logger.Level, label: String, source: String, message: String,
        metadata: UnsafeBufferPointer<Entry>, into buffer: LogBuffer
    ) {
        writeOpening(timestamp: timestamp, level: level, label: label, source: source, message: message,
                     hasMetadata: !metadata.isEmpty, into: buffer)
        for (index, entry) in metadata.enumerated() {
            switch format {
            case .text:
                buffer.append(UInt8(ascii: " "))
                buffer.append(entry.key)
                buffer.append(UInt8(ascii: "="))
                Self.writeText(entry.value, into: buffer)
            case .json:
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                Self.writeJSONString(entry.key, into: buffer)
                buffer.append(UInt8(ascii: ":"))
                Self.writeJSON(entry.value, into: buffer)
            }
        }
        writeClosing(source: source, message: message, hasMetadata: !metadata.isEmpty, into: buffer)
    }

    /// The line of a call (``INSiEndpoint``): `write` with the metadata `code`, `messageID`,
    /// `ms` and `operation`, each a string. Its values are written as they are passed: building
    /// the entries of `write` (and copying each as it was read) was half the line's cost.
    func writeCall(
        timestamp: LogTimestamp, label: String, code: String, messageID: String, milliseconds: String, operation: String,
        into buffer: LogBuffer
    ) {
        writeOpening(timestamp: timestamp, level: .info, label: label, source: CallLine.source, message: CallLine.message,
                     hasMetadata: true, into: buffer)
        writeEntry(first: true, CallLine.codeKey, code, into: buffer)
        writeEntry(first: false, CallLine.messageIDKey, messageID, into: buffer)
        writeEntry(first: false, CallLine.millisecondsKey, milliseconds, into: buffer)
        writeEntry(first: false, CallLine.operationKey, operation, into: buffer)
        writeClosing(source: CallLine.source, message: CallLine.message, hasMetadata: true, into: buffer)
    }

    /// The call line's constants: its source, its message and its metadata's keys, in order.
    enum CallLine {
        static var source: String { "INSiServer" }
        static var message: String { "call" }
        static var codeKey: StaticString { "code" }
        static var messageIDKey: StaticString { "messageID" }
        static var millisecondsKey: StaticString { "ms" }
        static var operationKey: StaticString { "operation" }

        /// The same line's metadata for swift-log's `Logger` (handlers other than the server's).
        static func metadata(code: String, messageID: String, milliseconds: String, operation: String) -> Logger.Metadata {
            ["\(codeKey)": .string(code), "\(messageIDKey)": .string(messageID),
             "\(millisecondsKey)": .string(milliseconds), "\(operationKey)": .string(operation)]
        }
    }

    /// What comes before the metadata: in text `StreamLogHandler`'s "\(timestamp) \(level) \(label):",
    /// in JSON the object's fields up to the metadata's.
    private func writeOpening(
        timestamp: LogTimestamp, level: Logger.Level, label: String, source: String, message: String,
        hasMetadata: Bool, into buffer: LogBuffer
    ) {
        switch format {
        case .text:
            timestamp.text.withUnsafeBufferPointer { buffer.append($0) }
            buffer.append(UInt8(ascii: " "))
            buffer.append(Self.name(of: level))
            if !label.isEmpty {
                buffer.append(UInt8(ascii: " "))
                buffer.append(label)
            }
            buffer.append(UInt8(ascii: ":"))
        case .json:
            buffer.append("{\"time\":\"" as StaticString)
            timestamp.rfc3339.withUnsafeBufferPointer { buffer.append($0) }
            buffer.append("\",\"level\":\"" as StaticString)
            buffer.append(Self.name(of: level))
            buffer.append("\",\"label\":\"" as StaticString)
            buffer.appendJSONEscaped(label)
            buffer.append("\",\"source\":\"" as StaticString)
            buffer.appendJSONEscaped(source)
            buffer.append("\",\"message\":\"" as StaticString)
            buffer.appendJSONEscaped(message)
            buffer.append(UInt8(ascii: "\""))
            if hasMetadata { buffer.append(",\"metadata\":{" as StaticString) }
        }
    }

    /// What comes after the metadata, and the newline: in text " [\(source)] \(message)".
    private func writeClosing(source: String, message: String, hasMetadata: Bool, into buffer: LogBuffer) {
        switch format {
        case .text:
            buffer.append(" [" as StaticString)
            buffer.append(source)
            buffer.append("] " as StaticString)
            buffer.append(message)
        case .json:
            if hasMetadata { buffer.append(UInt8(ascii: "}")) }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One metadata entry whose value is a string; `key` needs no escaping.
    private func writeEntry(first: Bool, _ key: StaticString, _ value: String, into buffer: LogBuffer) {
        switch format {
        case .text:
            buffer.append(UInt8(ascii: " "))
            buffer.append(key)
            buffer.append(UInt8(ascii: "="))
            buffer.append(value)
        case .json:
            if !first { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "\""))
            buffer.append(key)
            buffer.append("\":" as StaticString)
            Self.writeJSONString(value, into: buffer)
        }
    }

    static func name(of level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    /// As `Logger.MetadataValue.description` writes it (the text format's `key=value`).
    private static func writeText(_ value: Logger.MetadataValue, into buffer: LogBuffer) {
        switch value {
        case .string(let text): buffer.append(text)
        case .stringConvertible(let convertible): buffer.append(convertible.description)
        case .array, .dictionary: buffer.append(value.description)
        }
    }

    private static func writeJSONString(_ text: String, into buffer: LogBuffer) {
        buffer.append(UInt8(ascii: "\""))
        buffer.appendJSONEscaped(text)
        buffer.append(UInt8(ascii: "\""))
    }

    /// Strings (and anything string-convertible) as JSON strings, arrays as arrays, dictionaries
    /// as objects with sorted keys.
    private static func writeJSON(_ value: Logger.MetadataValue, into buffer: LogBuffer) {
        switch value {
        case .string(let text):
            writeJSONString(text, into: buffer)
        case .stringConvertible(let convertible):
            writeJSONString(convertible.description, into: buffer)
        case .array(let values):
            buffer.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                writeJSON(element, into: buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            buffer.append(UInt8(ascii: "{"))
            for (index, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                writeJSONString(entry.key, into: buffer)
                buffer.append(UInt8(ascii: ":"))
                writeJSON(entry.value, into: buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }
}
