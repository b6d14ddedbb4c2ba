import Foundation
import HTTPServer
import INSiServer
import TestSupport
import Testing

/// A SOAP toolkit nobody here wrote, python zeep, loads the served WSDL and calls both operations
/// (`Tests/zeep/check_insi.py`). `scripts/setup.sh test` installs Debian's `python3-zeep`;
/// without a python that imports zeep the test shows as skipped, never as passed.
@Suite("A third-party SOAP client (python zeep)")
struct ZeepClientTests {
    /// Debian's interpreter first: `python3-zeep` installs for it alone, and another `python3`
    /// earlier on PATH (pyenv, a virtualenv) does not see it. Then whichever `python3` PATH
    /// gives, for a machine where zeep came another way.
    static let python: [String]? = [["/usr/bin/python3"], ["/usr/bin/env", "python3"]].first { interpreter in
        FileManager.default.isExecutableFile(atPath: interpreter[0])
            && (try? ChildProcess.runBlocking(interpreter + ["-c", "import zeep"]).status) == 0
    }


    @Test(
        "zeep loads /lps?wsdl and gets the right answers and fault",
        .enabled(if: python != nil, "no python3 imports zeep (scripts/setup.sh test installs python3-zeep)")
    )
    func zeep() async throws {
        let interpreter = try #require(Self.python)
        try await withTestSimulator(TestSimulator(authorizedIDAMs: ["TESTIDAM0001"])) { server in
            let script = TestPaths.repository.appendingPathComponent("Tests/zeep/check_insi.py").path
            let port = server.port
            let result = try await ChildProcess.run(interpreter + [script, "http://127.0.0.1:\(port)"])
            // Prefixed so that the script's own "N passed, M failed" is not taken for the suite's result.
            print(result.output.split(separator: "\n").map { "[zeep check] \($0)" }.joined(separator: "\n"))
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains(" 0 failed"))
        }
    }

    @Test(
        "zeep over mutual TLS (a requests session with insi-auto.pem), strict mode: the same answers; wrong-cn gets desir_560",
        .enabled(if: python != nil, "no python3 imports zeep (scripts/setup.sh test installs python3-zeep)"), .testPKI
    )
    func zeepOverMutualTLS() async throws {
        let interpreter = try #require(Self.python)
        let folder = try TestPKIFolder.url()
        let file = { (name: String) in folder.appendingPathComponent(name).path }
        let tls = try TestPKIFolder.serverTLS(.required)
        try await withTestSimulator(TestSimulator(authorizedIDAMs: ["TESTIDAM0001"]) { configuration in
            configuration.tlsListeners = [.init(name: "mtls", port: 0, tls: tls)]
        }) { server in
            let port = try #require(server.simulator.server.port(of: "mtls"))
            let script = TestPaths.repository.appendingPathComponent("Tests/zeep/check_insi.py").path
            let command = interpreter + [script, "https://localhost:\(port)", "--cacert", file("ca.pem"), "--cert", file("insi-auto.pem"),
                                         "--key", file("insi-auto-key.pem"), "--wrong-cert", file("wrong-cn.pem"), "--wrong-key", file("wrong-cn-key.pem")]
            let result = try await ChildProcess.run(command)
            print(result.output.split(separator: "\n").map { "[zeep mTLS check] \($0)" }.joined(separator: "\n"))
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains(" 0 failed") && result.output.contains("desir_560"))
            let calls = server.simulator.state.settledCalls().calls
            #expect(!calls.isEmpty && calls.allSatisfy { $0.clientCertificate != nil })
        }
    }
}
