import Foundation
import Testing
import TestSupport

/// `insi-sim serve` itself, the built binary run as a child process.
@Suite("insi-sim serve")
struct ServeCommandTests {
    @Test("the start line goes to standard output at log level warning, with the port to use")
    func startLineAtWarning() async throws {
        let child = try await ChildServer.start(["--log-level", "warning"])
        let port = child.port
        #expect(port > 0)
        #expect(child.startLine.hasPrefix("insi-sim "))
        #expect(child.startLine.contains("listening: endpoint http://127.0.0.1:\(port)/lps"), "\(child.startLine)")
        // Nothing at info reaches standard error at warning level.
        #expect(child.startupLog.isEmpty, "\(child.startupLog)")
        let health = try await offPool { try RawHTTPClient(port: port).get("/health") }
        #expect(health.status == 200)
        let status = try await offPool { child.terminate() }
        #expect(status == 0)
    }

    @Test("--log-format json: each line the server logs is a JSON object, written by the time it stops")
    func jsonLog() async throws {
        let child = try await ChildServer.start(["--log-format", "json"])
        let port = child.port
        let health = try await offPool { try RawHTTPClient(port: port).get("/health") }
        #expect(health.status == 200)
        let status = try await offPool { child.terminate() }
        #expect(status == 0)
        // Standard error reaches its end once the child has exited: the last batch is in.
        let log = try #require(await offPool { child.wholeLog(within: 30) })
        // What it logged before its start line reached us, and after: "started" may be either.
        let lines = (child.startupLog + log).split(separator: "\n").map(String.init)
        let messages = try lines.map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["label"] as? String == "insi-sim")
            return try #require(object["message"] as? String)
        }
        #expect(messages.first == "started")
        #expect(messages.last == "stopped")
    }
}
