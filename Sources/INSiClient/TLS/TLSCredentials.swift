import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a ``ClientTLSConfiguration``'s files, read and checked for their form, handed to
/// libcurl as blobs: the files are read by us, so that an unreadable one is named with the
/// system's reason rather than libcurl's "could not open".
struct TLSCredentials: Sendable {
    enum Certificate: Sendable {
        case pkcs12(bytes: [UInt8], password: String, path: String)
        case pem(certificate: [UInt8], key: [UInt8], keyPassword: String?, certificatePath: String, keyPath: String)
    }

    var certificate: Certificate?
    /// The CA certificates (PEM) replacing the system's store, and the file's path.
    var authorities: (bytes: [UInt8], path: String)?

    init(certificate: Certificate?, authorities: (bytes: [UInt8], path: String)?) {
        self.certificate = certificate
        self.authorities = authorities
    }

    init(_ configuration: ClientTLSConfiguration) throws(TLSError) {
        switch configuration.certificate {
        case nil:
            certificate = nil
        case .pkcs12(let file, let password)?:
            let bytes = try TLSFile.read(file, role: .clientCertificate)
            if TLSFile.isPEM(bytes) {
                throw .fileInvalid(path: file.path, role: .clientCertificate,
                                   reason: "it is PEM text, not PKCS#12: give it as a PEM certificate with its key")
            }
            // DER: a PKCS#12 file is one ASN.1 SEQUENCE.
            guard bytes.first == 0x30 else {
                throw .fileInvalid(path: file.path, role: .clientCertificate, reason: "it is neither PKCS#12 (DER) nor PEM")
            }
            certificate = .pkcs12(bytes: bytes, password: password, path: file.path)
        case .pem(let certificateFile, let keyFile, let keyPassword)?:
            let certificateBytes = try TLSFile.read(certificateFile, role: .clientCertificate)
            guard TLSFile.contains(certificateBytes, "-----BEGIN CERTIFICATE-----") else {
                throw .fileInvalid(path: certificateFile.path, role: .clientCertificate,
                                   reason: TLSFile.isPEM(certificateBytes) ? "no certificate (BEGIN CERTIFICATE) in it"
                                       : "it is not PEM text (a PKCS#12 file is given with its password, without a key file)")
            }
            let keyBytes = keyFile == certificateFile ? certificateBytes : try TLSFile.read(keyFile, role: .privateKey)
            guard TLSFile.contains(keyBytes, "PRIVATE KEY-----") else {
                throw .fileInvalid(path: keyFile.path, role: .privateKey,
                                   reason: keyFile == certificateFile ? "no private key in it: give the key file too"
                                       : "no private key (BEGIN … PRIVATE KEY) in it")
            }
            certificate = .pem(certificate: certificateBytes, key: keyBytes, keyPassword: keyPassword,
                               certificatePath: certificateFile.path, keyPath: keyFile.path)
        }
        switch configuration.serverTrust {
        case .system:
            authorities = nil
        case .certificateAuthorities(let file):
            let bytes = try TLSFile.read(file, role: .certificateAuthorities)
            guard TLSFile.contains(bytes, "-----BEGIN CERTIFICATE-----") else {
                throw .fileInvalid(path: file.path, role: .certificateAuthorities, reason: "no PEM certificate (BEGIN CERTIFICATE) in it")
            }
            authorities = (bytes, file.path)
        }
    }
}

/// Reading the small files of a TLS configuration.
enum TLSFile {
    /// Larger than any certificate, key or CA bundle: beyond it the path is surely wrong.
    static let limit = 4 << 20

    static func read(_ file: URL, role: TLSFileRole) throws(TLSError) -> [UInt8] {
        let path = file.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileUnreadable(path: path, role: role, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw .fileUnreadable(path: path, role: role, reason: "it is a folder")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileUnreadable(path: path, role: role, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > limit { throw .fileInvalid(path: path, role: role, reason: "larger than 4 MiB: not a certificate file") }
        }
        guard !bytes.isEmpty else { throw .fileInvalid(path: path, role: role, reason: "the file is empty") }
        return bytes
    }

    /// PEM text starts with a `-----BEGIN` line, possibly after comments (`Bag Attributes` of an
    /// `openssl pkcs12` export).
    static func isPEM(_ bytes: [UInt8]) -> Bool {
        contains(bytes, "-----BEGIN ")
    }

    static func contains(_ bytes: [UInt8], _ marker: String) -> Bool {
        bytes.firstRange(of: Array(marker.utf8)) != nil
    }
}
