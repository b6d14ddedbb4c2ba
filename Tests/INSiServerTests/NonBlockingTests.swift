import Foundation
import HTTPServer
import INSiCore
@testable import INSiServer
import INSiSOAP
import Logging
import Synchronization
import Testing
import TestSupport

/// No handler blocks an event loop: admin changes, their fsync, compactions and scenario-count
/// bookkeeping run on the state's change queue. Shown by holding that queue in the middle of a
/// compaction and calling meanwhile.
@Suite("Event loops never wait for the disk")
struct NonBlockingTests {
    /// How long a wait for the held compaction may last before the test gives up: a guard
    /// against a hang only (the server's change queue runs on Dispatch's threads, which the
    /// other tests running at the same time may keep busy for seconds).
    static let hangGuard: DispatchTimeInterval = .seconds(120)

    /// A simulator with a data directory that compacts after every change, whose compactions
    /// wait for `release` once `entered` is signalled.
    final class HeldCompaction: Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-nonblocking-\(UUID().uuidString)")
        let simulator: Simulator
        let port: Int

        init() throws {
            var configuration = SimulatorConfiguration()
            configuration.port = 0
            configuration.resourcesPath = TestPaths.resources.path
            configuration.dataDirectory = directory.path
            configuration.compactionThreshold = 1
            configuration.eventLoopCount = 1
            var logger = Logger(label: "nonblocking-tests")
            logger.logLevel = .critical
            let (entered, release) = (entered, release)
            let hooks = SimulatorState.Hooks(compactionStarted: {
                entered.signal()
                _ = release.wait(timeout: .now() + NonBlockingTests.hangGuard)
            })
            simulator = try Simulator(configuration: configuration, logger: logger, clock: nil, stateHooks: hooks)
            port = try simulator.start()
        }

        func stop() async {
            release.signal()
            await simulator.shutdown()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func call(port: Int, _ request: INSiRequest) throws -> RawHTTPClient.Response {
        try RawHTTPClient(port: port).post("/lps", body: INSiRequestWriter.write(request),
                                           headers: [("Content-Type", INSiRequestWriter.contentType(for: request.operation))])
    }

    @Test("a SOAP call, /health and /metrics are answered while a compaction holds the change queue; the admin change that started it is answered after")
    func callsGoOnDuringACompaction() async throws {
        let held = try HeldCompaction()
        let port = held.port
        // The one event loop takes the admin request and hands it to the change queue.
        let admin = startOffPool { try TestSimulator.admin(port: port, "POST", "/admin/identities", json: AdminAPITests.newIdentity, token: nil).status }
        let entered = try await offPool { held.entered.wait(timeout: .now() + Self.hangGuard) == .success }
        #expect(entered, "the compaction did not start")
        let answered = try await offPool { () throws -> (Int, String?, Int, Int) in
            let response = try Self.call(port: port, Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))
            let code: String? = if case .result(let result) = try answer(response) { result.code } else { nil }
            return (response.status, code, try RawHTTPClient(port: port).get("/health").status, try RawHTTPClient(port: port).get("/metrics").status)
        }
        #expect(answered.0 == 200)
        #expect(answered.1 == "00")
        #expect(answered.2 == 200)
        #expect(answered.3 == 200)
        held.release.signal()
        #expect(try await admin.value == 201)
        await held.stop()
    }

    @Test("a call that uses a counted scenario is answered once its new count is saved, and a call without one does not wait")
    func countedScenarioWaitsForItsSave() async throws {
        let held = try HeldCompaction()
        let port = held.port
        // Put the scenario while compactions run freely (each change compacts), then hold the next one.
        let put = startOffPool { try TestSimulator.admin(port: port, "POST", "/admin/scenarios", json: """
            {"id": "twice", "match": {"birthName": "TCHITCHI"}, "times": 2, "effect": {"kind": "result", "code": "01"}}
            """, token: nil).status }
        _ = try await offPool { held.entered.wait(timeout: .now() + Self.hangGuard) }
        held.release.signal()
        #expect(try await put.value == 201)

        let released = Mutex(false)
        let counted = startOffPool { () throws -> (Int, Bool) in
            let response = try Self.call(port: port, Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21"))
            return (response.status, released.withLock { $0 })
        }
        // The save of the new count compacts, and is held there.
        #expect(try await offPool { held.entered.wait(timeout: .now() + Self.hangGuard) == .success })
        let other = try await offPool { try Self.call(port: port, Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")).status }
        #expect(other == 200, "a call without a scenario is answered while the queue is held")
        released.withLock { $0 = true }
        held.release.signal()
        let (status, answeredAfterRelease) = try await counted.value
        #expect(status == 200)
        #expect(answeredAfterRelease, "the counted call was answered before its count was saved")
        #expect(held.simulator.state.scenarios.get("twice")?.times == 1)
        await held.stop()
    }
}
