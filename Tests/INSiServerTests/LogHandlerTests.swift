import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import INSiServer
import Logging
import Testing
import TestSupport

/// The server's log handler: its lines, byte for byte, and how they reach the output.
@Suite("server log handler")
struct LogHandlerTests {
    /// 2026-11-23T08:40:55Z, shown in a zone one hour east of UTC.
    static let clock = LogClock(seconds: { 1_795_423_255 }, utcOffset: { _ in 3600 })

    @Test("text: the line StreamLogHandler writes, metadata sorted, timestamp from the injected clock")
    func textLine() throws {
        let (pipe, sink, logger) = try Self.sink()
        defer { sink.shutdown() }
        logger.info("call", metadata: ["operation": "rechercherInsAvecTraitsIdentite", "code": "00", "ms": "0.42", "messageID": "uuid-1"])
        logger.debug("not at info")
        var withLoop = logger
        withLoop[metadataKey: "event-loop"] = "1"
        withLoop.warning("accept failed", metadata: ["error": "EMFILE"])
        sink.flush()
        #expect(pipe.readAvailable() == """
            2026-11-23T09:40:55+0100 info insi-sim: code=00 messageID=uuid-1 ms=0.42 operation=rechercherInsAvecTraitsIdentite [INSiServerTests] call
            2026-11-23T09:40:55+0100 warning insi-sim: error=EMFILE event-loop=1 [INSiServerTests] accept failed

            """)
    }

    @Test("text: the same content as StreamLogHandler after the timestamp, whatever the metadata")
    func sameAsStreamLogHandler() throws {
        let (pipe, sink, _) = try Self.sink()
        defer { sink.shutdown() }
        let stream = CollectingStream()
        var ours = Logger(label: "insi-sim") { ServerLogHandler(label: $0, sink: sink, level: .trace) }
        var theirs = Logger(label: "insi-sim") { StreamLogHandler(label: $0, stream: stream, metadataProvider: nil) }
        theirs.logLevel = .trace
        for logger in [ours, theirs] {
            logger.info("plain")
            logger.notice("with values", metadata: ["list": ["a", "b"], "map": ["k": "v"], "number": "\(42)", "é": "ü\tx"])
            logger.error("an error", error: TestError())
        }
        ours[metadataKey: "loop"] = "0"
        theirs[metadataKey: "loop"] = "0"
        for logger in [ours, theirs] {
            logger.critical("over handler metadata", metadata: ["loop": "overridden", "z": "last"])
        }
        sink.flush()
        func withoutTimestamps(_ text: String) -> [Substring] {
            text.split(separator: "\n").map { $0.drop { $0 != " " } }
        }
        #expect(withoutTimestamps(pipe.readAvailable()) == withoutTimestamps(stream.text))
    }

    @Test("json: one object per line, strings escaped, metadata nested and sorted")
    func jsonLine() throws {
        var (pipe, sink, logger) = try Self.sink(.json)
        defer { sink.shutdown() }
        logger.info("call", metadata: ["code": "00", "ms": "1.50"])
        logger[metadataKey: "event-loop"] = "0"
        logger.warning("say \"hi\"\nback\\slash \u{01}", metadata: ["list": ["a", .dictionary(["y": "2", "x": "1"])], "é": "ü"])
        sink.flush()
        let text = pipe.readAvailable()
        #expect(text == """
            {"time":"2026-11-23T09:40:55+01:00","level":"info","label":"insi-sim","source":"INSiServerTests","message":"call","metadata":{"code":"00","ms":"1.50"}}
            {"time":"2026-11-23T09:40:55+01:00","level":"warning","label":"insi-sim","source":"INSiServerTests","message":"say \\"hi\\"\\nback\\\\slash \\u0001","metadata":{"event-loop":"0","list":["a",{"x":"1","y":"2"}],"é":"ü"}}

            """)
        // Each line is JSON a reader can parse back.
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["label"] as? String == "insi-sim")
        }
    }

    @Test("timestamps: local offsets west of UTC, and a new second gets a new text")
    func timestamps() {
        var timestamp = LogTimestamp()
        timestamp.update(to: 1_795_423_255, utcOffset: { _ in -(3 * 3600 + 30 * 60) })
        #expect(String(decoding: timestamp.text, as: UTF8.self) == "2026-11-23T05:10:55-0330")
        #expect(String(decoding: timestamp.rfc3339, as: UTF8.self) == "2026-11-23T05:10:55-03:30")
        var asked = 0
        timestamp.update(to: 1_795_423_255, utcOffset: { _ in asked += 1; return 0 })
        #expect(asked == 0, "the same second is not formatted again")
        timestamp.update(to: 1_795_423_256, utcOffset: { _ in asked += 1; return 0 })
        #expect(asked == 1)
        #expect(String(decoding: timestamp.text, as: UTF8.self) == "2026-11-23T08:40:56+0000")
    }

    @Test("batching: info lines wait for the batch; a warning sends them at once, in order")
    func flushOnWarning() throws {
        let (pipe, sink, logger) = try Self.sink(flushInterval: .seconds(3600))
        defer { sink.shutdown() }
        for index in 1...3 { logger.info("call \(index)") }
        #expect(sink.pendingBytes > 0)
        #expect(pipe.readAvailable().isEmpty, "nothing is written before the batch is due")
        logger.warning("something is wrong")
        // No flush() here: the writer thread must send the batch by itself.
        let lines = pipe.readLines(3 + 1, timeoutSeconds: 30)
        #expect(lines.map { $0.split(separator: "] ").last.map(String.init) ?? "" }
                == ["call 1", "call 2", "call 3", "something is wrong"])
        #expect(sink.pendingBytes == 0)
    }

    @Test("batching: info lines alone are written by the periodic flush")
    func periodicFlush() throws {
        let (pipe, sink, logger) = try Self.sink(flushInterval: .milliseconds(10))
        defer { sink.shutdown() }
        logger.info("only info")
        #expect(pipe.readLines(1, timeoutSeconds: 30).first?.hasSuffix("[INSiServerTests] only info") == true)
    }

    @Test("bounded: an output that does not read makes lines dropped and counted, never memory grow")
    func boundedWhenTheOutputStalls() throws {
        // A pipe holds 64 KiB: the 5,000 lines (over 500 KB) fill it long before the end.
        let (pipe, sink, logger) = try Self.sink(flushInterval: .seconds(3600), bufferBytes: 8192)
        let total = 5000
        for index in 0..<total {
            logger.info("call", metadata: ["index": "\(index)"])
            #expect(sink.pendingBytes <= 8192)
        }
        #expect(sink.droppedLines > 0)
        // Read everything (the writer is blocked on the full pipe until then), then stop.
        let reader = pipe.readAllInBackground()
        sink.shutdown()
        pipe.closeWriteEnd()
        let lines = reader.wait().split(separator: "\n")
        let calls = lines.filter { $0.hasSuffix("] call") }
        let notices = lines.filter { $0.contains("log lines dropped") }
        let reported = notices.compactMap { Int($0.split(separator: "[INSiServer] ").last?.split(separator: " ").first ?? "") }.reduce(0, +)
        #expect(calls.count + sink.droppedLines == total)
        #expect(reported == sink.droppedLines)
        // The lines that made it are whole and in order.
        let indexes = calls.compactMap { $0.split(separator: "index=").last?.split(separator: " ").first.flatMap { Int($0) } }
        #expect(indexes.count == calls.count)
        #expect(indexes == indexes.sorted())
    }

    @Test("shutdown writes what is left; lines after it are written at once")
    func shutdownFlushes() throws {
        let (pipe, sink, logger) = try Self.sink(flushInterval: .seconds(3600))
        logger.info("before")
        sink.shutdown()
        logger.info("after")
        #expect(pipe.readAvailable().split(separator: "\n").map { $0.hasSuffix("] before") || $0.hasSuffix("] after") } == [true, true])
    }

    @Test("the call line's milliseconds read as String(format: \"%.2f\") writes them")
    func callMilliseconds() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, -0.001, 0.004, 0.005, 0.995, 1.005, 2.675, 12.5, 99.999, 1234.5678, -0.5, -3.14159, 1e20]
        values += (0..<20_000).map { Double($0) / 1000 }
        values += (0..<20_000).map { _ in Double.random(in: 0..<500, using: &generator) }
        for value in values {
            #expect(INSiEndpoint.twoDecimals(value) == String(format: "%.2f", value), "\(value)")
        }
    }

    @Test("log lines of several threads: every line written, each thread's in order")
    func logLinesFromThreads() throws {
        let (pipe, sink, logger) = try LogHandlerTests.sink(flushInterval: .seconds(3600))
        defer { sink.shutdown() }
        let writers = (0..<3).map { thread in
            ThreadResult.start { () -> Bool in
                for index in 0..<100 { logger.info("line \(thread) \(index)") }
                return true
            }
        }
        #expect(writers.allSatisfy { $0.wait() })
        #expect(sink.pendingBytes > 0)
        #expect(pipe.readAvailable().isEmpty)
        sink.flush()
        #expect(sink.pendingBytes == 0)
        let lines = pipe.readAvailable().split(separator: "\n").compactMap { $0.split(separator: "] ").last }
        #expect(lines.count == 300)
        for thread in 0..<3 {
            #expect(lines.filter { $0.hasPrefix("line \(thread) ") } == (0..<100).map { "line \(thread) \($0)"[...] })
        }
    }

    /// A sink on a new pipe with the injected clock, and an info logger writing to it.
    static func sink(_ format: LogFormat = .text, flushInterval: Duration = .milliseconds(100),
                     bufferBytes: Int = 1 << 20) throws -> (LogPipe, LogSink, Logger) {
        let pipe = try LogPipe()
        var configuration = LogSink.Configuration(format: format)
        configuration.clock = clock
        configuration.flushInterval = flushInterval
        configuration.bufferBytes = bufferBytes
        let sink = LogSink(output: pipe.writeEnd, configuration: configuration)
        return (pipe, sink, Logger(label: "insi-sim") { ServerLogHandler(label: $0, sink: sink, level: .info) })
    }
}

private struct TestError: Error, CustomStringConvertible {
    var description: String { "it broke" }
}

/// A TextOutputStream keeping what StreamLogHandler writes.
private final class CollectingStream: TextOutputStream, @unchecked Sendable {
    // Only written by the logging calls of one test, on its own thread.
    var text = ""
    func write(_ string: String) { text += string }
}

/// A pipe standing for standard error.
final class LogPipe: @unchecked Sendable {
    // The descriptors are set in init and closed once, by the test that owns the pipe.
    let readEnd: Int32
    private(set) var writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        closeWriteEnd()
    }

    func closeWriteEnd() {
        if writeEnd >= 0 { close(writeEnd) }
        writeEnd = -1
    }

    /// What is in the pipe now, without waiting.
    func readAvailable() -> String {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) == 1 else { break }
            let count = read(readEnd, &chunk, chunk.count)
            guard count > 0 else { break }
            data += chunk[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits (up to the timeout, as a guard against a hang) until `count` lines have come.
    func readLines(_ count: Int, timeoutSeconds: Int32) -> [String] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while data.count(where: { $0 == 0x0A }) < count {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, timeoutSeconds * 1000) == 1 else { break }
            let read = Glibc.read(readEnd, &chunk, chunk.count)
            guard read > 0 else { break }
            data += chunk[0..<read]
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Reads until end of file on a thread of its own.
    func readAllInBackground() -> ThreadResult<String> {
        let fd = readEnd
        return ThreadResult.start {
            var data: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(fd, &chunk, chunk.count)
                guard count > 0 else { break }
                data += chunk[0..<count]
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
