import Foundation

/// The few plain HTTP exchanges a rehearsal makes besides INSi calls: insi-sim's `/health` and
/// its admin API (scenarios). They go through the INSi calls' transport, with the same client
/// certificate: an mTLS listener asks it of every request. Failures come back as text for the
/// report, never thrown far.
struct RehearsalHTTP: Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: Data
        var text: String { String(decoding: body.prefix(500), as: UTF8.self) }
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
        /// Set when no TLS session could be made: the rehearsal then says so, not "nothing answers".
        var tls: TLSError?

        init(description: String, tls: TLSError? = nil) {
            self.description = description
            self.tls = tls
        }
    }

    let transport: any HTTPTransport
    let adminToken: String?
    /// A whole exchange is bounded, not only the wait between two packets: a target that
    /// trickles its answer must not hold up the rehearsal. Never below 2 s: these requests are not
    /// what the rehearsal measures.
    let timeout: Duration

    init(adminToken: String?, timeout: Duration, tls: ClientTLSConfiguration) {
        transport = CurlTransport(tls: tls)
        self.adminToken = adminToken
        self.timeout = max(timeout, .seconds(2))
    }

    func send(_ method: TransportRequest.Method, _ url: URL, json: Data? = nil, admin: Bool = false) async throws(Failure) -> Reply {
        var headers: [(name: String, value: String)] = []
        if json != nil { headers.append((name: "Content-Type", value: "application/json")) }
        if admin, let adminToken { headers.append((name: "Authorization", value: "Bearer \(adminToken)")) }
        let request = TransportRequest(method: method, url: url, headers: headers, body: json.map { [UInt8]($0) }, backstop: timeout)
        do {
            let response = try await transport.send(request)
            return Reply(status: response.status, body: Data(response.body))
        } catch {
            if case .tls(let tls) = error { throw Failure(description: tls.description, tls: tls) }
            throw Failure(description: error.description)
        }
    }
}
