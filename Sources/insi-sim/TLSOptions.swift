import ArgumentParser
import Foundation
import INSiClient

/// `--cert`, `--key`, `--cacert`: a file; whether it can be used is checked by `validate()`.
struct FileArgument: ExpressibleByArgument, Sendable {
    let url: URL

    init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        url = URL(fileURLWithPath: argument)
    }

    static var defaultCompletionKind: CompletionKind { .file() }
}

/// The client side of HTTPS, shared by `lookup`, `vitale`, `verify` and `rehearse`: the
/// organisation certificate (mTLS) and the CAs trusted for the server.
struct TLSOptions: ParsableArguments {
    static let passwordVariable = "INSI_SIM_CERT_PASSWORD"

    @Option(help: "Client certificate (mTLS): a PKCS#12 file (.p12, .pfx) with --cert-password, or a PEM certificate with --key (or holding its key).")
    var cert: FileArgument?

    @Option(name: .customLong("cert-password"),
            help: "Password of the PKCS#12 file, or of an encrypted PEM key (default: \(TLSOptions.passwordVariable), kept out of the process list).")
    var certPassword: String?

    @Option(help: "PEM private key of the --cert PEM certificate.")
    var key: FileArgument?

    @Option(help: "PEM file of the CAs trusted for the server certificate, instead of the system's (insi-sim's test PKI: its ca.pem).")
    var cacert: FileArgument?

    /// The options together, checked against the URL they will be used for; the files are read
    /// now, so that a missing or malformed one is a bad argument (64) naming its option.
    func configuration(for endpoint: URL) throws -> ClientTLSConfiguration {
        if key != nil && cert == nil { throw ValidationError("--key needs --cert, the certificate it belongs to") }
        if certPassword != nil && cert == nil { throw ValidationError("--cert-password needs --cert") }
        guard cert != nil || cacert != nil else { return ClientTLSConfiguration() }
        guard endpoint.scheme?.lowercased() == "https" else {
            throw ValidationError("--cert and --cacert are for an https:// URL; \(endpoint.absoluteString) is plain HTTP")
        }
        do {
            var configuration = ClientTLSConfiguration(serverTrust: cacert.map { .certificateAuthorities($0.url) } ?? .system)
            if let cert {
                let password = certPassword ?? ProcessInfo.processInfo.environment[TLSOptions.passwordVariable]
                let certificate = try ClientCertificate.detect(certificate: cert.url, key: key?.url, password: password)
                if case .pkcs12 = certificate, password == nil {
                    throw ValidationError("--cert: \(cert.url.path) is a PKCS#12 file: give its password (--cert-password, "
                        + "or \(TLSOptions.passwordVariable))")
                }
                configuration.certificate = certificate
            }
            try configuration.check()
            return configuration
        } catch let error as TLSError {
            throw ValidationError("\(option(for: error)): \(error)")
        }
    }

    private func option(for error: TLSError) -> String {
        switch error {
        case .fileUnreadable(_, let role, _), .fileInvalid(_, let role, _):
            switch role {
            case .clientCertificate: return "--cert"
            // Without --key, the key was looked for in the --cert file.
            case .privateKey: return key == nil ? "--cert" : "--key"
            case .certificateAuthorities: return "--cacert"
            }
        default:
            return "--cert"
        }
    }
}
