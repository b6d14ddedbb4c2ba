import Foundation

/// HTTP and HTTPS through libcurl, for INSi calls and the rehearsal's plain requests alike:
/// libcurl presents client certificates, which Foundation's URLSession cannot on Linux, and one
/// transport for both schemes means one mapping of failures.
struct CurlTransport: HTTPTransport {
    /// Applied to `https` URLs; the TLS files are read at each exchange.
    var tls: ClientTLSConfiguration

    init(tls: ClientTLSConfiguration = ClientTLSConfiguration()) {
        self.tls = tls
    }

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        guard !Task.isCancelled else { throw .cancelled }
        var credentials: TLSCredentials?
        if request.url.scheme?.lowercased() == "https" {
            do {
                credentials = try TLSCredentials(tls)
            } catch {
                throw .tls(error)
            }
        }
        let transfer = try CurlTransfer(request, credentials: credentials)
        return try await transfer.run(on: CurlLoop.shared).get()
    }
}
