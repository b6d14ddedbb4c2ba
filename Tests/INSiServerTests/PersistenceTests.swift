import Foundation
import Synchronization
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Persistence of run-time changes (--data-dir)")
struct PersistenceTests {
    static func identity(_ index: Int) -> (matricule: String, json: String) {
        let order = String(format: "%03d", index % 1000)
        let matricule = "2\(String(format: "%02d", 50 + index / 1000))0575056\(order)"
        return (matricule, """
        {"birthName": "PERSISTE", "firstNames": ["ANNE"], "sex": "F", "birthDate": "1990-05-17",
         "ins": {"matricule": "\(matricule)", "oid": "1.2.250.1.213.1.4.8"}}
        """)
    }

    static func post(port: Int, _ target: String, _ json: String) -> Int? {
        guard let client = try? RawHTTPClient(port: port, timeout: .seconds(5)) else { return nil }
        let body = Array(json.utf8)
        let head = "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        guard (try? client.send(Array(head.utf8) + body)) != nil else { return nil }
        return try? client.response().status
    }

    static func status(port: Int, _ target: String) throws -> Int {
        try RawHTTPClient(port: port).get(target).status
    }

    @Test("SIGKILL while a writer adds identities loses no acknowledged add; a torn tail is skipped with a warning")
    func killWhileWriting() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = try await ChildServer.start(["--data-dir", directory.path])
        let acknowledged = Mutex<[String]>([])
        let ackSignal = DispatchSemaphore(value: 0)
        let port = child.port
        // The writer adds identities one after the other as fast as it can, from its own thread.
        let writer = Thread {
            for index in 0..<5_000 {
                let (matricule, json) = Self.identity(index)
                guard let status = Self.post(port: port, "/admin/identities", json) else { return }
                if status == 201 {
                    acknowledged.withLock { $0.append(matricule) }
                    ackSignal.signal()
                }
            }
        }
        writer.start()
        // Kill at an arbitrary moment once some adds are acknowledged, while others are in flight.
        let target = 40 + Int.random(in: 0..<40)
        try await offPool {
            for _ in 0..<target {
                guard ackSignal.wait(timeout: .now() + 20) == .success else { break }
            }
            child.kill()
        }
        let saved = acknowledged.withLock { $0 }
        #expect(saved.count >= 40)

        // A crash in the middle of a write leaves a torn record: simulate one on top.
        let log = directory.appendingPathComponent("changes.log")
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data("deadbeef 999 {\"putIdentity\":{\"rec".utf8))
        try handle.close()

        let restarted = try await ChildServer.start(["--data-dir", directory.path])
        defer { _ = restarted.terminate() }
        for matricule in saved {
            #expect(try Self.status(port: restarted.port, "/admin/identities/\(matricule)") == 200, "\(matricule) was acknowledged but is lost")
        }
        #expect(restarted.startupLog.contains("torn"), "\(restarted.startupLog)")
        // The store keeps working after recovery: one more add, one more restart.
        let (extra, json) = Self.identity(9_999)
        #expect(Self.post(port: restarted.port, "/admin/identities", json) == 201)
        #expect(restarted.terminate() == 0)
        let third = try await ChildServer.start(["--data-dir", directory.path])
        defer { _ = third.terminate() }
        #expect(try Self.status(port: third.port, "/admin/identities/\(extra)") == 200)
        #expect(!third.startupLog.contains("torn"))
    }

    @Test("deletes, replacements, scenarios and reset survive a restart")
    func everyChangeSurvives() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await ChildServer.start(["--data-dir", directory.path])
        let port = first.port
        let (matricule, json) = Self.identity(1)
        #expect(Self.post(port: port, "/admin/identities", json) == 201)
        let client = try RawHTTPClient(port: port)
        try client.send("DELETE /admin/identities/297022A020778 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.response().status == 204)
        #expect(Self.post(port: port, "/admin/scenarios", #"{"id": "kept", "match": {"birthName": "X"}, "effect": {"kind": "close"}}"#) == 201)
        first.kill()

        let second = try await ChildServer.start(["--data-dir", directory.path])
        #expect(try Self.status(port: second.port, "/admin/identities/\(matricule)") == 200)
        #expect(try Self.status(port: second.port, "/admin/identities/297022A020778") == 404)
        #expect(try Self.status(port: second.port, "/admin/scenarios/kept") == 200)
        #expect(Self.post(port: second.port, "/admin/reset", "") == 200)
        second.kill()

        let third = try await ChildServer.start(["--data-dir", directory.path])
        defer { _ = third.terminate() }
        #expect(try Self.status(port: third.port, "/admin/identities/\(matricule)") == 404)
        #expect(try Self.status(port: third.port, "/admin/identities/297022A020778") == 200)
        #expect(try Self.status(port: third.port, "/admin/scenarios/kept") == 404)
    }

    @Test("compaction keeps every change: many changes with a tiny threshold, then a restart")
    func compaction() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await ChildServer.start(["--data-dir", directory.path, "--compact-after", "3"])
        var added: [String] = []
        for index in 0..<10 {
            let (matricule, json) = Self.identity(index)
            #expect(Self.post(port: first.port, "/admin/identities", json) == 201)
            added.append(matricule)
        }
        let client = try RawHTTPClient(port: first.port)
        try client.send("DELETE /admin/identities/\(added[4]) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.response().status == 204)
        #expect(Self.post(port: first.port, "/admin/scenarios", #"{"id": "kept", "match": {"birthName": "X"}, "effect": {"kind": "close"}}"#) == 201)
        first.kill()
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("snapshot.jsonl").path))
        let second = try await ChildServer.start(["--data-dir", directory.path, "--compact-after", "3"])
        defer { _ = second.terminate() }
        for (index, matricule) in added.enumerated() {
            #expect(try Self.status(port: second.port, "/admin/identities/\(matricule)") == (index == 4 ? 404 : 200), "\(matricule)")
        }
        #expect(try Self.status(port: second.port, "/admin/scenarios/kept") == 200)
        #expect(try Self.status(port: second.port, "/admin/identities/297022A020778") == 200)
    }
}
