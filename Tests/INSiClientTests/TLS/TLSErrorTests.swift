internal import CLibCurl
import Foundation
@testable import INSiClient
import INSiPKI
import Testing
import TestSupport

/// libcurl's codes and messages (OpenSSL's reasons inside) read into typed errors, and the
/// guide's table of those errors.
@Suite("TLS errors")
struct TLSErrorTests {
    /// One of each case.
    static let samples: [TLSError] = [
        .fileUnreadable(path: "/c.p12", role: .clientCertificate, reason: "No such file or directory"),
        .fileInvalid(path: "/c.p12", role: .clientCertificate, reason: "it is PEM text"),
        .wrongPassword(path: "/c.p12"),
        .legacyPKCS12(path: "/c.p12", detail: "unsupported"),
        .keyRejected(path: "/k.pem", detail: "unable to set private key file"),
        .serverNotTrusted(host: "h", reason: "unable to get local issuer certificate", caFile: nil),
        .nameMismatch(host: "h", detail: "no alternative certificate subject name matches target host name 'h'"),
        .clientCertificateRequired(host: "h", alert: "certificate required"),
        .clientCertificateRefused(host: "h", alert: "unknown ca"),
        .alert(host: "h", alert: "protocol version"),
        .handshakeFailed(host: "h", detail: "wrong version number"),
    ]

    @Test("The guide's table names every TLSError case, and no other")
    func guideTable() throws {
        let guide = try String(contentsOf: TestPaths.repository.appendingPathComponent("docs/guides/tls-client.md"), encoding: .utf8)
        let section = try #require(guide.components(separatedBy: "## Errors").dropFirst().first?.components(separatedBy: "\n## ").first)
        // The header row names the type, the others one case each.
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.dropFirst()
            .compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
        #expect(rows == Self.samples.map(\.kind))
    }

    static let pkcs12 = TLSCredentials.Certificate.pkcs12(bytes: [0x30], password: "p", path: "/c.p12")
    static let pem = TLSCredentials.Certificate.pem(certificate: [], key: [], keyPassword: nil, certificatePath: "/c.pem", keyPath: "/k.pem")

    static func context(_ certificate: TLSCredentials.Certificate?, scheme: String = "https") -> CurlFailureContext {
        CurlFailureContext(url: URL(string: "\(scheme)://insi.test:8443/lps")!,
                           credentials: TLSCredentials(certificate: certificate, authorities: ([], "/ca.pem")))
    }

    @Test("libcurl's messages as libcurl 7.88 with OpenSSL 3 writes them, read into their cases",
          arguments: [
            (CURLE_SSL_CERTPROBLEM, "could not parse PKCS12 file, check password, OpenSSL error error:11800071:PKCS12 routines::mac verify failure",
             true, TLSError.wrongPassword(path: "/c.p12")),
            (CURLE_SSL_CERTPROBLEM, "could not parse PKCS12 file, check password, OpenSSL error error:0308010C:digital envelope routines::unsupported",
             true, .legacyPKCS12(path: "/c.p12", detail: "could not parse PKCS12 file, check password, OpenSSL error error:0308010C:digital envelope routines::unsupported")),
            (CURLE_SSL_CERTPROBLEM, "unable to set private key file: '(memory blob)' type PEM",
             false, .keyRejected(path: "/k.pem", detail: "unable to set private key file: '(memory blob)' type PEM")),
            (CURLE_PEER_FAILED_VERIFICATION, "SSL certificate problem: unable to get local issuer certificate",
             true, .serverNotTrusted(host: "insi.test", reason: "unable to get local issuer certificate", caFile: "/ca.pem")),
            (CURLE_PEER_FAILED_VERIFICATION, "SSL: certificate subject name 'other' does not match target host name 'insi.test'",
             true, .nameMismatch(host: "insi.test", detail: "SSL: certificate subject name 'other' does not match target host name 'insi.test'")),
            (CURLE_RECV_ERROR, "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0",
             true, .clientCertificateRequired(host: "insi.test", alert: "certificate required")),
            (CURLE_SSL_CONNECT_ERROR, "OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca",
             true, .clientCertificateRefused(host: "insi.test", alert: "unknown ca")),
            (CURLE_SSL_CONNECT_ERROR, "OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca",
             false, .clientCertificateRefused(host: "insi.test", alert: "unknown ca")),
            (CURLE_SSL_CONNECT_ERROR, "OpenSSL/3.0.19: error:0A00042E:SSL routines::tlsv1 alert protocol version",
             true, .alert(host: "insi.test", alert: "protocol version")),
            (CURLE_SSL_CONNECT_ERROR, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
             true, .handshakeFailed(host: "insi.test", detail: "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number")),
          ])
    func mapping(code: CURLcode, message: String, pkcs12: Bool, expected: TLSError) {
        #expect(Self.context(pkcs12 ? Self.pkcs12 : Self.pem).failure(code: code, message: message) == .tls(expected))
    }

    @Test("A PKCS#12 failure is told by the archive itself, not by an OpenSSL reason another transfer left on the thread", .testPKI)
    func pkcs12CheckedItself() throws {
        let path = try TestPKIFolder.path("insi-auto.p12")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // What libcurl wrote when a connection closed mid-handshake had left its error queued.
        let stale = "could not parse PKCS12 file, check password, OpenSSL error error:0A000197:SSL routines::shutdown while in init"
        func context(_ password: String) -> CurlFailureContext {
            CurlFailureContext(url: URL(string: "https://insi.test:8443/lps")!, credentials: TLSCredentials(
                certificate: .pkcs12(bytes: bytes, password: password, path: path), authorities: nil))
        }
        #expect(context("not-the-password").failure(code: CURLE_SSL_CERTPROBLEM, message: stale) == .tls(.wrongPassword(path: path)))
        #expect(context(INSiPKI.TestPKI.password).failure(code: CURLE_SSL_CERTPROBLEM, message: stale)
            == .tls(.fileInvalid(path: path, role: .clientCertificate, reason: stale)))
        #expect(CurlFailureContext.pkcs12Opens([0x30], with: "x") == nil)
    }

    @Test("Without a certificate, a handshake failure is the request for one; other failures stay transport failures with a hint")
    func withoutCertificate() {
        let context = Self.context(nil)
        #expect(context.failure(code: CURLE_SSL_CONNECT_ERROR, message: "error:0A000410:SSL routines::sslv3 alert handshake failure")
            == .tls(.clientCertificateRequired(host: "insi.test", alert: "handshake failure")))
        guard case .connection(let code, let message) = context.failure(code: CURLE_GOT_NOTHING, message: "Empty reply from server") else {
            Issue.record("expected a connection failure")
            return
        }
        #expect(code == Int(CURLE_GOT_NOTHING.rawValue))
        #expect(message.contains("may refuse its absence this way"))
        // Plain HTTP: no TLS hint.
        #expect(Self.context(nil, scheme: "http").failure(code: CURLE_GOT_NOTHING, message: "Empty reply from server")
            == .connection(code: Int(CURLE_GOT_NOTHING.rawValue), message: "Empty reply from server"))
        #expect(context.failure(code: CURLE_OPERATION_TIMEDOUT, message: "Operation timed out") == .timedOut)
    }

    @Test("Messages point at the likely cause")
    func messages() {
        #expect(TLSError.handshakeFailed(host: "h", detail: "wrong version number").description.contains("is it an http:// port?"))
        #expect(TLSError.alert(host: "h", alert: "protocol version").description.contains("TLS 1.2 or later"))
        #expect(TLSError.serverNotTrusted(host: "h", reason: "r", caFile: "/ca.pem").description.contains("the CA file /ca.pem"))
    }
}
