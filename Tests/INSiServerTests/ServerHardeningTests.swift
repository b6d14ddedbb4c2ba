import Foundation
import HTTPServer
import INSiCore
@testable import INSiServer
import INSiSOAP
import Logging
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What a hostile or careless client, a careless operator or a damaged disk can do, and what
/// the server does about it.
@Suite("Server hardening")
struct ServerHardeningTests {
    static var logger: Logger {
        var logger = Logger(label: "hardening-tests")
        logger.logLevel = .critical
        return logger
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("insi-hardening-\(UUID().uuidString)")
    }

    @Test("the Bearer scheme is matched in any case (RFC 9110 §11.1); a wrong or missing token is still refused")
    func bearerSchemeInAnyCase() async throws {
        try await withTestSimulator(TestSimulator { $0.adminToken = "s3cret" }) { server async throws in
            func status(_ authorization: String?) async throws -> Int {
                let port = server.port
                return try await offPool {
                    var headers: [(String, String)] = []
                    if let authorization { headers.append(("Authorization", authorization)) }
                    return try RawHTTPClient(port: port).get("/admin/scenarios", headers: headers).status
                }
            }
            #expect(try await status("Bearer s3cret") == 200)
            #expect(try await status("bearer s3cret") == 200)
            #expect(try await status("BEARER  s3cret") == 200)
            #expect(try await status("Bearers3cret") == 403)
            #expect(try await status("bearer wrong") == 403)
            #expect(try await status("Basic czNjcmV0") == 403)
            #expect(try await status(nil) == 401)
        }
    }

    @Test("without an admin token, the server starts only on an address that resolves to loopback")
    func loopbackIsDecidedOnTheResolvedAddress() throws {
        func start(host: String) -> Simulator.StartError? {
            var configuration = SimulatorConfiguration()
            configuration.host = host
            configuration.port = 0
            configuration.resourcesPath = TestPaths.resources.path
            do {
                _ = try Simulator(configuration: configuration, logger: Self.logger)
                return nil
            } catch {
                return error
            }
        }
        #expect(start(host: "127.0.0.1") == nil)
        #expect(start(host: "localhost") == nil)
        #expect(start(host: "::1") == nil)
        #expect(start(host: "127.3.2.1") == nil)
        guard case .adminTokenRequired = start(host: "0.0.0.0") else { Issue.record("0.0.0.0 needs a token"); return }
        guard case .adminTokenRequired = start(host: "::") else { Issue.record(":: needs a token"); return }
        // A name that merely starts with 127. is not loopback: it must resolve to it, and this
        // one does not resolve at all (.invalid is reserved).
        #expect(start(host: "127.example.invalid") != nil)
        #expect(try ListenAddress.resolve(host: "127.0.0.1").isLoopback)
        #expect(try ListenAddress.resolve(host: "::ffff:127.0.0.1").isLoopback)
        #expect(try !ListenAddress.resolve(host: "0.0.0.0").isLoopback)
    }

    @Test("a SOAP call with an absolute-form target (through a proxy) is answered")
    func absoluteFormSOAPCall() async throws {
        try await withTestSimulator { server in
            let request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            let response = try await server.post("http://127.0.0.1:\(server.port)/lps", body: INSiRequestWriter.write(request),
                                                 headers: [("Content-Type", INSiRequestWriter.contentType(for: request.operation))])
            #expect(response.status == 200)
            guard case .result(let result) = try answer(response) else { Issue.record("no result"); return }
            #expect(result.code == "00")
        }
    }

    @Test("the journal file is appended to (O_APPEND): a line written meanwhile by another process survives")
    func journalFileAppends() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("journal.jsonl").path
        try Data("{\"earlier\":true}\n".utf8).write(to: URL(fileURLWithPath: path))
        let journal = try Journal(capacity: 10, path: path, logger: Self.logger)
        journal.record(Self.call("uuid:first"))
        journal.flush()
        let other = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        other.seekToEndOfFile()
        other.write(Data("{\"external\":true}\n".utf8))
        try other.close()
        journal.record(Self.call("uuid:second"))
        journal.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.first == "{\"earlier\":true}")
        #expect(lines[1].contains("uuid:first"))
        #expect(lines[2] == "{\"external\":true}")
        #expect(lines[3].contains("uuid:second"))
    }

    @Test("a journal page and its last and oldest call numbers are read at one instant; after N gives what came since")
    func journalPageIsConsistent() throws {
        let journal = try Journal(capacity: 3, logger: Self.logger)
        #expect(journal.page(Journal.Filter()).oldest == nil)
        for index in 1...5 { journal.record(Self.call("uuid:\(index)")) }
        var filter = Journal.Filter()
        filter.after = 3
        let page = journal.page(filter)
        #expect(page.calls.map(\.seq) == [4, 5])
        #expect(page.calls.map(\.messageID) == ["uuid:4", "uuid:5"])
        #expect(page.last == 5)
        #expect(page.oldest == 3)
        #expect(page.total == 2)
    }

    @Test("journal lines the disk cannot take in time are dropped, counted, and the rest arrives")
    func journalDropsAreCounted() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A FIFO nobody reads yet stands for a disk that does not keep up: the writer blocks once
        // the pipe is full, and the lines pile up until the limit.
        let path = directory.appendingPathComponent("slow-disk").path
        #expect(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let journal = try Journal(capacity: 10, path: path, logger: Self.logger)
        let sent = JournalFile.maxPending + 1_000
        for index in 0..<sent { journal.record(Self.call("uuid:\(index)")) }
        let dropped = journal.droppedLines
        #expect(dropped > 0)
        // Drain the pipe (blocking reads now): every line not dropped arrives.
        _ = fcntl(reader, F_SETFL, 0)
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while received + dropped < sent {
            let count = read(reader, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[0..<count].filter { $0 == 0x0A }.count
        }
        #expect(received + dropped == sent)
        #expect(journal.droppedLines == dropped)
    }

    @Test("/metrics shows the HTTP layer's error answers and the journal's dropped lines")
    func metricsShowErrorsAndDrops() async throws {
        try await withTestSimulator { server in
            let port = server.port
            let status = try await offPool { () throws -> Int in
                let client = try RawHTTPClient(port: port)
                try client.send("HELLO\r\n\r\n")
                return try client.response().status
            }
            #expect(status == 400)
            let metrics = try await server.get("/metrics").text
            #expect(metrics.contains("insi_http_error_answers_total 1\n"))
            #expect(metrics.contains("insi_journal_lines_dropped_total 0\n"))
            #expect(metrics.contains("insi_log_lines_dropped_total 0\n"))
        }
    }

    @Test("/metrics shows the log lines dropped when the log output does not keep up")
    func metricsShowDroppedLogLines() async throws {
        // Standard error stands for a pipe nobody reads: once it and the buffer are full, lines drop.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var configuration = LogSink.Configuration()
        configuration.bufferBytes = 4096
        configuration.flushInterval = .seconds(3600)
        let sink = LogSink(output: fds[1], configuration: configuration)
        let logger = Logger(label: "insi-sim") { ServerLogHandler(label: $0, sink: sink, level: .info) }
        let server = try TestSimulator(logger: logger, logSink: sink)
        for index in 0..<2000 { logger.info("filler", metadata: ["index": "\(index)"]) }
        let dropped = sink.droppedLines
        #expect(dropped > 0)
        let metrics = try await server.get("/metrics").text
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("insi_log_lines_dropped_total ") }
        let shown = line.flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect((shown ?? 0) >= dropped, "\(line ?? "no insi_log_lines_dropped_total")")
        await server.stop()
        // Read the pipe to its end so that the blocked writer can finish, then stop the sink.
        let reader = fds[0]
        let drained = DispatchSemaphore(value: 0)
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while read(reader, &buffer, buffer.count) > 0 {}
            drained.signal()
        }.start()
        sink.shutdown()
        close(fds[1])
        drained.wait()
    }

    @Test("a change record that passes its checksum but cannot be read or replayed stops the start, naming its offset")
    func unusableChangeRecordRefusesToStart() throws {
        let seed = try SeedFile.load(path: TestPaths.resources.appendingPathComponent("seed/default-base.json").path)
        let matricule = try #require(Matricule("297022A020778"))
        let existing = try #require(seed.identity(matricule: matricule))
        let unreadable = Data("{\"not\": \"a change\"}".utf8)
        let unappliable = try JSONEncoder().encode(StateChange.putIdentity(replacing: nil, record: IdentityRecord(existing)))
        for payload in [unreadable, unappliable] {
            let directory = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let headerBytes: Int
            do {
                let log = try ChangeLog(directory: directory)
                headerBytes = try Data(contentsOf: directory.appendingPathComponent(ChangeLog.logFileName)).count
                try log.append(payload)
            }
            do {
                // The log just closed: its lock may still be held by a child another test starts.
                _ = try ChangeLogTests.waitingOutChildLocks {
                    try SimulatorState(seed: seed, scenarios: [], journal: Journal(logger: Self.logger),
                                       dataDirectory: directory, logger: Self.logger)
                }
                Issue.record("started over an unusable record")
            } catch let error as ChangeLogError {
                guard case .corruptFile(let path, let offset, _) = error else { Issue.record("\(error)"); continue }
                #expect(path.hasSuffix(ChangeLog.logFileName))
                #expect(offset == headerBytes)
            }
        }
    }

    @Test("SIGTERM: every call already sent is answered and journaled before the process ends")
    func sigtermLosesNoCall() async throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = directory.appendingPathComponent("journal.jsonl").path
        let child = try await ChildServer.start(["--journal", journal])
        let port = child.port
        let count = 40
        let (statuses, exitStatus) = try await offPool { () throws -> ([Int], Int32) in
            var clients: [RawHTTPClient] = []
            for index in 0..<count {
                let client = try RawHTTPClient(port: port)
                let request = Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26", messageID: "uuid:sigterm-\(index)")
                let body = INSiRequestWriter.write(request)
                let head = "POST /lps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(INSiRequestWriter.contentType(for: request.operation))\r\n"
                    + "Content-Length: \(body.count)\r\n\r\n"
                try client.send(Array(head.utf8) + body)
                clients.append(client)
            }
            // Every request is on its way; stop now, without reading any answer first.
            Glibc.kill(child.pid, SIGTERM)
            let statuses = clients.map { (try? $0.response().status) ?? -1 }
            // A second SIGTERM would end the process at once, as documented: wait instead.
            return (statuses, child.waitForExit())
        }
        #expect(statuses == Array(repeating: 200, count: count))
        #expect(exitStatus == 0)
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == count)
        for index in 0..<count {
            #expect(lines.contains { $0.contains("uuid:sigterm-\(index)\"") }, "call \(index) is not in the journal")
        }
    }

    @Test("started by name from PATH in another folder, the binary finds its Resources folder by itself")
    func resourcesFoundWhenStartedByName() async throws {
        let child = try await ChildServer.start([], launch: .byNameFromPATH(workingDirectory: FileManager.default.temporaryDirectory))
        #expect(child.startLine.contains("identities loaded"))
        let port = child.port
        #expect(try await offPool { try RawHTTPClient(port: port).get("/health").status } == 200)
        #expect(child.terminate() == 0)
    }

    static func call(_ messageID: String) -> CallRecord {
        CallRecord(time: 0, operation: "traits", messageID: messageID, idam: nil, emitter: nil, software: nil, traits: [:],
                   code: "00", fault: nil, reason: "", matricule: nil, scenario: nil, milliseconds: 1, remoteAddress: nil)
    }
}
