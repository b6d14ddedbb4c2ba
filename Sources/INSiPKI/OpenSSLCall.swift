import COpenSSL

/// OpenSSL's per-thread error queue, read into a ``PKIError``.
enum OpenSSLCall {
    /// Throws with `what` and OpenSSL's reasons unless `succeeded`.
    static func check(_ succeeded: Bool, _ what: @autoclosure () -> String) throws(PKIError) {
        guard !succeeded else { return }
        throw failure(what())
    }

    static func failure(_ what: String) -> PKIError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            reasons.append(copenssl_error_reason(code).map { String(cString: $0) } ?? "error \(code)")
        }
        return PKIError(reasons.isEmpty ? what : "\(what): \(reasons.joined(separator: "; "))")
    }

    /// The object OpenSSL's `read` makes of PEM bytes (a key, a certificate).
    static func read(pem: [UInt8], _ what: String, _ read: (OpaquePointer) -> OpaquePointer?) throws(PKIError) -> OpaquePointer {
        ERR_clear_error()
        let object = pem.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return read(bio)
        }
        guard let object else { throw failure("not a PEM \(what)") }
        return object
    }

    /// What OpenSSL wrote into a memory BIO.
    static func bytes(writing body: (OpaquePointer) -> Bool, _ what: String) throws(PKIError) -> [UInt8] {
        ERR_clear_error()
        guard let bio = BIO_new(BIO_s_mem()) else { throw failure("cannot allocate a buffer for \(what)") }
        defer { BIO_free(bio) }
        try check(body(bio), "cannot write \(what)")
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(count)) }
        return Array(bytes.prefix(max(Int(read), 0)))
    }
}
