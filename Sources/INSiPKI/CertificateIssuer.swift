import COpenSSL
import Foundation

/// Makes certificates with OpenSSL: self-signed authorities, and certificates an authority
/// signs. SHA-256 signatures, random 128-bit serial numbers, X.509 v3.
public enum CertificateIssuer {
    /// A self-signed authority certificate for `key`.
    public static func selfSigned(_ profile: CertificateProfile, key: PrivateKey) throws(PKIError) -> X509Certificate {
        try make(profile, key: key, issuer: nil, issuerKey: key)
    }

    /// A certificate for `key`, signed by `authority` with `authorityKey`.
    public static func issue(_ profile: CertificateProfile, key: PrivateKey, by authority: X509Certificate,
                             authorityKey: PrivateKey) throws(PKIError) -> X509Certificate {
        try make(profile, key: key, issuer: authority, issuerKey: authorityKey)
    }

    private static func make(_ profile: CertificateProfile, key: PrivateKey, issuer: X509Certificate?,
                             issuerKey: PrivateKey) throws(PKIError) -> X509Certificate {
        ERR_clear_error()
        guard let pointer = X509_new() else { throw OpenSSLCall.failure("cannot allocate a certificate") }
        let certificate = X509Certificate(taking: pointer)
        try OpenSSLCall.check(X509_set_version(pointer, 2) == 1, "cannot set the version")
        try setSerial(pointer)
        try OpenSSLCall.check(ASN1_TIME_set(X509_getm_notBefore(pointer), time_t(profile.notBefore.timeIntervalSince1970)) != nil
                              && ASN1_TIME_set(X509_getm_notAfter(pointer), time_t(profile.notAfter.timeIntervalSince1970)) != nil,
                              "cannot set the validity")
        let name = try distinguishedName(profile.subject)
        defer { X509_NAME_free(name) }
        try OpenSSLCall.check(X509_set_subject_name(pointer, name) == 1, "cannot set the subject")
        try OpenSSLCall.check(X509_set_issuer_name(pointer, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1,
                              "cannot set the issuer")
        try OpenSSLCall.check(X509_set_pubkey(pointer, key.pointer) == 1, "cannot set the public key")
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? pointer, pointer, nil, nil, 0)
        for (extensionName, value) in profile.extensions {
            guard let made = X509V3_EXT_nconf(nil, &context, extensionName, value) else {
                throw OpenSSLCall.failure("cannot make the extension \(extensionName)=\(value)")
            }
            defer { X509_EXTENSION_free(made) }
            try OpenSSLCall.check(X509_add_ext(pointer, made, -1) == 1, "cannot add the extension \(extensionName)")
        }
        try OpenSSLCall.check(X509_sign(pointer, issuerKey.pointer, EVP_sha256()) > 0, "cannot sign the certificate")
        return certificate
    }

    /// 128 random bits, positive (RFC 5280 allows up to 20 octets).
    private static func setSerial(_ certificate: OpaquePointer) throws(PKIError) {
        guard let number = BN_new() else { throw OpenSSLCall.failure("cannot allocate a serial number") }
        defer { BN_free(number) }
        try OpenSSLCall.check(BN_rand(number, 127, 0, 0) == 1, "cannot draw a serial number")
        guard let serial = BN_to_ASN1_INTEGER(number, nil) else { throw OpenSSLCall.failure("cannot encode the serial number") }
        defer { ASN1_INTEGER_free(serial) }
        try OpenSSLCall.check(X509_set_serialNumber(certificate, serial) == 1, "cannot set the serial number")
    }

    private static func distinguishedName(_ attributes: [(attribute: String, value: String)]) throws(PKIError) -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSLCall.failure("cannot allocate a name") }
        for (attribute, value) in attributes {
            let bytes = Array(value.utf8)
            // set -1: into the previous RDN (a "+" attribute); 0: an RDN of its own.
            let joins = attribute.hasPrefix("+")
            let added = X509_NAME_add_entry_by_txt(name, joins ? String(attribute.dropFirst()) : attribute, MBSTRING_UTF8,
                                                   bytes, Int32(bytes.count), -1, joins ? -1 : 0)
            guard added == 1 else {
                X509_NAME_free(name)
                throw OpenSSLCall.failure("cannot add \(attribute)=\(value) to a name")
            }
        }
        return name
    }
}
