import COpenSSL
import Dispatch
import Synchronization

/// A private key (OpenSSL `EVP_PKEY`), owned by this object.
///
/// `@unchecked Sendable`: the key is never changed after it is made, and OpenSSL allows
/// concurrent reads of a key.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A new RSA key. RSA 2048 is what the IGC-Santé organisation certificates use, and what
    /// every client stack reads.
    public static func rsa(bits: Int = 2048) throws(PKIError) -> PrivateKey {
        ERR_clear_error()
        guard let key = copenssl_rsa_generate(UInt32(bits)) else { throw OpenSSLCall.failure("cannot generate an RSA key") }
        return PrivateKey(taking: key)
    }

    /// `count` new RSA keys, made side by side on the machine's cores: a 2048-bit key takes a
    /// good part of a second of CPU, and a test PKI folder needs eleven.
    public static func rsa(count: Int, bits: Int = 2048) throws(PKIError) -> [PrivateKey] {
        guard count >= 0 else { throw PKIError("cannot make \(count) keys: the count is a number of keys, 0 or more") }
        // One slot per key, each written once by the iteration that makes it.
        let made = Mutex<[Result<PrivateKey, PKIError>?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let key = Result { () throws(PKIError) -> PrivateKey in try rsa(bits: bits) }
            made.withLock { $0[index] = key }
        }
        var keys: [PrivateKey] = []
        for slot in made.withLock({ $0 }) {
            guard let slot else { throw PKIError("a key was not made") }
            keys.append(try slot.get())
        }
        return keys
    }

    /// Reads a PEM private key (unencrypted).
    public convenience init(pem: [UInt8]) throws(PKIError) {
        self.init(taking: try OpenSSLCall.read(pem: pem, "private key") { PEM_read_bio_PrivateKey($0, nil, nil, nil) })
    }

    /// PKCS#8, unencrypted: `-----BEGIN PRIVATE KEY-----`.
    public func pem() throws(PKIError) -> [UInt8] {
        try OpenSSLCall.bytes(writing: { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) == 1 }, "a private key")
    }
}
