import Foundation
import HTTPServer
import INSiPKI
import Synchronization

/// The test PKI of `insi-sim certs generate`, made once per test process in a temporary folder
/// (RSA keys take a moment), plus a second, unrelated one for "unknown CA" cases.
public enum TestPKIFolder {
    private static let folders = Mutex<[String: URL]>([:])

    /// The folder of the PKI named `name` ("main", "other").
    public static func url(_ name: String = "main") throws -> URL {
        try folders.withLock { (folders: inout [String: URL]) throws -> URL in
            if let url = folders[name] { return url }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("insi-sim-tests-pki-\(getpid())-\(name)")
            try? FileManager.default.removeItem(at: url)
            try TestPKI.generate(in: url)
            folders[name] = url
            return url
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
