import Foundation
import INSiClient
import Testing

/// `--cert`, `--cert-password`, `--key` and `--cacert`: the built binary over real TLS.
@Suite("CLI over TLS", .enabled(if: TLSPeer.toolsPresent, "needs python3 (the TLS peer) and openssl (the test PKI)"))
struct CLITLSTests {
    static let dominique = ["--nom", "ADRTROIS", "--prenoms", "DOMINIQUE", "--sexe", "F", "--naissance", "1997-02-26"]

    static func p12(_ pki: TestPKI) -> [String] {
        ["--cert", pki.insiAuto.pkcs12.path, "--cert-password", TestPKI.password, "--cacert", pki.ca.path]
    }

    @Test("lookup, vitale and verify over mTLS: PKCS#12 with its password (option or INSI_SIM_CERT_PASSWORD), or PEM certificate and key")
    func commands() async throws {
        let runs = try await TLSClientTests.withPeer { pki, peer in
            let url = ["--url", peer.endpoint.absoluteString]
            let pkcs12 = try await CLITests.run(["lookup"] + url + Self.dominique + Self.p12(pki))
            let environment = try await CLITests.run(["lookup"] + url + Self.dominique + ["--cert", pki.insiAuto.pkcs12.path, "--cacert", pki.ca.path],
                                                     environment: ["INSI_SIM_CERT_PASSWORD": TestPKI.password])
            let pem = try await CLITests.run(["lookup"] + url + Self.dominique
                                             + ["--cert", pki.insiAuto.certificate.path, "--key", pki.insiAuto.key.path, "--cacert", pki.ca.path])
            let vitale = try await CLITests.run(["vitale"] + url + ["--od", "2840263113061", "--od-cle", "73", "--naissance", "2016-09-05",
                                                                    "--rang", "2"] + Self.p12(pki))
            let verify = try await CLITests.run(["verify"] + url + ["--matricule", "297022A020778", "--cle", "78"] + Self.dominique + Self.p12(pki))
            return (pkcs12: pkcs12, environment: environment, pem: pem, vitale: vitale, verify: verify, log: peer.log)
        }
        for run in [runs.pkcs12, runs.environment, runs.pem] {
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("INS: 297022A020778 key 78"))
        }
        #expect(runs.vitale.status == 0, "\(runs.vitale.stdout)\(runs.vitale.stderr)")
        #expect(runs.verify.status == 0, "\(runs.verify.stdout)\(runs.verify.stderr)")
        #expect(runs.verify.stdout.contains("Verification: OK"))
        #expect(runs.log == Array(repeating: "accepted CN=INSI-AUTO", count: 5))
    }

    @Test("TLS failures exit 4 with what to do; --json names the tls error")
    func failures() async throws {
        let (untrusted, untrustedJSON, anonymous, wrongPassword) = try await TLSClientTests.withPeer { pki, peer in
            let url = ["--url", peer.endpoint.absoluteString]
            let certificate = ["--cert", pki.insiAuto.pkcs12.path, "--cert-password", TestPKI.password]
            return (try await CLITests.run(["lookup"] + url + Self.dominique + certificate),
                    try await CLITests.run(["lookup"] + url + Self.dominique + certificate + ["--json"]),
                    try await CLITests.run(["lookup"] + url + Self.dominique + ["--cacert", pki.ca.path]),
                    try await CLITests.run(["lookup"] + url + Self.dominique
                                           + ["--cert", pki.insiAuto.pkcs12.path, "--cert-password", "nope", "--cacert", pki.ca.path]))
        }
        #expect(untrusted.status == 4)
        #expect(untrusted.stdout.contains("is not trusted"), "\(untrusted.stdout)")
        #expect(untrusted.stdout.contains("ca.pem"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(untrustedJSON.stdout.utf8)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["kind"] as? String == "tls")
        #expect(error["tls"] as? String == "serverNotTrusted")
        #expect(anonymous.status == 4)
        #expect(anonymous.stdout.contains("requires a client certificate"), "\(anonymous.stdout)")
        #expect(wrongPassword.status == 4)
        #expect(wrongPassword.stdout.contains("the password given does not open the PKCS#12 file"), "\(wrongPassword.stdout)")
    }

    @Test("Unusable TLS options exit 64 before any call, naming the option",
          arguments: [
            (["--url", "http://127.0.0.1:1", "--cert", "insi-auto.p12", "--cert-password", "x"], "is plain HTTP"),
            (["--url", "https://127.0.0.1:1", "--cert", "missing.p12", "--cert-password", "x"], "--cert: cannot read the client certificate file"),
            (["--url", "https://127.0.0.1:1", "--key", "insi-auto-key.pem"], "--key needs --cert"),
            (["--url", "https://127.0.0.1:1", "--cert", "insi-auto.p12"], "give its password"),
            (["--url", "https://127.0.0.1:1", "--cert", "insi-auto.pem"], "--cert: the private key file"),
            (["--url", "https://127.0.0.1:1", "--cacert", "insi-auto.p12"], "--cacert: the CA certificates file"),
          ])
    func badOptions(_ arguments: [String], _ message: String) async throws {
        let pki = try await TestPKI.shared()
        // File names are the PKI's, so that only the flaw under test is there.
        let resolved = arguments.map { $0.hasSuffix(".p12") || $0.hasSuffix(".pem") ? pki.file($0).path : $0 }
        let run = try await CLITests.run(["lookup"] + resolved + Self.dominique)
        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("rehearse --cert: the pack runs over mTLS, /health and the admin API included (a scenario case)")
    func rehearse() async throws {
        let run = try await TLSClientTests.withPeer { pki, peer in
            try await CLITests.run(["rehearse", "--url", peer.endpoint.absoluteString, "--only", "lookup-houilles-not-found",
                                    "fault-unknown-approval-number"] + Self.p12(pki))
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Target: insi-sim"))
        #expect(run.stdout.contains("admin API reachable"))
        #expect(run.stdout.contains("2 passed, 0 failed, 0 skipped"))
    }

    @Test("rehearse without the CA: one line on the TLS failure, exit 4, no case run")
    func rehearseUntrusted() async throws {
        let run = try await TLSClientTests.withPeer { pki, peer in
            try await CLITests.run(["rehearse", "--url", peer.endpoint.absoluteString, "--only", "lookup-houilles-not-found",
                                    "--cert", pki.insiAuto.pkcs12.path, "--cert-password", TestPKI.password])
        }
        #expect(run.status == 4, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("no TLS session with"), "\(run.stderr)")
        #expect(run.stderr.contains("is not trusted"))
        #expect(!run.stdout.contains("PASS") && !run.stdout.contains("FAIL"))
    }
}
