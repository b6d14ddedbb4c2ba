import Foundation
import Synchronization
import Testing
import TestSupport

/// A TLS server on loopback for the client's tests: `Tests/tls/tls_peer.py` (python's `ssl`,
/// OpenSSL underneath, nothing of ours), relaying to the in-process simulator so that the answers
/// are the simulator's. It stands for insi-sim's own TLS listener until that one exists.
final class TLSPeer: Sendable {
    enum ClientCertificatePolicy: String, Sendable {
        case required, optional, none
    }

    /// Debian's interpreter first (as the zeep test), then whichever `python3` PATH gives.
    static let python = ChildProcess.find("python3", preferring: ["/usr/bin/python3"])

    /// Whether the TLS tests can run here: python3 for the peer, openssl for the PKI.
    static let toolsPresent = python != nil && TestPKI.openssl != nil

    static let script = TestPaths.repository.appendingPathComponent("Tests/tls/tls_peer.py")

    let port: Int
    private let child: SpawnedProcess
    private let logFile: URL

    /// `https://127.0.0.1:PORT/lps`.
    var endpoint: URL { URL(string: "https://127.0.0.1:\(port)/lps")! }

    /// One line per connection: `accepted CN=INSI-AUTO`, `accepted CN=-`, `refused <reason>`.
    var log: [String] {
        ((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    private init(port: Int, child: SpawnedProcess, logFile: URL) {
        self.port = port
        self.child = child
        self.logFile = logFile
    }

    /// Starts a peer serving `certificate` and relaying to `backend` (an http endpoint).
    static func start(pki: TestPKI, backend: URL, certificate: (certificate: URL, key: URL)? = nil,
                      clientCertificate: ClientCertificatePolicy = .required, maxTLS: String = "1.3") async throws -> TLSPeer {
        let python = try #require(python)
        let served = certificate ?? pki.server
        let logFile = pki.folder.appendingPathComponent("peer-\(UUID().uuidString).log")
        let arguments = [script.path, "--cert", served.certificate.path, "--key", served.key.path,
                         "--client-ca", pki.ca.path, "--client-cert", clientCertificate.rawValue, "--max-tls", maxTLS,
                         "--backend", "127.0.0.1:\(backend.port ?? 80)", "--log", logFile.path]
        let child = try SpawnedProcess(python.path, arguments, input: true, errors: .discarded)
        // The first line says the port.
        let line = try await offPool { () -> String in
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while read(child.output.fileDescriptor, &byte, 1) == 1 && byte != UInt8(ascii: "\n") { bytes.append(byte) }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard line.hasPrefix("listening "), let port = Int(line.dropFirst("listening ".count)) else {
            child.signal(SIGTERM)
            throw TLSPeerError(line: line)
        }
        return TLSPeer(port: port, child: child, logFile: logFile)
    }

    /// Closing its standard input ends the peer; its end is awaited on a thread of its own.
    func stop() {
        try? child.input?.close()
        let child = child
        Thread { child.wait() }.start()
    }

    deinit { stop() }
}
struct TLSPeerError: Error, CustomStringConvertible {
    var line: String
    var description: String { "the TLS peer did not start (its first line: '\(line)')" }
}
