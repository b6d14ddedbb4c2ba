internal import CXMLSec
import Foundation

/// Every call into xmlsec1 and OpenSSL of this module (one file: the C helpers keep per-thread
/// error text in a static of theirs, which must exist once). xmlsec is initialised once per
/// process, its errors kept for us instead of printed.
enum XMLSecurity {
    /// nil once initialised; otherwise why it could not be.
    static let initialisation: String? = {
        let status = insi_xmlsec_initialize()
        return status == 0 ? nil : "xmlsec could not be initialised (step \(-status)): \(lastError ?? "no detail")"
    }()

    /// xmlsec's first error of the last operation on this thread, if any.
    static var lastError: String? {
        let text = String(cString: insi_xmlsec_last_error())
        return text.isEmpty ? nil : text
    }

    /// Signs the template of an unsigned assertion; the signed element's bytes.
    static func sign(assertion: [UInt8], key: [UInt8], certificate: [UInt8]) -> [UInt8]? {
        guard initialisation == nil else { return nil }
        var signed: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        let status = assertion.withUnsafeBufferPointer { document in
            document.withMemoryRebound(to: CChar.self) { bytes in
                key.withUnsafeBufferPointer { keyBytes in
                    certificate.withUnsafeBufferPointer { certificateBytes in
                        insi_xmlsec_sign_assertion(bytes.baseAddress, Int32(bytes.count), keyBytes.baseAddress, UInt32(keyBytes.count),
                                                   certificateBytes.baseAddress, UInt32(certificateBytes.count), &signed, &length)
                    }
                }
            }
        }
        guard status == 0, let signed else { return nil }
        defer { insi_xmlsec_free(signed) }
        return Array(UnsafeBufferPointer(start: signed, count: Int(length)))
    }

    /// What verifying the assertion of an envelope found (see `insi_xmlsec_verify_envelope`).
    struct Verification: Sendable {
        var assertions: Int
        var idRegistered: Bool
        var verified: Bool
        var valid: Bool
        var references: Int
        var uri: String
    }

    /// Verifies the signature of the envelope's assertion with the DER certificate's key; nil
    /// when the document cannot be read at all.
    static func verify(envelope: [UInt8], certificate: [UInt8]) -> Verification? {
        guard initialisation == nil else { return nil }
        var result = insi_xmlsec_verification()
        let status = envelope.withUnsafeBufferPointer { document in
            document.withMemoryRebound(to: CChar.self) { text in
                certificate.withUnsafeBufferPointer { der in
                    insi_xmlsec_verify_envelope(text.baseAddress, Int32(text.count), der.baseAddress, UInt32(der.count), &result)
                }
            }
        }
        guard status == 0 else { return nil }
        return Verification(assertions: Int(result.assertions), idRegistered: result.idRegistered == 1,
                            verified: result.verified == 1, valid: result.valid == 1,
                            references: Int(result.references), uri: text(&result.uri))
    }

    /// Reads and checks a DER certificate against the PEM authorities `trusted` at `time`; nil
    /// when it is not a certificate.
    static func check(certificate der: [UInt8], trusted: [UInt8], at time: Date) -> CardCertificateReport? {
        var report = insi_x509_report()
        let status = der.withUnsafeBufferPointer { certificate in
            trusted.withUnsafeBufferPointer { authorities in
                authorities.withMemoryRebound(to: CChar.self) { pem in
                    insi_x509_check(certificate.baseAddress, Int32(certificate.count), pem.baseAddress, Int32(pem.count),
                                    Int64(time.timeIntervalSince1970), &report)
                }
            }
        }
        guard status == 0 else { return nil }
        return CardCertificateReport(
            verificationError: report.verifyResult == 0 ? nil : (report.verifyResult, text(&report.error)),
            allowsSigning: report.keyUsageAllowsSigning == 1,
            notBefore: Date(timeIntervalSince1970: TimeInterval(report.notBefore)),
            notAfter: Date(timeIntervalSince1970: TimeInterval(report.notAfter)),
            subject: DistinguishedName(entries: text(&report.subjectEntries)),
            subjectText: text(&report.subject),
            issuer: text(&report.issuer),
            serial: text(&report.serial))
    }

    /// The subject of a PEM certificate, or nil when it is not one.
    static func subject(ofCertificate pem: [UInt8]) -> DistinguishedName? {
        let text = String(decoding: pem, as: UTF8.self)
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"), let end = text.range(of: "-----END CERTIFICATE-----"),
              begin.upperBound <= end.lowerBound,
              let der = Data(base64Encoded: String(text[begin.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters)
        else { return nil }
        return check(certificate: Array(der), trusted: [], at: Date())?.subject
    }

    /// A C char array (imported as a tuple) up to its NUL.
    private static func text<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// An X.509 card certificate as OpenSSL read it, checked against trusted authorities.
struct CardCertificateReport: Sendable {
    /// OpenSSL's verification: nil when it chains to a trusted authority and is valid at the
    /// time given; else its code and reason.
    var verificationError: (code: Int32, reason: String)?
    var allowsSigning: Bool
    var notBefore: Date
    var notAfter: Date
    var subject: DistinguishedName
    var subjectText: String
    var issuer: String
    var serial: String

    /// `X509_V_ERR_CERT_HAS_EXPIRED` and `X509_V_ERR_CERT_NOT_YET_VALID`.
    static let expired: Int32 = 10
    static let notYetValid: Int32 = 9
}
