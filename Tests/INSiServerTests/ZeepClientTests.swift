import Foundation
import Testing

/// A SOAP toolkit nobody here wrote, python zeep, loads the served WSDL and calls both operations
/// (`Tests/zeep/check_insi.py`). `scripts/setup.sh` installs zeep; without it the test is skipped.
@Suite("A third-party SOAP client (python zeep)")
struct ZeepClientTests {
    static func zeepAvailable() -> Bool {
        guard let status = try? run(["python3", "-c", "import zeep"]).status else { return false }
        return status == 0
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        // Not waitUntilExit: on Linux it spins a run loop and can miss the end of a child.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        guard exited.wait(timeout: .now() + 120) == .success else {
            process.terminate()
            return (-1, String(decoding: output, as: UTF8.self) + "\n(the process did not end)")
        }
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("zeep loads /lps?wsdl and gets the right answers and fault",
          .enabled(if: zeepAvailable(), "python3 with zeep not found (scripts/setup.sh installs it)"))
    func zeep() async throws {
        let server = try TestSimulator(authorizedIDAMs: ["TESTIDAM0001"])
        defer { Task { await server.stop() } }
        let script = TestPaths.repository.appendingPathComponent("Tests/zeep/check_insi.py").path
        let port = server.port
        let result = try await offPool { try Self.run(["python3", script, "http://127.0.0.1:\(port)"]) }
        // Prefixed so that the script's own "N passed, M failed" is not taken for the suite's result.
        print(result.output.split(separator: "\n").map { "[zeep check] \($0)" }.joined(separator: "\n"))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(" 0 failed"))
    }
}
