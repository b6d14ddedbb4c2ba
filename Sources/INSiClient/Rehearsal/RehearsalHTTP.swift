import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The few plain HTTP exchanges a rehearsal makes besides INSi calls: insi-sim's `/health` and
/// its admin API (scenarios). Failures come back as text for the report, never thrown far.
struct RehearsalHTTP: Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: Data
        var text: String { String(decoding: body.prefix(500), as: UTF8.self) }
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    let session: URLSession
    let adminToken: String?
    let timeout: TimeInterval

    init(adminToken: String?, timeout: Duration) {
        // Foundation on Linux rounds timeouts down to whole seconds: never below 2.
        let seconds = max(2, timeout.seconds.rounded(.up))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        // A whole exchange is bounded too, not only the wait between two packets: a target that
        // trickles its answer must not hold up the rehearsal.
        configuration.timeoutIntervalForResource = seconds
        session = URLSession(configuration: configuration)
        self.adminToken = adminToken
        self.timeout = seconds
    }

    func send(_ method: String, _ url: URL, json: Data? = nil, admin: Bool = false) async throws(Failure) -> Reply {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        if let json {
            request.httpBody = json
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if admin, let adminToken { request.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization") }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure(description: "not an HTTP answer") }
            return Reply(status: http.statusCode, body: data)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: error.localizedDescription)
        }
    }

    func invalidate() {
        session.finishTasksAndInvalidate()
    }
}
