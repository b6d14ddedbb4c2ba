import Foundation
import INSiPKI
import INSiSOAP
import TestSupport
import Testing

/// `insi-sim certs generate` and `insi-sim serve`'s TLS options, the built binary run as a child process.
@Suite("insi-sim serve over TLS, certs generate")
struct ServeTLSCommandTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("insi-sim-tls-\(UUID().uuidString)")
    }

    @Test("serve --tls-dir generates a missing test PKI and serves mutual TLS beside plain HTTP, each with its URL in the start line")
    func tlsDirectory() async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let child = try await ChildServer.start(["--tls-dir", folder.path, "--tls-port", "0", "--log-level", "warning"])
        let line = child.startLine
        #expect(line.contains("listening: endpoint http://127.0.0.1:\(child.port)/lps"), "\(line)")
        let marker = try #require(line.range(of: "TLS endpoint https://127.0.0.1:"), "\(line)")
        let tlsPort = try #require(Int(line[marker.upperBound...].prefix { $0.isNumber }))
        #expect(line.contains("https://127.0.0.1:\(tlsPort)/lps (client certificate required, security strict)"), "\(line)")
        let present = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(present) == Set(TestPKI.fileNames))
        let identity = TLSTestClient.Identity(certificateFile: folder.appendingPathComponent("insi-auto.pem").path,
                                              keyFile: folder.appendingPathComponent("insi-auto-key.pem").path)
        let ca = folder.appendingPathComponent("ca.pem").path
        let body = INSiRequestWriter.write(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))
        let response = try await offPool {
            let client = try TLSTestClient(port: tlsPort, caFile: ca, identity: identity, serverName: "127.0.0.1")
            let head = "POST /lps HTTP/1.1\r\nHost: 127.0.0.1:\(tlsPort)\r\nContent-Type: \(INSiRequestWriter.contentType(for: .traitsSearch))\r\n"
                + "Content-Length: \(body.count)\r\n\r\n"
            try client.send(Array(head.utf8) + body)
            return try client.readResponse()
        }
        #expect(response.status == 200 && response.text.contains("<CodeCR>00</CodeCR>"), "\(response.text)")
        #expect(try await offPool { child.terminate() } == 0)
        // Started again on the same folder: used as it is, not made anew.
        let before = try Data(contentsOf: folder.appendingPathComponent("ca.pem"))
        let again = try await ChildServer.start(["--tls-dir", folder.path, "--tls-port", "0", "--log-level", "warning"])
        #expect(try Data(contentsOf: folder.appendingPathComponent("ca.pem")) == before)
        #expect(try await offPool { again.terminate() } == 0)
    }

    @Test("the CPx path end to end with the binary: certs generate, assertion sign, serve a CPx endpoint, lookup --assertion", .testPKI)
    func cpxEndToEnd() async throws {
        // The run's TestPKIFolder is the binary's certs generate folder; it is only read here.
        let folder = try TestPKIFolder.url()
        let binary = TestPaths.insiSim.path
        let generated = try #require(TestPKIFolder.generation)
        #expect(generated.status == 0, "\(generated.output)")
        let assertion = Self.temporaryFolder().appendingPathExtension("xml").path
        defer { try? FileManager.default.removeItem(atPath: assertion) }
        let signed = try await ChildProcess.run([binary, "assertion", "sign", "--card", folder.appendingPathComponent("card-nurse.p12").path,
                                                 "--billing-id", "0012345", "--out", assertion])
        #expect(signed.status == 0, "\(signed.output)")
        let text = try String(contentsOfFile: assertion, encoding: .utf8)
        #expect(text.hasPrefix("<saml:Assertion") && text.contains(">0012345<") && text.contains("CN=00B6087520"), "\(text)")
        // A CPx endpoint: TLS without client certificates, card assertions checked against the folder's card-ca.pem.
        let child = try await ChildServer.start(["--tls-dir", folder.path, "--tls-port", "0", "--client-cert", "none", "--log-level", "warning"])
        let line = child.startLine
        let marker = try #require(line.range(of: "TLS endpoint https://127.0.0.1:"), "\(line)")
        let tlsPort = try #require(Int(line[marker.upperBound...].prefix { $0.isNumber }))
        #expect(line.contains("client certificate none, security strict"), "\(line)")
        let lookup = [binary, "lookup", "--url", "https://localhost:\(tlsPort)", "--cacert", folder.appendingPathComponent("ca.pem").path,
                      "--nom", "ADRTROIS", "--prenoms", "DOMINIQUE", "--sexe", "F", "--naissance", "1997-02-26"]
        let found = try await ChildProcess.run(lookup + ["--assertion", assertion])
        #expect(found.status == 0 && found.output.contains("297022A020778"), "\(found.output)")
        let refused = try await ChildProcess.run(lookup)
        #expect(refused.status == 3 && refused.output.contains("insisim_957"), "\(refused.output)")
        #expect(try await offPool { child.terminate() } == 0)
    }

    @Test("TLS options that do not go together are refused with serve's usage (exit 64)", arguments: [
        (["--tls-cert", "/x/server.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-port", "8443"], "--tls-port needs a TLS listener"),
        (["--client-cert", "required"], "--client-cert needs a TLS listener"),
        (["--tls-dir", "/x", "--tls-cert", "/x/a.pem", "--tls-key", "/x/b.pem"], "leave out --tls-cert"),
        (["--tls-cert", "/x/a.pem", "--tls-key", "/x/b.pem", "--client-cert", "required"], "needs --client-ca"),
        (["--tls-dir", "/x", "--port", "9000", "--tls-port", "9000"], "also the plain HTTP port"),
        (["--security", "lax"], "--security"),
    ])
    func badTLSSettings(_ arguments: [String], _ message: String) async throws {
        let command = [TestPaths.insiSim.path, "serve", "--port", "0"] + arguments
        let run = try await ChildProcess.run(command)
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains(message), "\(run.output)")
        #expect(run.output.contains("Usage: insi-sim serve"), "\(run.output)")
    }

    @Test("a certificate file that cannot be used stops serve at start (exit 2) with a message naming it", .testPKI)
    func unusableCertificate() async throws {
        let folder = try TestPKIFolder.url()
        let command = [TestPaths.insiSim.path, "serve", "--port", "0", "--tls-port", "0", "--resources", TestPaths.resources.path,
                       "--tls-cert", folder.appendingPathComponent("server.pem").path,
                       "--tls-key", folder.appendingPathComponent("insi-auto-key.pem").path]
        let run = try await ChildProcess.run(command)
        #expect(run.status == 2, "\(run.output)")
        #expect(run.output.contains("does not belong to the certificate"), "\(run.output)")
    }

    @Test("certs generate --force replaces a folder's files with exactly the documented ones, each key its own, readable by OpenSSL; without --force a folder holding any of them is refused",
          .testPKI)
    func certsGenerate() async throws {
        // The run's TestPKIFolder is made by the binary: --force over a folder holding a stale ca.pem.
        let folder = try TestPKIFolder.url()
        let generated = try #require(TestPKIFolder.generation)
        #expect(generated.status == 0, "\(generated.output)")
        #expect(generated.output.contains("serve with: insi-sim serve --tls-dir"), "\(generated.output)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set(TestPKI.fileNames))
        // Every certificate has a key of its own (the keys are made side by side).
        let keyFiles = TestPKI.fileNames.filter { $0.hasSuffix("-key.pem") }
        let keys = try keyFiles.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        #expect(keyFiles.count == 11 && Set(keys).count == keyFiles.count)
        #expect(TestPKI.fileNames == ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem",
                                      "insi-auto.pem", "insi-auto-key.pem", "insi-auto.p12", "insi-manu.pem", "insi-manu-key.pem", "insi-manu.p12",
                                      "wrong-cn.pem", "wrong-cn-key.pem", "wrong-cn.p12", "expired.pem", "expired-key.pem",
                                      "card-ca.pem", "card-ca-key.pem", "ecps-ca.pem", "ecps-ca-key.pem",
                                      "card-doctor.pem", "card-doctor-key.pem", "card-doctor.p12", "card-nurse.pem", "card-nurse-key.pem",
                                      "card-nurse.p12", "ecps.pem", "ecps-key.pem", "ecps.p12", "README.md"])
        let authority = try Data(contentsOf: folder.appendingPathComponent(TestPKI.caFile))
        #expect(authority != Data(TestPKIFolder.staleCA.utf8), "the stale ca.pem was not replaced")
        // Without --force, a folder holding one of the files is refused and left as it is: in a
        // folder of its own (refusing makes no key), so the shared one cannot be touched.
        let own = try TestPaths.temporaryFolder("certs-refused")
        defer { try? FileManager.default.removeItem(at: own) }
        try Data(TestPKIFolder.staleCA.utf8).write(to: own.appendingPathComponent(TestPKI.caFile))
        let options = TestPKIFolder.generateOptions.filter { $0 != "--force" }
        let refused = try await ChildProcess.run([TestPaths.insiSim.path, "certs", "generate", "--out", own.path] + options)
        #expect(refused.status == 2 && refused.output.contains("--force"), "\(refused.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: own.path) == [TestPKI.caFile])
        #expect(try Data(contentsOf: own.appendingPathComponent(TestPKI.caFile)) == Data(TestPKIFolder.staleCA.utf8))
        // Read back with OpenSSL's own tool where there is one: SANs, CNs, the archive's password.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            let server = try await ChildProcess.run(["/usr/bin/openssl", "x509", "-in", folder.appendingPathComponent("server.pem").path, "-noout", "-ext", "subjectAltName"])
            #expect(server.output.contains("DNS:insi.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), "\(server.output)")
            for client in TestPKI.clients where client.pkcs12 {
                let archive = try await ChildProcess.run(["/usr/bin/openssl", "pkcs12", "-in", folder.appendingPathComponent(client.name + ".p12").path,
                                                          "-passin", "pass:insi-sim", "-nokeys", "-clcerts"])
                #expect(archive.status == 0 && archive.output.contains("CN = \(client.commonName)"), "\(archive.output)")
            }
            let expired = try await ChildProcess.run(["/usr/bin/openssl", "verify", "-CAfile", folder.appendingPathComponent("ca.pem").path,
                                                      folder.appendingPathComponent("expired.pem").path, folder.appendingPathComponent("insi-auto.pem").path])
            #expect(expired.output.contains("certificate has expired") && expired.output.contains("insi-auto.pem: OK"), "\(expired.output)")
            // The cards: chained to their authorities, subjects shaped like real cards' (GN+CN+SN in one RDN).
            let cards = try await ChildProcess.run(["/usr/bin/openssl", "verify", "-CAfile", folder.appendingPathComponent("card-ca.pem").path,
                                                    folder.appendingPathComponent("card-doctor.pem").path, folder.appendingPathComponent("card-nurse.pem").path])
            #expect(cards.status == 0, "\(cards.output)")
            let subject = try await ChildProcess.run(["/usr/bin/openssl", "x509", "-in", folder.appendingPathComponent("card-doctor.pem").path,
                                                      "-noout", "-subject", "-ext", "keyUsage", "-nameopt", "RFC2253"])
            let line = subject.output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map { String($0.dropFirst("subject=".count)) } ?? ""
            let rdns = line.split(separator: ",").map(String.init)
            #expect(Set((rdns.first ?? "").split(separator: "+").map(String.init)) == ["GN=OLIVIER", "CN=00B6087510", "SN=DUPONT"], "\(line)")
            #expect(Array(rdns.dropFirst()) == ["title=Medecin", "C=FR"], "\(line)")
            #expect(subject.output.contains("Digital Signature, Non Repudiation"), "\(subject.output)")
            let ecps = try await ChildProcess.run(["/usr/bin/openssl", "verify", "-CAfile", folder.appendingPathComponent("ecps-ca.pem").path,
                                                   folder.appendingPathComponent("ecps.pem").path])
            #expect(ecps.status == 0, "\(ecps.output)")
        }
        let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        for stack in ["curl", "Java", ".NET", "Node", "Python", "CPx cards"] { #expect(readme.contains("## \(stack)"), "\(stack)") }
    }
}
