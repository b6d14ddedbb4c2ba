import COpenSSL
import Foundation

extension PeerCertificate {
    /// Reads an OpenSSL certificate (`X509 *`), which stays the caller's.
    init(x509 certificate: OpaquePointer) {
        let subjectName = X509_get_subject_name(certificate)
        self.init(
            subject: Self.rfc4514(subjectName), issuer: Self.rfc4514(X509_get_issuer_name(certificate)),
            serial: Self.hex(X509_get0_serialNumber(certificate)),
            notBefore: Self.date(X509_get0_notBefore(certificate)), notAfter: Self.date(X509_get0_notAfter(certificate)),
            commonName: Self.commonName(subjectName))
    }

    /// RFC 4514 (RFC 2253's successor): most specific first, UTF-8 kept as it is.
    private static func rfc4514(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, copenssl_xn_flag_rfc4514()) >= 0 else { return "" }
        return text(of: bio)
    }

    private static func text(of bio: OpaquePointer) -> String {
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(count)) }
        return String(decoding: bytes.prefix(max(Int(read), 0)), as: UTF8.self)
    }

    private static func hex(_ serial: UnsafePointer<ASN1_INTEGER>?) -> String {
        guard let serial, let number = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(number) }
        guard let digits = BN_bn2hex(number) else { return "" }
        defer { copenssl_free(digits) }
        return String(cString: digits)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    private static func commonName(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { copenssl_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }
}
