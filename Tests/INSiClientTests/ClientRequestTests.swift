import Foundation
@testable import INSiClient
import INSiCore
import INSiSOAP
import Testing
import TestSupport

/// What the client sends and how it reads answers, without the simulator.
@Suite("Client requests and answers")
struct ClientRequestTests {
    /// Splits a raw HTTP request into its Content-Type and body.
    private func parse(_ raw: [UInt8]) throws -> (head: String, contentType: String?, body: [UInt8]) {
        let separator = Array("\r\n\r\n".utf8)
        let end = try #require(raw.firstRange(of: separator))
        let head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        let contentType = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
            .map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
        return (head, contentType, Array(raw[end.upperBound...]))
    }

    private func captured(_ call: @Sendable (INSiClient) async throws -> Void) async throws -> (head: String, request: INSiRequest, contentType: String?) {
        let answer = INSiResponseWriter.result(.notFound, identity: nil)
        let listener = try RawListener(.answer(RawListener.http(status: "200 OK", contentType: INSiResponseWriter.contentType,
                                                                body: String(decoding: answer, as: UTF8.self))))
        defer { listener.stop() }
        var configuration = TestServer.client(listener.endpoint).configuration
        configuration.extraHeaders = ["X-Trace": "abc", "Content-Type": "text/plain"]
        try await call(INSiClient(configuration: configuration))
        let raw = try #require(listener.requests.first)
        let (head, contentType, body) = try parse(raw)
        let request = try INSiRequestReader.read(body, contentType: contentType).get()
        return (head, request, contentType)
    }

    @Test("A traits search carries every header of the contract")
    func traitsHeaders() async throws {
        let messageID = INSiClient.newMessageID()
        let traits = SearchTraits(birthName: "TCHITCHI", firstNames: ["CATARINA", "BELLA"], sex: .female, birthDate: "1936-06-21", birthPlace: "63220")
        let (head, request, contentType) = try await captured { client in
            _ = try await client.searchByTraits(traits, messageID: messageID)
        }
        #expect(head.hasPrefix("POST /lps HTTP/1.1"))
        #expect(head.contains("X-Trace: abc"))
        #expect(contentType == INSiRequestWriter.contentType(for: .traitsSearch))
        let headers = request.headers
        #expect(headers.messageID == messageID)
        #expect(headers.action == INSiOperation.traitsSearch.action)
        #expect(headers.hasSecurity)
        let lps = try #require(headers.lps)
        #expect(lps.idam == "TESTIDAM0001")
        #expect(lps.idamR == "4")
        #expect(lps.version == "1.0.0")
        #expect(lps.name == "urn:lps:insi-client-tests:1.0.0")
        #expect(lps.instance == "tests")
        #expect(lps.emitter == "810000000001")
        #expect(lps.id?.isEmpty == false)
        #expect(lps.time.flatMap { ISO8601DateFormatter.fractional.date(from: $0) } != nil)
        let bam = try #require(headers.bam)
        #expect(bam.id?.isEmpty == false && bam.emitter == "810000000001")
        #expect(bam.insuredNumber == nil)
        guard case .traits(let body) = request.body else {
            Issue.record("expected a traits body")
            return
        }
        #expect(body == TraitsSearchRequest(birthName: "TCHITCHI", firstNames: ["CATARINA", "BELLA"], sex: "F", birthDate: "1936-06-21", birthPlace: "63220"))
    }

    @Test("A Vitale search carries the card's coverage in ContexteBAM")
    func vitaleHeaders() async throws {
        let search = VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "73", birthDate: "2016-09-05", rank: 2)
        let (_, request, contentType) = try await captured { client in
            _ = try await client.searchByVitale(search)
        }
        #expect(contentType == INSiRequestWriter.contentType(for: .vitaleSearch))
        #expect(request.headers.action == INSiOperation.vitaleSearch.action)
        #expect(request.headers.messageID?.hasPrefix("uuid:") == true)
        let bam = try #require(request.headers.bam)
        #expect(bam.insuredNumber == "2840263113061")
        #expect(bam.beneficiaryBirthDate == "2016-09-05")
        #expect(bam.beneficiaryRank == "2")
        guard case .vitale(let body) = request.body else {
            Issue.record("expected a Vitale body")
            return
        }
        #expect(body.ouvrantDroit == WireMatricule(number: "2840263113061", key: "73"))
        #expect(body.rank == "2")
        #expect(body.beneficiary == nil)
    }

    @Test("Reading answers: fault whatever the status, unexpected status, unreadable 200")
    func interpret() throws {
        let fault = INSiResponseWriter.fault(.unknownApprovalNumber(messageID: "uuid:1"))
        #expect(throws: INSiClientError.fault(INSiFault.unknownApprovalNumber(messageID: "uuid:1"))) {
            try INSiClient.interpret(status: 500, contentType: nil, body: fault)
        }
        let html = Array("<html>bad gateway</html>".utf8)
        #expect(throws: INSiClientError.unexpectedStatus(status: 502, contentType: "text/html", body: html)) {
            try INSiClient.interpret(status: 502, contentType: "text/html", body: html)
        }
        // A well-formed result with an error status is not trusted either.
        let notFound = INSiResponseWriter.result(.notFound, identity: nil)
        #expect(throws: INSiClientError.unexpectedStatus(status: 503, contentType: nil, body: notFound)) {
            try INSiClient.interpret(status: 503, contentType: nil, body: notFound)
        }
        let garbage = Array("{\"json\": true}".utf8)
        #expect {
            try INSiClient.interpret(status: 200, contentType: nil, body: garbage)
        } throws: { error in
            guard case INSiClientError.unreadableAnswer(_, 200, let body) = error else { return false }
            return body == garbage
        }
        let strange = Array(String(decoding: notFound, as: UTF8.self).replacingOccurrences(of: ">01<", with: ">07<").utf8)
        #expect {
            try INSiClient.interpret(status: 200, contentType: nil, body: strange)
        } throws: { error in
            guard case INSiClientError.unreadableAnswer(let reason, _, _) = error else { return false }
            return reason.contains("07")
        }
        #expect(try INSiClient.interpret(status: 200, contentType: nil, body: notFound).code == "01")
    }

    @Test("URLs typed by a person: the endpoint is kept, a base gets /lps")
    func endpointFromText() {
        #expect(INSiClientConfiguration.endpoint(from: "http://127.0.0.1:8080")?.absoluteString == "http://127.0.0.1:8080/lps")
        #expect(INSiClientConfiguration.endpoint(from: "http://127.0.0.1:8080/")?.absoluteString == "http://127.0.0.1:8080/lps")
        #expect(INSiClientConfiguration.endpoint(from: "http://127.0.0.1:8080/lps")?.absoluteString == "http://127.0.0.1:8080/lps")
        #expect(INSiClientConfiguration.endpoint(from: "https://insi.example/proxy/")?.absoluteString == "https://insi.example/proxy/lps")
        #expect(INSiClientConfiguration.endpoint(from: "127.0.0.1:8080") == nil)
        #expect(INSiClientConfiguration.endpoint(from: "ftp://host/lps") == nil)
    }

    @Test("Typed input is checked before any call")
    func validated() throws {
        let traits = try SearchTraits.validated(birthName: "de vinci", firstNames: ["leonardo piero"], sex: "m", birthDate: "2014-02-01", birthPlace: nil)
        #expect(traits == SearchTraits(birthName: "DE VINCI", firstNames: ["LEONARDO", "PIERO"], sex: .male, birthDate: "2014-02-01"))
        #expect(throws: SearchInputError.self) {
            try SearchTraits.validated(birthName: "X", firstNames: ["Y"], sex: "M", birthDate: "2014-02-30", birthPlace: nil)
        }
        #expect(throws: SearchInputError.self) {
            try SearchTraits.validated(birthName: "X", firstNames: ["Y"], sex: "M", birthDate: "2014-02-01", birthPlace: "750")
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
