import Foundation
import INSiClient
import INSiCore
import INSiSOAP
import Testing
import TestSupport

/// Failures surface as typed errors, never as "not found".
@Suite("Errors")
struct ErrorTests {
    private let traits = SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26")

    @Test("An unknown approval number surfaces as the siram_100/desir_550 fault with our MessageID")
    func unknownIDAM() async throws {
        let messageID = INSiClient.newMessageID()
        let error = try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            await #expect(throws: INSiClientError.self) {
                try await TestServer.client(endpoint, idam: "UNKNOWN00042").searchByTraits(traits, messageID: messageID)
            }
        }
        let fault = try #require(error?.fault)
        #expect(fault.subcode == "siram_100")
        #expect(fault.detailCode == "desir_550")
        #expect(fault.code == .sender)
        #expect(fault.severity == .erreur)
        #expect(fault.messageID == messageID)
        #expect(fault.httpStatus == 500)
        #expect(fault.reason.contains("progiciel"))
        #expect(error?.description.contains("IDAM") == true)
    }

    @Test("The authorised approval number is served")
    func knownIDAM() async throws {
        let answer = try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            try await TestServer.client(endpoint, idam: "TESTIDAM0001").searchByTraits(traits)
        }
        #expect(answer.code == "00")
    }

    @Test("A fault stops the lookup after the first attempt")
    func faultStopsLookup() async throws {
        let result = try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            await LookupProcedure.ans.run(
                for: SearchTraits(birthName: "HOUILLES", firstNames: ["PIERRE", "PAUL"], sex: .male, birthDate: "1993-01-27"),
                using: TestServer.client(endpoint, idam: "UNKNOWN00042"))
        }
        #expect(result.attempts.count == 1)
        #expect(result.code == "fault")
        guard case .failed(.fault(let fault)) = result.outcome else {
            Issue.record("expected a fault, got \(result.outcome)")
            return
        }
        #expect(fault.detailCode == "desir_550")
        #expect(result.attempts.first?.code == "fault")
    }

    @Test("A server that accepts and never answers gives the typed timeout when the deadline passes on the client's clock")
    func timeout() async throws {
        let listener = try RawListener(.silent)
        defer { listener.stop() }
        let clock = ManualClock()
        let client = TestServer.client(listener.endpoint, timeout: .seconds(30), clock: clock)
        let traits = traits
        let call = Task { () async -> INSiClientError? in
            do throws(INSiClientError) {
                _ = try await client.searchByTraits(traits)
                return nil
            } catch {
                return error
            }
        }
        await clock.waitForSleepers()
        // One second short of the deadline, the call still waits.
        clock.advance(by: .seconds(29))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        let error = await call.value
        #expect(error == INSiClientError.timeout(after: .seconds(30)))
    }

    @Test("An answer's duration is measured on the client's clock; the deadline's sleep ends with the answer")
    func durationOnClientClock() async throws {
        let clock = ManualClock()
        let answer = try await TestServer.with { endpoint in
            try await TestServer.client(endpoint, clock: clock).searchByTraits(traits)
        }
        #expect(answer.code == "00")
        // The clock never moved: whatever the wall time, the call took no time on it.
        #expect(answer.duration == .zero)
        #expect(clock.sleeperCount == 0)
    }

    @Test("A timeout ends the lookup with the typed error, not with 'none'")
    func timeoutStopsLookup() async throws {
        let listener = try RawListener(.silent)
        defer { listener.stop() }
        let result = await LookupProcedure.ans.run(
            for: SearchTraits(birthName: "HOUILLES", firstNames: ["PIERRE", "PAUL"], sex: .male, birthDate: "1993-01-27"),
            using: TestServer.client(listener.endpoint, timeout: .milliseconds(300)))
        #expect(result.outcome == .failed(.timeout(after: .milliseconds(300))))
        #expect(result.attempts.count == 1)
        #expect(result.code == "error")
    }

    @Test("HTTP 502 with an HTML page is an unexpected status, body kept")
    func badGateway() async throws {
        let html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
        let listener = try RawListener(.answer(RawListener.http(status: "502 Bad Gateway", contentType: "text/html", body: html)))
        defer { listener.stop() }
        let error = await #expect(throws: INSiClientError.self) {
            try await TestServer.client(listener.endpoint).searchByTraits(traits)
        }
        guard case .unexpectedStatus(let status, let contentType, _) = error else {
            Issue.record("expected unexpectedStatus, got \(String(describing: error))")
            return
        }
        #expect(status == 502)
        #expect(contentType == "text/html")
        #expect(error?.bodyText == html)
    }

    @Test("HTTP 200 with garbage is an unreadable answer, body kept")
    func garbage() async throws {
        let listener = try RawListener(.answer(RawListener.http(status: "200 OK", contentType: "application/soap+xml", body: "not xml at all")))
        defer { listener.stop() }
        let error = await #expect(throws: INSiClientError.self) {
            try await TestServer.client(listener.endpoint).searchByTraits(traits)
        }
        guard case .unreadableAnswer(_, let status, _) = error else {
            Issue.record("expected unreadableAnswer, got \(String(describing: error))")
            return
        }
        #expect(status == 200)
        #expect(error?.bodyText == "not xml at all")
    }

    @Test("HTTP 500 with a SOAP fault body is a fault")
    func faultFrom500() async throws {
        let body = String(decoding: INSiResponseWriter.fault(.upstreamUnavailable(messageID: "uuid:x")), as: UTF8.self)
        let listener = try RawListener(.answer(RawListener.http(status: "500 Internal Server Error", contentType: "application/soap+xml", body: body)))
        defer { listener.stop() }
        let error = await #expect(throws: INSiClientError.self) {
            try await TestServer.client(listener.endpoint).searchByTraits(traits)
        }
        #expect(error?.fault?.subcode == "siram_40")
    }

    @Test("A refused connection is a transport failure")
    func refused() async throws {
        let port = try RawListener.closedPort()
        let endpoint = try #require(URL(string: "http://127.0.0.1:\(port)/lps"))
        let error = await #expect(throws: INSiClientError.self) {
            try await TestServer.client(endpoint).searchByTraits(traits)
        }
        guard case .transport(let url, _, _) = error else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        #expect(url == endpoint.absoluteString)
    }
}
