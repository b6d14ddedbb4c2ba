import Foundation
import Testing

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
}
