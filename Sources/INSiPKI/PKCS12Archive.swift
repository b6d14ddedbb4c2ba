import COpenSSL

/// PKCS#12 (`.p12`, `.pfx`): a key, its certificate and the chain, under a password; the
/// format organisations receive their certificates in and Java, .NET and Windows import.
public enum PKCS12Archive {
    /// The DER bytes of the archive.
    ///
    /// Key and certificates are encrypted with pbeWithSHA1And3-KeyTripleDES-CBC and the MAC
    /// is HMAC-SHA1: the algorithms every reader knows, Java 8 before update 301, older
    /// Windows and .NET Framework included (OpenSSL 3's default, AES with a SHA-256 MAC, is
    /// refused by them).
    public static func make(key: PrivateKey, certificate: X509Certificate, chain: [X509Certificate], password: String,
                            friendlyName: String) throws(PKIError) -> [UInt8] {
        ERR_clear_error()
        guard let stack = copenssl_sk_x509_new() else { throw OpenSSLCall.failure("cannot allocate a certificate list") }
        defer { copenssl_sk_x509_free(stack) }  // the list only; the certificates stay their owners'
        for member in chain {
            try OpenSSLCall.check(copenssl_sk_x509_push(stack, member.pointer) > 0, "cannot list the chain")
        }
        let algorithm = NID_pbe_WithSHA1And3_Key_TripleDES_CBC
        let iterations: Int32 = 2048
        guard let archive = PKCS12_create(password, friendlyName, key.pointer, certificate.pointer, stack, algorithm, algorithm,
                                          iterations, -1, 0) else {
            throw OpenSSLCall.failure("cannot make the PKCS#12 archive \(friendlyName)")
        }
        defer { PKCS12_free(archive) }
        try OpenSSLCall.check(PKCS12_set_mac(archive, password, -1, nil, 0, iterations, EVP_sha1()) == 1,
                              "cannot set the PKCS#12 MAC")
        return try OpenSSLCall.bytes(writing: { i2d_PKCS12_bio($0, archive) == 1 }, "the PKCS#12 archive \(friendlyName)")
    }

    /// The key and certificate of an archive (the chain is not needed: the reader has the CA).
    public static func read(_ bytes: [UInt8], password: String) throws(PKIError) -> (key: PrivateKey, certificate: X509Certificate) {
        ERR_clear_error()
        var pointer: UnsafePointer<UInt8>? = nil
        let archive = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            pointer = buffer.baseAddress
            return d2i_PKCS12(nil, &pointer, buffer.count)
        }
        guard let archive else { throw OpenSSLCall.failure("not a PKCS#12 file") }
        defer { PKCS12_free(archive) }
        var key: OpaquePointer?
        var certificate: OpaquePointer?
        guard PKCS12_parse(archive, password, &key, &certificate, nil) == 1, let key, let certificate else {
            throw OpenSSLCall.failure("cannot open the PKCS#12 file (is the password right?)")
        }
        return (PrivateKey(taking: key), X509Certificate(taking: certificate))
    }
}
