import COpenSSL

/// OpenSSL's error queue, which is per thread: read (and emptied) right after the call that
/// failed, and emptied before each call, so that one connection's error is never blamed on
/// another connection of the same event loop.
enum OpenSSLError {
    /// The reasons queued since the last clear, oldest first, then cleared:
    /// "certificate verify failed; tlsv1 alert unknown ca".
    static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reason = copenssl_error_reason(code).map { String(cString: $0) } ?? "error \(code)"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.joined(separator: "; ")
    }

    /// The reason code of the first queued error, without removing it.
    static func firstReasonCode() -> Int32 {
        let code = ERR_peek_error()
        // ERR_GET_REASON is a macro: the reason is the low 23 bits.
        return Int32(truncatingIfNeeded: code & 0x7F_FFFF)
    }

    static func clear() {
        ERR_clear_error()
    }
}
