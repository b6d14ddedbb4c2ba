import COpenSSL

/// An X.509 certificate (OpenSSL `X509`), owned by this object.
///
/// `@unchecked Sendable`: the certificate is complete and signed before anyone else sees it,
/// and only read afterwards.
public final class X509Certificate: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// Reads the first certificate of a PEM text.
    public convenience init(pem: [UInt8]) throws(PKIError) {
        self.init(taking: try OpenSSLCall.read(pem: pem, "certificate") { PEM_read_bio_X509($0, nil, nil, nil) })
    }

    /// `-----BEGIN CERTIFICATE-----`.
    public func pem() throws(PKIError) -> [UInt8] {
        try OpenSSLCall.bytes(writing: { PEM_write_bio_X509($0, pointer) == 1 }, "a certificate")
    }

    /// The subject's common name.
    public var commonName: String? {
        guard let name = X509_get_subject_name(pointer) else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry),
              let bytes = ASN1_STRING_get0_data(data) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))), as: UTF8.self)
    }

    /// Whether `key` is this certificate's key.
    public func matches(_ key: PrivateKey) -> Bool {
        X509_check_private_key(pointer, key.pointer) == 1
    }
}
