import Foundation
@testable import INSiClient
import Testing
import TestSupport

/// The libcurl transport itself, over plain TCP on loopback.
@Suite("libcurl transport")
struct CurlTransportTests {
    static func post(_ url: URL, body: [UInt8]?) -> TransportRequest {
        TransportRequest(method: .post, url: url, headers: [(name: "X-Test", value: "1")], body: body, backstop: .seconds(30))
    }

    @Test("A POST without a body sends Content-Length 0 (libcurl never reads standard input for it)")
    func emptyPost() async throws {
        let listener = try RawListener(.answer(RawListener.http(status: "204 No Content", contentType: "text/plain", body: "")))
        defer { listener.stop() }
        let response = try await CurlTransport().send(Self.post(listener.endpoint, body: nil))
        #expect(response.status == 204)
        let head = String(decoding: try #require(listener.requests.first), as: UTF8.self).lowercased()
        #expect(head.hasPrefix("post /lps http/1.1"))
        #expect(head.contains("content-length: 0\r\n"))
        #expect(head.contains("x-test: 1\r\n"))
        #expect(!head.contains("expect:"))
    }

    @Test("An answer larger than the limit is refused, not kept")
    func oversizedAnswer() async throws {
        let body = String(repeating: "x", count: CurlTransfer.answerLimit + 1)
        let listener = try RawListener(.answer(RawListener.http(status: "200 OK", contentType: "text/plain", body: body)))
        defer { listener.stop() }
        await #expect {
            _ = try await CurlTransport().send(Self.post(listener.endpoint, body: Array("x".utf8)))
        } throws: { error in
            guard case TransportFailure.connection(_, let message) = error else { return false }
            return message.contains("larger than 8 MiB")
        }
    }

    @Test("Cancelling the caller's task drops the transfer and closes its connection", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let listener = try RawListener(.swallow)
        defer { listener.stop() }
        let endpoint = listener.endpoint
        let call = Task { () async -> TransportFailure? in
            do throws(TransportFailure) {
                _ = try await CurlTransport().send(Self.post(endpoint, body: Array("request".utf8)))
                return nil
            } catch {
                return error
            }
        }
        var events = listener.events.makeAsyncIterator()
        guard case .bytes? = await events.next() else {
            Issue.record("the request never came")
            return
        }
        call.cancel()
        #expect(await call.value == .cancelled)
        var closed = false
        while let event = await events.next() {
            if event == .closed { closed = true; break }
        }
        #expect(closed)
    }
}
