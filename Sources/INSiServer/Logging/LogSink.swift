import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// Where the server's log lines go: formatted by the logging thread into a bounded buffer, and
/// written in batches by a writer thread of their own, so that an event loop never waits for
/// the terminal, a pipe or a disk.
///
/// A batch is written at least every `flushInterval` (100 ms), at once after a line of level
/// warning or above, when the buffer is half full, on ``flush()`` and on ``shutdown()``.
/// Memory is fixed at start (two buffers of `bufferBytes`): a line that does not fit while the
/// output cannot keep up is dropped and counted (``droppedLines``, `insi_log_lines_dropped_total`),
/// and the next batch says how many were lost.
public final class LogSink: Sendable {
    public struct Configuration: Sendable {
        public var format: LogFormat = .text
        /// Each of the two buffers (the one being filled, the one being written).
        public var bufferBytes = 1 << 20
        public var flushInterval: Duration = .milliseconds(100)
        public var clock: LogClock = .system

        public init(format: LogFormat = .text) {
            self.format = format
        }
    }

    private struct State {
        var front: LogBuffer
        var timestamp = LogTimestamp()
        var dropped = 0
        /// The writer was signalled and has not taken a batch since.
        var wakeRequested = false
        var closed = false
    }

    /// What only the thread writing a batch touches.
    private struct Writer {
        var spare: LogBuffer
        var timestamp = LogTimestamp()
        var droppedReported = 0
    }

    public let configuration: Configuration
    private let output: Int32
    private let formatter: LogLineFormatter
    // Guards the buffer being filled and the cached timestamp: held while a line is formatted.
    private let state: Mutex<State>
    // Held while a batch is taken and written, so that batches leave in order whoever writes them.
    private let writer: Mutex<Writer>
    private let dropped = Atomic<Int>(0)
    private let wake = DispatchSemaphore(value: 0)
    private let writerDone = DispatchSemaphore(value: 0)

    /// Starts the writer thread; `output` stays open (and owned by the caller).
    public init(output: Int32, configuration: Configuration = Configuration()) {
        self.output = output
        self.configuration = configuration
        formatter = LogLineFormatter(format: configuration.format)
        let bytes = max(4096, configuration.bufferBytes)
        state = Mutex(State(front: LogBuffer(capacity: bytes)))
        writer = Mutex(Writer(spare: LogBuffer(capacity: bytes)))
        let thread = Thread { [self] in runWriter() }
        thread.name = "insi-sim log writer"
        thread.start()
    }

    /// Lines dropped because the output did not keep up (or failed), since start.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Bytes formatted and not yet handed to the output.
    var pendingBytes: Int { state.withLock { $0.front.count } }

    /// Formats one line into the buffer; wakes the writer for warnings and above.
    func append(level: Logger.Level, label: String, source: String, message: String,
                metadata: UnsafeBufferPointer<LogLineFormatter.Entry>) {
        append(level: level) { timestamp, buffer in
            formatter.write(timestamp: timestamp, level: level, label: label, source: source, message: message,
                            metadata: metadata, into: buffer)
        }
    }

    /// Formats the line of a call (``LogLineFormatter/writeCall(timestamp:label:code:messageID:milliseconds:operation:into:)``).
    func appendCall(label: String, code: String, messageID: String, milliseconds: String, operation: String) {
        append(level: .info) { timestamp, buffer in
            formatter.writeCall(timestamp: timestamp, label: label, code: code, messageID: messageID,
                                milliseconds: milliseconds, operation: operation, into: buffer)
        }
    }

    /// Has `writeLine` write one line into the buffer, with the timestamp of this second; counts
    /// the line dropped when it does not fit.
    ///
    /// One buffer for every thread, under one lock: lines leave in the order they were logged.
    /// (A buffer per thread, tried, saved about 1% of a call with two loops, and wrote one
    /// thread's lines of a batch before another's: a "stopped" before its "stopping".)
    private func append(level: Logger.Level, _ writeLine: (LogTimestamp, LogBuffer) -> Void) {
        let second = configuration.clock.seconds()
        let (signal, closed) = state.withLock { state -> (Bool, Bool) in
            state.timestamp.update(to: second, utcOffset: configuration.clock.utcOffset)
            state.front.beginLine()
            writeLine(state.timestamp, state.front)
            if !state.front.endLine() {
                state.dropped += 1
                dropped.add(1, ordering: .relaxed)
            }
            let urgent = level >= .warning || state.front.count >= state.front.capacity / 2
            guard urgent, !state.wakeRequested, !state.closed else { return (false, state.closed) }
            state.wakeRequested = true
            return (true, false)
        }
        if closed {
            flush()
        } else if signal {
            wake.signal()
        }
    }

    /// Writes what is buffered, on the caller's thread, and returns once it is written.
    public func flush() {
        writer.withLock { writer in
            let droppedSoFar = state.withLock { state -> Int in
                swap(&state.front, &writer.spare)
                state.wakeRequested = false
                return state.dropped
            }
            write(writer.spare)
            writer.spare.removeAll()
            if droppedSoFar > writer.droppedReported {
                let count = droppedSoFar - writer.droppedReported
                writer.droppedReported = droppedSoFar
                writer.timestamp.update(to: configuration.clock.seconds(), utcOffset: configuration.clock.utcOffset)
                writer.spare.beginLine()
                let message = "\(count) log lines dropped: the log output did not keep up (insi_log_lines_dropped_total)"
                formatter.write(timestamp: writer.timestamp, level: .warning, label: "insi-sim", source: "INSiServer",
                                message: message, metadata: UnsafeBufferPointer(start: nil, count: 0), into: writer.spare)
                _ = writer.spare.endLine()
                write(writer.spare)
                writer.spare.removeAll()
            }
        }
    }

    /// Writes what is left and stops the writer thread; later lines are written at once.
    /// Gives up after `timeout` when the output does not take the last batch (a stalled pipe
    /// must not keep the process from exiting).
    public func shutdown(timeout: Duration = .seconds(5)) {
        let alreadyClosed = state.withLock { state -> Bool in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        wake.signal()
        guard writerDone.wait(timeout: .now() + Self.dispatchInterval(timeout)) == .success else { return }
        flush()
    }

    private func runWriter() {
        let interval = Self.dispatchInterval(configuration.flushInterval)
        while true {
            _ = wake.wait(timeout: .now() + interval)
            let closed = state.withLock { $0.closed }
            flush()
            if closed { break }
        }
        writerDone.signal()
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int(clamping: seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// Hands `buffer` to the output whole; on failure its lines count as dropped.
    private func write(_ buffer: LogBuffer) {
        let bytes = buffer.bytes
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(output, base + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var descriptor = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 1000)
            } else {
                dropped.add(buffer.lines, ordering: .relaxed)
                return
            }
        }
    }
}

