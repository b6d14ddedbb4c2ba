internal import CLibCurl

/// The TLS options of a transfer: peer and name verification always on, TLS 1.2 at least, the
/// client certificate and the trusted CAs given as blobs (libcurl copies them).
enum TLSSetup {
    static func apply(_ credentials: TLSCredentials?, to handle: UnsafeMutableRawPointer, _ set: (CURLcode) -> Void) {
        // libcurl's defaults, said explicitly: they are the whole point of a strict name check.
        set(insi_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(insi_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(insi_curl_set_long(handle, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2))
        guard let credentials else { return }
        switch credentials.certificate {
        case nil:
            break
        case .pkcs12(let bytes, let password, _)?:
            set(insi_curl_set_string(handle, CURLOPT_SSLCERTTYPE, "P12"))
            set(bytes.withUnsafeBytes { insi_curl_set_blob(handle, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) })
            set(insi_curl_set_string(handle, CURLOPT_KEYPASSWD, password))
        case .pem(let certificate, let key, let keyPassword, _, _)?:
            set(insi_curl_set_string(handle, CURLOPT_SSLCERTTYPE, "PEM"))
            set(certificate.withUnsafeBytes { insi_curl_set_blob(handle, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) })
            set(insi_curl_set_string(handle, CURLOPT_SSLKEYTYPE, "PEM"))
            set(key.withUnsafeBytes { insi_curl_set_blob(handle, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) })
            if let keyPassword { set(insi_curl_set_string(handle, CURLOPT_KEYPASSWD, keyPassword)) }
        }
        if let authorities = credentials.authorities {
            set(authorities.bytes.withUnsafeBytes { insi_curl_set_blob(handle, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) })
            // The blob replaces the default bundle but not the default folder: without this, the
            // system's CAs would still be trusted beside the given ones.
            set(insi_curl_set_string(handle, CURLOPT_CAPATH, nil))
        }
    }
}
