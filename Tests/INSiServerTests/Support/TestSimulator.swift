import Foundation
import INSiCore
import INSiServer
import INSiSOAP
import Logging

/// Paths of the repository, its fixtures and of `../shared`, found from this file.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let resources = repository.appendingPathComponent("Resources")
    /// The recorded answers, CNDA files and sample requests, copied into the repository.
    static let conformance = repository.appendingPathComponent("Tests/Fixtures/conformance")
    /// The originals of the fixtures, beside the repository for developers and CI (not in a clone).
    static let sharedConformance = repository.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    static var hasSharedConformance: Bool { FileManager.default.fileExists(atPath: sharedConformance.path) }
}

/// A real simulator on an ephemeral port, for one test.
struct TestSimulator {
    let simulator: Simulator
    let port: Int

    init(nameMatching: NameMatching = .strict, authorizedIDAMs: Set<String> = [], maxBodyBytes: Int = 1 << 20, logger: Logger? = nil,
         logSink: LogSink? = nil, wallClock: (any WallClock)? = nil, configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.resourcesPath = TestPaths.resources.path
        configuration.nameMatching = nameMatching
        configuration.authorizedIDAMs = authorizedIDAMs
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.eventLoopCount = 2
        configure(&configuration)
        var quiet = Logger(label: "insi-sim-test")
        quiet.logLevel = .warning
        simulator = try Simulator(configuration: configuration, logger: logger ?? quiet, logSink: logSink, wallClock: wallClock)
        port = try simulator.start()
    }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// An admin request with a JSON body, sent off the cooperative pool (the socket blocks).
    func admin(_ method: String, _ target: String, json: String? = nil, token: String? = nil) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool { try TestSimulator.admin(port: port, method, target, json: json, token: token) }
    }

    static func admin(port: Int, _ method: String, _ target: String, json: String?, token: String?) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        let body = Array((json ?? "").utf8)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        if json != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + body)
        return try client.readResponse()
    }

    /// Posts a SOAP request with the Content-Type of its operation, off the cooperative pool:
    /// a test blocked on a socket must not starve the tasks of the server and clients under test.
    func call(_ request: INSiRequest) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool {
            try RawHTTPClient(port: port).post("/lps", body: INSiRequestWriter.write(request),
                                               headers: [("Content-Type", INSiRequestWriter.contentType(for: request.operation))])
        }
    }

    /// A GET, off the cooperative pool.
    func get(_ target: String) async throws -> RawHTTPClient.Response {
        let port = port
        return try await offPool { try RawHTTPClient(port: port).get(target) }
    }

    /// A POST with a raw body, off the cooperative pool.
    func post(_ target: String, body: [UInt8], headers: [(String, String)] = []) async throws -> RawHTTPClient.Response {
        let port = port
        let pairs = headers.map { [$0.0, $0.1] }
        return try await offPool { try RawHTTPClient(port: port).post(target, body: body, headers: pairs.map { ($0[0], $0[1]) }) }
    }

    func stop() async { await simulator.shutdown() }
}

/// Requests as an editor's software writes them.
enum Requests {
    static func headers(idam: String = "TESTIDAM0001", messageID: String = "uuid:\(UUID().uuidString.lowercased())") -> SOAPHeaders {
        SOAPHeaders(
            messageID: messageID, action: nil,
            lps: ContexteLPS(id: UUID().uuidString, time: "2026-11-23T10:00:00Z", emitter: "810000000001", idam: idam, idamR: "4",
                             version: "1.0.0", instance: UUID().uuidString, name: "urn:lps:insi-sim-tests:1.0.0"),
            bam: ContexteBAM(id: UUID().uuidString, time: "2026-11-23T10:00:00Z", emitter: "810000000001"),
            hasSecurity: true)
    }

    static func traits(_ name: String?, _ firstNames: [String], _ sex: String?, _ date: String?, place: String? = nil,
                       idam: String = "TESTIDAM0001", messageID: String = "uuid:\(UUID().uuidString.lowercased())") -> INSiRequest {
        INSiRequest(headers: headers(idam: idam, messageID: messageID),
                    body: .traits(TraitsSearchRequest(birthName: name, firstNames: firstNames, sex: sex, birthDate: date, birthPlace: place)))
    }

    static func vitale(od: String, key: String?, date: String, rank: String? = nil, beneficiary: String? = nil, name: String? = nil) -> INSiRequest {
        var headers = headers()
        headers.bam?.insuredNumber = od
        headers.bam?.beneficiaryBirthDate = date
        headers.bam?.beneficiaryRank = rank
        return INSiRequest(headers: headers, body: .vitale(VitaleSearchRequest(
            beneficiary: beneficiary.map { WireMatricule(number: $0) }, ouvrantDroit: WireMatricule(number: od, key: key),
            birthName: name, birthDate: date, rank: rank)))
    }
}

/// The answer of a call, read back.
func answer(_ response: RawHTTPClient.Response) throws -> INSiResponseReader.Answer {
    try INSiResponseReader.read(response.body, httpStatus: response.status).get()
}
