import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// Where the server's log lines go: formatted by the logging thread into a bounded buffer of its
/// own, and written in batches by a writer thread, so that an event loop never waits for the
/// terminal, a pipe or a disk.
///
/// A batch is written at least every `flushInterval` (100 ms), at once after a line of level
/// warning or above, when a buffer is half full, on ``flush()`` and on ``shutdown()``.
/// Each thread that logs gets its buffer of `bufferBytes` at its first line (at most
/// ``ThreadShards/defaultCount`` buffers, threads beyond share them), and the writer holds one
/// more: memory is bounded whatever the output does. A line that does not fit while the output
/// cannot keep up is dropped and counted (``droppedLines``, `insi_log_lines_dropped_total`), and
/// the next batch says how many were lost.
///
/// Each thread's lines keep their order. A batch holds one thread's lines after another's: lines
/// of two event loops within 100 ms of each other may be written out of their time order (their
/// calls were on different connections, at the same time).
public final class LogSink: Sendable {
    public struct Configuration: Sendable {
        public var format: LogFormat = .text
        /// Each buffer (one per thread that logs, one being written).
        public var bufferBytes = 1 << 20
        public var flushInterval: Duration = .milliseconds(100)
        public var clock: LogClock = .system

        public init(format: LogFormat = .text) {
            self.format = format
        }
    }

    /// One thread's lines waiting for the writer.
    private struct Front {
        /// Made at the thread's first line.
        var buffer: LogBuffer?
        var timestamp = LogTimestamp()
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
    private let bufferBytes: Int
    // The lines being filled, a buffer per thread (``ThreadShards``): one buffer written by both
    // event loops moved its cache lines, and its lock's, between the cores on every call.
    private let fronts: ThreadShards<Front>
    // Held while a batch is taken and written, so that batches leave in order whoever writes them.
    private let writer: Mutex<Writer>
    // Lines dropped because a buffer was full (reported in the output), and in all (with the
    // lines of batches the output refused).
    private let droppedForRoom = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    // The writer was signalled and has not taken a batch since.
    private let wakeRequested = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let writerDone = DispatchSemaphore(value: 0)

    /// Starts the writer thread; `output` stays open (and owned by the caller).
    public init(output: Int32, configuration: Configuration = Configuration()) {
        self.output = output
        self.configuration = configuration
        formatter = LogLineFormatter(format: configuration.format)
        bufferBytes = max(4096, configuration.bufferBytes)
        fronts = ThreadShards { Front() }
        writer = Mutex(Writer(spare: LogBuffer(capacity: bufferBytes)))
        let thread = Thread { [self] in runWriter() }
        thread.name = "insi-sim log writer"
        thread.start()
    }

    /// Lines dropped because the output did not keep up (or failed), since start.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Bytes formatted and not yet handed to the output.
    var pendingBytes: Int {
        var bytes = 0
        fronts.forEachShard { bytes += $0.buffer?.count ?? 0 }
        return bytes
    }

    /// Formats one line into the thread's buffer; wakes the writer for warnings and above.
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

    /// Has `writeLine` write one line into the thread's buffer (made at its first line), with the
    /// timestamp of this second; counts the line dropped when it does not fit.
    private func append(level: Logger.Level, _ writeLine: (LogTimestamp, LogBuffer) -> Void) {
        let second = configuration.clock.seconds()
        let urgent = fronts.withLocalShard { front -> Bool in
            let buffer: LogBuffer
            if let existing = front.buffer {
                buffer = existing
            } else {
                buffer = LogBuffer(capacity: bufferBytes)
                front.buffer = buffer
            }
            front.timestamp.update(to: second, utcOffset: configuration.clock.utcOffset)
            buffer.beginLine()
            writeLine(front.timestamp, buffer)
            if !buffer.endLine() {
                droppedForRoom.add(1, ordering: .relaxed)
                dropped.add(1, ordering: .relaxed)
            }
            return level >= .warning || buffer.count >= buffer.capacity / 2
        }
        if closed.load(ordering: .acquiring) {
            flush()
        } else if urgent, wakeRequested.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            wake.signal()
        }
    }

    /// Writes what is buffered, on the caller's thread, and returns once it is written.
    public func flush() {
        writer.withLock { writer in
            // Cleared before the buffers are taken: an urgent line added after this wakes the
            // writer again, one added before is in the batch.
            wakeRequested.store(false, ordering: .sequentiallyConsistent)
            for index in 0..<fronts.count {
                fronts.withShard(at: index) { front in
                    guard let buffer = front.buffer, !buffer.isEmpty else { return }
                    front.buffer = writer.spare
                    writer.spare = buffer
                }
                write(writer.spare)
                writer.spare.removeAll()
            }
            let droppedSoFar = droppedForRoom.load(ordering: .relaxed)
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
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        guard writerDone.wait(timeout: .now() + Self.dispatchInterval(timeout)) == .success else { return }
        flush()
    }

    private func runWriter() {
        let interval = Self.dispatchInterval(configuration.flushInterval)
        while true {
            _ = wake.wait(timeout: .now() + interval)
            let closed = closed.load(ordering: .acquiring)
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

