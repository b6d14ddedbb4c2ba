import Foundation
import HTTPServer
import INSiPKI
import Synchronization
import Testing

/// The test PKI of `insi-sim certs generate`, made once per test process in a temporary folder
/// by the built binary (RSA keys take a moment), plus a second, unrelated authority for
/// "unknown CA" cases.
///
/// The accessors are synchronous and make a folder on first use, holding the thread meanwhile:
/// suites that read the folders carry the `.testPKI` trait, which waits for both off the
/// cooperative pool (made side by side) before their tests run, so that no pool thread (two on
/// two cores) sits blocked for seconds while the rest of the run waits for one.
public enum TestPKIFolder {
    /// One folder, made on first use. Failures are not kept: the next caller tries again.
    private final class Folder: Sendable {
        let name: String
        let make: @Sendable (URL) throws -> Void
        /// Protects the folder's URL once made; held while it is being made.
        private let made = Mutex<URL?>(nil)

        init(_ name: String, make: @escaping @Sendable (URL) throws -> Void) {
            self.name = name
            self.make = make
        }

        func url() throws -> URL {
            try made.withLock { (made: inout URL?) throws -> URL in
                if let made { return made }
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("insi-sim-tests-pki-\(UUID().uuidString)-\(name)")
                RemovedAtExit.register(url)
                try make(url)
                made = url
                return url
            }
        }
    }

    /// "main" is a whole `certs generate` folder (see `makeWithCertsGenerate`); "other" holds only what
    /// "unknown CA" cases read, under the same names: its own `ca.pem` and an `insi-auto`
    /// client it issued (two RSA keys rather than the eleven of a whole folder).
    private static let folders: [String: Folder] = [
        "main": Folder("main") { try makeWithCertsGenerate(in: $0) },
        "other": Folder("other") { try makeUnknownAuthority(in: $0) },
    ]

    /// How the main folder is made: the binary's `certs generate` with these options, `--force`
    /// over a folder holding a stale `ca.pem` (`staleCA`). The certs generate tests check what
    /// it made and said (`generation`): one run of the command serves them and every TLS test,
    /// rather than eleven more RSA keys each. (A new folder without `--force` is what
    /// `serve --tls-dir` generates, tested with it.)
    public static let generateOptions = ["--host", "insi.example.test", "--days", "30", "--force"]
    public static let staleCA = "not a certificate: certs generate --force replaces it\n"

    /// The binary's status and output when it made the main folder; nil until then.
    public static var generation: ChildProcess.Run? { mainRun.withLock { $0 } }
    private static let mainRun = Mutex<ChildProcess.Run?>(nil)

    private static func makeWithCertsGenerate(in url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(staleCA.utf8).write(to: url.appendingPathComponent(TestPKI.caFile))
        let run = try ChildProcess.runBlocking(TestPaths.insiSim, ["certs", "generate", "--out", url.path] + generateOptions)
        mainRun.withLock { $0 = run }
        guard run.status == 0 else { throw TestFailure("insi-sim certs generate failed (\(run.status)): \(run.output)") }
    }

    /// The folder of the PKI named `name` ("main", "other").
    public static func url(_ name: String = "main") throws -> URL {
        guard let folder = folders[name] else { throw TestFailure("no test PKI is named \(name)") }
        return try folder.url()
    }

    /// Makes both folders (or waits for them), side by side, off the cooperative pool.
    public static func ready() async throws {
        async let main = offPool { try url("main") }
        async let other = offPool { try url("other") }
        _ = try await (main, other)
    }

    /// An authority nobody trusts and an INSI-AUTO client certificate it issued, named as in
    /// the main folder (`ca.pem`, `insi-auto.pem`, `insi-auto-key.pem`).
    private static func makeUnknownAuthority(in url: URL) throws {
        let now = Date()
        let keys = try PrivateKey.rsa(count: 2)
        let (authorityKey, clientKey) = (keys[0], keys[1])
        let authority = try CertificateIssuer.selfSigned(CertificateProfile(
            subject: [("C", "FR"), ("O", "elsewhere"), ("CN", "AN AUTHORITY INSI-SIM DOES NOT KNOW")],
            notBefore: now - 3600, notAfter: now + 86_400, role: .authority), key: authorityKey)
        let client = try CertificateIssuer.issue(CertificateProfile(
            subject: [("C", "FR"), ("O", "elsewhere"), ("CN", "INSI-AUTO")], notBefore: now - 3600, notAfter: now + 86_400, role: .client),
            key: clientKey, by: authority, authorityKey: authorityKey)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (file, bytes) in [(TestPKI.caFile, try authority.pem()), ("insi-auto.pem", try client.pem()), ("insi-auto-key.pem", try clientKey.pem())] {
            try Data(bytes).write(to: url.appendingPathComponent(file))
        }
    }

    /// The path of `file` in the PKI named `pki`.
    public static func path(_ file: String, pki: String = "main") throws -> String {
        try url(pki).appendingPathComponent(file).path
    }

    /// The client identity `name` of `TestPKI.clients` ("insi-auto"…).
    public static func identity(_ name: String, pki: String = "main") throws -> TLSTestClient.Identity {
        TLSTestClient.Identity(certificateFile: try path(name + ".pem", pki: pki), keyFile: try path(name + "-key.pem", pki: pki))
    }

    /// A TLS listener's settings with the PKI's server certificate, asking for client
    /// certificates issued by its CA as `clientCertificate` says.
    public static func serverTLS(_ clientCertificate: TLSConfiguration.ClientCertificate) throws -> TLSConfiguration {
        TLSConfiguration(certificateChainFile: try path("server.pem"), privateKeyFile: try path("server-key.pem"),
                         clientCertificate: clientCertificate, clientCAFile: clientCertificate == .none ? nil : try path("ca.pem"))
    }
}

/// Waits for `TestPKIFolder`'s folders before the tests of the suite (or the test) it marks.
public struct TestPKIReady: SuiteTrait, TestTrait, TestScoping {
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await TestPKIFolder.ready()
        try await function()
    }
}

extension Trait where Self == TestPKIReady {
    /// The tests read `TestPKIFolder`: made before they start, without holding a pool thread.
    public static var testPKI: Self { TestPKIReady() }
}
