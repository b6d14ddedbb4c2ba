import Foundation
import Synchronization
import Testing
import TestSupport

/// A throwaway PKI made with the `openssl` command in a temporary folder, named as insi-sim's
/// own `certs generate` names its files (`ca.pem`, `server.pem`, `insi-auto.p12`…), plus what
/// only the client's tests need: a server certificate for another name and a second CA.
struct TestPKI: Sendable {
    /// The PKCS#12 password, the one insi-sim's test PKI documents.
    static let password = "insi-sim"

    static let openssl = ChildProcess.find("openssl", preferring: ["/usr/bin/openssl"])

    let folder: URL

    func file(_ name: String) -> URL { folder.appendingPathComponent(name) }

    var ca: URL { file("ca.pem") }
    /// For `localhost`, `127.0.0.1` and `::1`, issued by `ca.pem`.
    var server: (certificate: URL, key: URL) { (file("server.pem"), file("server-key.pem")) }
    /// For `insi.elsewhere.test` only, issued by `ca.pem`.
    var elsewhere: (certificate: URL, key: URL) { (file("elsewhere.pem"), file("elsewhere-key.pem")) }
    /// CN INSI-AUTO, issued by `ca.pem`: PEM pair and PKCS#12.
    var insiAuto: (certificate: URL, key: URL, pkcs12: URL) { (file("insi-auto.pem"), file("insi-auto-key.pem"), file("insi-auto.p12")) }
    /// A CA nobody trusts, and an INSI-AUTO certificate it issued.
    var otherCA: URL { file("other-ca.pem") }
    var stranger: (certificate: URL, key: URL) { (file("stranger.pem"), file("stranger-key.pem")) }

    /// Made once per test run: every TLS test reads the same files.
    static func shared() async throws -> TestPKI {
        try await cache.pki()
    }

    private static let cache = Cache()

    /// Holds the task that makes the PKI, not its result: the tests that ask while it is being
    /// made (an actor lets them in at the `await`) wait for that one instead of making their own.
    private actor Cache {
        private var making: Task<TestPKI, any Error>?

        func pki() async throws -> TestPKI {
            if let making { return try await making.value }
            let task = Task { try await TestPKI.make() }
            making = task
            return try await task.value
        }
    }

    private static let configuration = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        [ca]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        [server]
        basicConstraints = CA:FALSE
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
        [elsewhere]
        basicConstraints = CA:FALSE
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:insi.elsewhere.test
        [client]
        basicConstraints = CA:FALSE
        extendedKeyUsage = clientAuth

        """

    private static func make() async throws -> TestPKI {
        let openssl = try #require(openssl, "the openssl command is needed to make the test PKI")
        let folder = try TestPaths.temporaryFolder("tls-client")
        // Shared by every test of the run: removed when the test process exits.
        RemovedAtExit.register(folder)
        let pki = TestPKI(folder: folder)
        let config = pki.file("openssl.cnf").path
        try configuration.write(toFile: config, atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) async throws {
            let run = try await ChildProcess.run(openssl, arguments)
            #expect(run.status == 0, "openssl \(arguments.joined(separator: " ")): \(run.stderr)")
            if run.status != 0 { throw TestPKIError(arguments: arguments, stderr: run.stderr) }
        }
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func authority(_ name: String, subject: String) async throws {
            try await run(["req", "-x509", "-new"] + newKey + ["-keyout", pki.file("\(name)-key.pem").path, "-out", pki.file("\(name).pem").path,
                          "-days", "2", "-subj", "/CN=\(subject)", "-config", config, "-extensions", "ca"])
        }
        func leaf(_ name: String, subject: String, issuer: String, extensions: String) async throws {
            let request = pki.file("\(name).csr").path
            try await run(["req", "-new"] + newKey + ["-keyout", pki.file("\(name)-key.pem").path, "-out", request,
                          "-subj", "/CN=\(subject)", "-config", config])
            try await run(["x509", "-req", "-in", request, "-CA", pki.file("\(issuer).pem").path, "-CAkey", pki.file("\(issuer)-key.pem").path,
                          "-CAcreateserial", "-days", "2", "-out", pki.file("\(name).pem").path, "-extfile", config, "-extensions", extensions])
        }
        try await authority("ca", subject: "insi-sim test CA")
        try await authority("other-ca", subject: "another test CA")
        try await leaf("server", subject: "localhost", issuer: "ca", extensions: "server")
        try await leaf("elsewhere", subject: "insi.elsewhere.test", issuer: "ca", extensions: "elsewhere")
        try await leaf("insi-auto", subject: "INSI-AUTO", issuer: "ca", extensions: "client")
        try await leaf("stranger", subject: "INSI-AUTO", issuer: "other-ca", extensions: "client")
        try await run(["pkcs12", "-export", "-in", pki.insiAuto.certificate.path, "-inkey", pki.insiAuto.key.path,
                      "-certfile", pki.ca.path, "-out", pki.insiAuto.pkcs12.path, "-passout", "pass:\(password)"])
        return pki
    }
}

struct TestPKIError: Error, CustomStringConvertible {
    var arguments: [String]
    var stderr: String
    var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(stderr)" }
}
