import Foundation
import INSiCore
import INSiSOAP

/// Calls INSi: one SOAP call per search, with every header of the contract and a fresh
/// MessageID, the answer read into an ``INSiAnswer`` or a typed ``INSiClientError``.
/// <doc:GettingStarted> configures one and makes each kind of search.
///
/// Over HTTPS, ``INSiClientConfiguration/tls`` gives the organisation certificate and the CAs
/// trusted for the server (see ``ClientTLSConfiguration``).
public final class INSiClient: INSiTraitsSearching, Sendable {
    /// The configuration the client was made with: a copy is the starting point of another one
    /// (HTTPS, another timeout) without repeating every field.
    public let configuration: INSiClientConfiguration
    private let transport: any HTTPTransport
    /// The time of the deadline and of the durations reported.
    private let clock: ClientClock

    /// A client calling through libcurl, over HTTP or HTTPS (``INSiClientConfiguration/tls``).
    /// Connections are kept alive and shared by every client of the process; a client is cheap,
    /// and safe to share between tasks.
    ///
    /// - Parameters:
    ///   - configuration: where and as whom to call; kept as ``configuration``.
    ///   - clock: measures the deadline of each call and the durations of the answers. The
    ///     default is the system's continuous clock; a test passes a clock it advances itself.
    public convenience init(configuration: INSiClientConfiguration, clock: some Clock<Duration> = ContinuousClock()) {
        self.init(configuration: configuration, clock: clock, transport: CurlTransport(tls: configuration.tls))
    }

    init(configuration: INSiClientConfiguration, clock: some Clock<Duration>, transport: any HTTPTransport) {
        self.configuration = configuration
        self.clock = ClientClock(clock)
        self.transport = transport
    }

    /// A fresh `wsa:MessageID`: `uuid:` and a random UUID, as the contract's examples.
    public static func newMessageID() -> String {
        "uuid:" + UUID().uuidString.lowercased()
    }

    /// One `rechercherInsAvecTraitsIdentite` call. Warnings of a found identity compare the
    /// returned traits with `traits`, taken as the local identity.
    ///
    /// A single call is what a CNDA test or a QA reproduction needs; to find a patient, run
    /// ``LookupProcedure/ans`` instead, which retries the way the ANS recommends.
    ///
    /// - Parameters:
    ///   - traits: the traits sent, also taken as the local identity for the warnings.
    ///   - messageID: the `wsa:MessageID` to send; a fresh one by default. Pass your own to find
    ///     the call in your logs.
    public func searchByTraits(_ traits: SearchTraits, messageID: String = INSiClient.newMessageID()) async throws(INSiClientError) -> INSiAnswer {
        let request = INSiRequest(headers: headers(messageID: messageID, bam: ContexteBAM()), body: .traits(traits.wireRequest))
        return try await call(request, messageID: messageID, expected: traits.expected)
    }

    /// One `rechercherInsAvecCarteVitale` call; `ContexteBAM/COUVERTURE` carries the card's
    /// ouvrant droit (ASSURE) and the beneficiary's birth date and rank (BENEFICIAIRE).
    ///
    /// - Parameters:
    ///   - search: the data read from the card.
    ///   - local: the local identity of the patient, when the software holds one: every trait it
    ///     holds is compared with the answer. Without it only the card's data (birth date, and
    ///     birth name when sent) are compared.
    ///   - messageID: the `wsa:MessageID` to send; a fresh one by default. Pass your own to find
    ///     the call in your logs.
    public func searchByVitale(_ search: VitaleSearch, local: SearchTraits? = nil,
                               messageID: String = INSiClient.newMessageID()) async throws(INSiClientError) -> INSiAnswer {
        let coverage = ContexteBAM(insuredNumber: search.ouvrantDroit, beneficiaryBirthDate: search.birthDate,
                                   beneficiaryRank: String(search.rank ?? 1))
        let request = INSiRequest(headers: headers(messageID: messageID, bam: coverage), body: .vitale(search.wireRequest))
        return try await call(request, messageID: messageID, expected: local?.expected ?? search.expected)
    }

    // MARK: - One call

    private func headers(messageID: String, bam: ContexteBAM) -> SOAPHeaders {
        let time = INSiClient.timestamp()
        var bam = bam
        bam.id = UUID().uuidString.lowercased()
        bam.time = time
        bam.emitter = configuration.emitter
        let software = configuration.software
        let lps = ContexteLPS(id: UUID().uuidString.lowercased(), time: time, emitter: configuration.emitter,
                              idam: software.idam, idamR: "4", version: software.version, instance: software.instance,
                              name: software.name)
        return SOAPHeaders(messageID: messageID, lps: lps, bam: bam, hasSecurity: true)
    }

    private func call(_ request: INSiRequest, messageID: String, expected: ExpectedTraits) async throws(INSiClientError) -> INSiAnswer {
        var headers = configuration.extraHeaders.filter { $0.key.lowercased() != "content-type" }
            .sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        headers.append((name: "Content-Type", value: INSiRequestWriter.contentType(for: request.operation)))
        // The backstop stays out of the way of the deadline that counts, the clock's.
        let message = TransportRequest(method: .post, url: configuration.endpoint, headers: headers,
                                       body: INSiRequestWriter.write(request, cardAssertion: configuration.cardAssertion), backstop: configuration.timeout + .seconds(1))
        let elapsed = clock.stopwatch()
        let exchange = try await self.exchange(message)
        let duration = elapsed()
        let result = try INSiClient.interpret(status: exchange.status, contentType: exchange.contentType, body: exchange.body)
        let outcome: INSiOutcome
        switch result.code {
        case INSiResultCode.found.rawValue:
            // `interpret` guarantees INDIVIDU on 00.
            guard let individual = result.individual else { throw .unreadableAnswer(reason: "00 without INDIVIDU", httpStatus: exchange.status, body: exchange.body) }
            outcome = .found(INSiIdentity(active: individual.active, history: individual.history, traits: individual.traits,
                                          warnings: IdentityChecks.warnings(for: individual, expected: expected)))
        case INSiResultCode.several.rawValue:
            outcome = .several
        default:
            outcome = .notFound
        }
        return INSiAnswer(outcome: outcome, code: result.code, label: result.label, messageID: messageID,
                          httpStatus: exchange.status, duration: duration)
    }

    /// Reads an HTTP answer. A SOAP fault is a fault whatever the status (INSi uses 500); any
    /// other status than 200 is unexpected; a 200 that is not a complete `RESULTAT` is unreadable.
    static func interpret(status: Int, contentType: String?, body: [UInt8]) throws(INSiClientError) -> INSiResult {
        switch INSiResponseReader.read(body, httpStatus: status) {
        case .success(.fault(let fault)):
            throw .fault(fault)
        case .success(.result(let result)):
            guard status == 200 else { throw .unexpectedStatus(status: status, contentType: contentType, body: body) }
            guard let code = INSiResultCode(rawValue: result.code) else {
                throw .unreadableAnswer(reason: "unknown CodeCR '\(result.code)' (expected 00, 01 or 02)", httpStatus: status, body: body)
            }
            if code == .found && result.individual == nil {
                throw .unreadableAnswer(reason: "CodeCR 00 without INDIVIDU", httpStatus: status, body: body)
            }
            return result
        case .failure(let error):
            guard status == 200 else { throw .unexpectedStatus(status: status, contentType: contentType, body: body) }
            throw .unreadableAnswer(reason: error.description, httpStatus: status, body: body)
        }
    }

    private enum Race: Sendable {
        case answer(TransportResponse)
        case deadline
    }

    private struct DeadlineReached: Error {}

    /// The HTTP exchange, raced against the configured timeout on the client's clock: the losing
    /// transfer is cancelled (its connection closed, mid-handshake if need be), so a silent
    /// server costs the timeout and not a second more.
    private func exchange(_ request: TransportRequest) async throws(INSiClientError) -> TransportResponse {
        let transport = self.transport
        let timeout = configuration.timeout
        let clock = self.clock
        let url = configuration.endpoint.absoluteString
        do {
            return try await withThrowingTaskGroup(of: Race.self) { group in
                group.addTask {
                    .answer(try await transport.send(request))
                }
                group.addTask {
                    try await clock.sleep(timeout)
                    return .deadline
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                switch first {
                case .answer(let response): return response
                case .deadline: throw DeadlineReached()
                }
            }
        } catch is DeadlineReached {
            throw .timeout(after: timeout)
        } catch let failure as TransportFailure {
            switch failure {
            case .timedOut: throw .timeout(after: timeout)
            case .cancelled: throw .cancelled
            case .tls(let error): throw .tls(url: url, error)
            case .connection(let code, let message): throw .transport(url: url, code: code, message: message)
            }
        } catch {
            // Only cancellation is left: the clock's sleep and the group throw nothing else.
            throw .cancelled
        }
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}

/// What the client needs of a clock, captured from any `Clock<Duration>` so that the client
/// itself is not generic.
struct ClientClock: Sendable {
    /// Sleeps on the clock; throws when cancelled.
    let sleep: @Sendable (Duration) async throws -> Void
    /// Starts measuring: the closure returned gives the time elapsed since.
    let stopwatch: @Sendable () -> @Sendable () -> Duration

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        sleep = { duration in try await clock.sleep(for: duration) }
        stopwatch = {
            let start = clock.now
            return { start.duration(to: clock.now) }
        }
    }
}
