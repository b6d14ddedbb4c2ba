import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging

/// `POST /lps`: reads the SOAP request, checks its security (the listener's ``SecurityPolicy``),
/// applies a scenario when one matches, else checks the approval number, validates the traits,
/// searches the base and writes the answer or the fault.
public struct INSiEndpoint: Sendable {
    public let state: SimulatorState
    /// When non-empty, only these approval numbers are served; the others get siram_100/desir_550.
    public let authorizedIDAMs: Set<String>
    /// Bounds on the XML of a request.
    public let xmlLimits: XMLSafetyLimits
    /// The certificate rule and the strict mode, by listener.
    public let security: SecurityPolicy
    /// The time calls are stamped with.
    let clock: any WallClock
    let logger: Logger
    /// The logger's handler when it is the server's own: the call line is then handed to it
    /// directly (``ServerLogHandler/logCall(code:messageID:milliseconds:operation:)``).
    private let serverLogHandler: ServerLogHandler?
    /// What every call uses of `state`.
    private let callState: CallState

    public init(state: SimulatorState, authorizedIDAMs: Set<String>, xmlLimits: XMLSafetyLimits = XMLSafetyLimits(),
                security: SecurityPolicy = SecurityPolicy(), logger: Logger, clock: any WallClock = SystemWallClock()) {
        self.state = state
        self.authorizedIDAMs = authorizedIDAMs
        self.xmlLimits = xmlLimits
        self.security = security
        self.logger = logger
        self.clock = clock
        serverLogHandler = logger.handler as? ServerLogHandler
        callState = CallState(state)
    }

    /// What to send, when, and what to remember of the call.
    struct Outcome {
        var action: HTTPReplyAction
        var delayMs: Int
        var record: CallRecord
        /// A scenario whose count this call used: the new count is made durable (off the event
        /// loop) before the answer goes out.
        var countedScenario: String?
    }

    /// Answers one call, now or later: after a scenario's new count is saved, after its delay.
    public func handle(_ request: HTTPRequest, reply: HTTPReply) {
        let started = ContinuousClock.now
        let outcome = answer(request)
        let body = request.body
        if let id = outcome.countedScenario {
            state.saveScenarioCount(id: id) { [self] in send(outcome, started: started, reply: reply, body: body) }
        } else {
            // Moved, not copied: `finish` writes the record's time, and a record whose box is
            // shared copies all its fields on that write.
            send(consume outcome, started: started, reply: reply, body: body)
        }
    }

    private func send(_ outcome: consuming Outcome, started: ContinuousClock.Instant, reply: HTTPReply, body: [UInt8]) {
        if outcome.delayMs > 0 {
            let token = outcome.record.client == nil ? nil : callState.judge?.started(outcome.record)
            let delayed = consume outcome
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayed.delayMs)) { [self] in
                finish(delayed, started: started, reply: reply, body: body, token: token)
            }
        } else {
            // Called directly: no closure context to allocate on the common path.
            finish(consume outcome, started: started, reply: reply, body: body, token: nil)
        }
    }

    private func finish(_ outcome: consuming Outcome, started: ContinuousClock.Instant, reply: HTTPReply, body: [UInt8], token: UInt64?) {
        reply(completed(outcome, started: started, body: body, token: token))
    }

    /// Logs and records the call, and gives what to send.
    private func completed(_ outcome: consuming Outcome, started: ContinuousClock.Instant, body: [UInt8], token: UInt64?) -> HTTPReplyAction {
        // Its components read once: each read divides 128-bit attoseconds (about 190 instructions).
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        outcome.record.milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        INSiEndpoint.log(outcome.record, logger, handler: serverLogHandler)
        callState.record(outcome.record, body: body, token: token)
        return outcome.action
    }

    /// The whole of a call on the calling thread, its answer returned rather than sent: for
    /// `Benchmarks/Call`, which measures a call's work without sockets. A scenario's delay is
    /// not waited for, and a scenario's count not saved.
    package func answerNow(_ request: HTTPRequest) -> HTTPReplyAction {
        let started = ContinuousClock.now
        return completed(answer(request), started: started, body: request.body, token: nil)
    }

    func answer(_ http: HTTPRequest) -> Outcome {
        var record = CallRecord(
            time: clock.now(), operation: nil, messageID: nil, idam: nil, emitter: nil, software: nil,
            traits: [:], code: "fault", fault: nil, reason: "", matricule: nil, scenario: nil, milliseconds: 0,
            remoteAddress: http.connection.remoteAddress)
        record.clientCertificate = http.connection.tls?.peerCertificate
        // Judged within the judge's budget of calls a second; beyond it (a load test) the call
        // is answered and journaled as with the judge off.
        let judging = callState.judge?.admits(at: record.time) ?? false
        let contentType = http.headers["Content-Type"]
        let request: INSiRequest
        switch INSiRequestReader.read(http.body, contentType: contentType, limits: xmlLimits) {
        case .success(let parsed): request = parsed
        case .failure(let error):
            if judging {
                record.client = ClientIdentity(connection: http.connection, lps: nil)
                if error.detailCode == "insisim_911" || error.detailCode == "insisim_912" {
                    record.findings = [Finding(.headerAction, error.detailText ?? error.reason)]
                }
            }
            return Self.fault(error, record: consume record)
        }
        let headers = request.headers
        if judging {
            record.client = ClientIdentity(connection: http.connection, lps: headers.lps)
            let hasAction = contentType.map(CallChecks.hasActionParameter) ?? false
            record.findings = CallChecks.findings(for: request, hasContentTypeAction: hasAction, now: record.time)
        }
        record.operation = request.operation.rawValue
        record.messageID = CallRecord.capped(headers.messageID)
        record.idam = CallRecord.capped(headers.lps?.idam)
        record.emitter = CallRecord.capped(headers.lps?.emitter)
        record.software = CallRecord.capped(headers.lps.map(Self.software))
        record.traitsSource = CallRecord.traitsSource(of: request.body)
        // As the real service's gateway: who may call comes before what is asked.
        if let refusal = security.check(request, http: http) {
            if judging, let finding = refusal.finding { record.findings.append(finding) }
            var outcome = Self.fault(refusal.fault, record: record)
            outcome.record.reason = refusal.reason
            return outcome
        }
        if let (scenario, counted) = callState.takeScenario(for: request) {
            record.scenario = scenario.id
            var outcome = applying(scenario, to: request, record: consume record)
            if counted { outcome.countedScenario = scenario.id }
            return outcome
        }
        return normalAnswer(request, record: consume record)
    }

    /// LPS/Nom and LPS/Version, as one text for the journal.
    static func software(_ lps: ContexteLPS) -> String {
        switch (lps.name, lps.version) {
        case let (name?, version?):
            // Written at its full length at once: `name + " " + version` allocated twice per
            // call, and `reserveCapacity` then `+=` cost about 500 instructions.
            var name = name
            var version = version
            return name.withUTF8 { nameBytes in
                version.withUTF8 { versionBytes in
                    String(unsafeUninitializedCapacity: nameBytes.count + 1 + versionBytes.count) { text in
                        _ = text.initialize(fromContentsOf: nameBytes)
                        text[nameBytes.count] = UInt8(ascii: " ")
                        _ = text[(nameBytes.count + 1)...].initialize(fromContentsOf: versionBytes)
                        return nameBytes.count + 1 + versionBytes.count
                    }
                }
            }
        case let (name?, nil): return name
        case let (nil, version?): return version
        case (nil, nil): return ""
        }
    }

    /// What INSi itself would answer.
    func normalAnswer(_ request: INSiRequest, record: consuming CallRecord) -> Outcome {
        let messageID = request.headers.messageID
        if !authorizedIDAMs.isEmpty && !authorizedIDAMs.contains(request.headers.lps?.idam ?? "") {
            var outcome = Self.fault(.unknownApprovalNumber(messageID: messageID), record: consume record)
            outcome.record.reason = "approval number \(request.headers.lps?.idam.map { "'\($0)'" } ?? "(none)") is not among the authorised ones"
            return outcome
        }
        let result: SearchResult
        do throws(SearchInputError) {
            switch request.body {
            case .traits(let traits):
                let query = try TraitsQuery.validate(
                    birthName: traits.birthName, firstNames: traits.firstNames, sex: traits.sex,
                    birthDate: traits.birthDate, birthPlace: traits.birthPlace)
                result = callState.store.search(query)
            case .vitale(let vitale):
                let query = try VitaleQuery.validate(
                    ouvrantDroit: vitale.ouvrantDroit?.number, ouvrantDroitKey: vitale.ouvrantDroit?.key,
                    birthDate: vitale.birthDate, rank: vitale.rank, beneficiaryMatricule: vitale.beneficiary?.number,
                    beneficiaryKey: vitale.beneficiary?.key, birthName: vitale.birthName)
                result = callState.store.search(query)
            }
        } catch {
            return Self.fault(.invalidInput(error, messageID: messageID), record: consume record)
        }
        record.code = result.code
        record.reasonSource = .search(result.trace)
        record.matricule = result.matricule?.value
        return Outcome(action: .response(Self.soap(200, INSiResponseWriter.result(result))), delayMs: 0, record: consume record)
    }

    /// The effect of a scenario, in place of (or around) the normal answer.
    func applying(_ scenario: Scenario, to request: INSiRequest, record: CallRecord) -> Outcome {
        let delay = scenario.delayMs ?? 0
        let messageID = request.headers.messageID
        let label = "scenario \(scenario.id ?? "?")\(scenario.description.map { " (\($0))" } ?? "")"
        var record = record
        var outcome: Outcome
        switch scenario.effect {
        case .answer:
            outcome = normalAnswer(request, record: record)
            outcome.record.reason = "\(label): delayed \(delay) ms; \(outcome.record.reason)"
        case .result(let code, let matricule):
            var identity: Identity?
            if code == .found {
                identity = matricule.flatMap { callState.store.identity(matricule: $0) }
                guard identity != nil else {
                    return Self.fault(.internalError("\(label) answers 00 with \(matricule?.value ?? "?"), which is no longer in the base", messageID: messageID),
                                      record: record)
                }
            }
            record.code = code.rawValue
            record.matricule = identity?.ins.matricule.value
            record.reason = "\(label): answers \(code.rawValue)"
            outcome = Outcome(action: .response(Self.soap(200, INSiResponseWriter.result(code, identity: identity))), delayMs: 0, record: record)
        case .fault(let spec):
            let fault = spec.fault(messageID: messageID)
            outcome = Self.fault(fault, record: record)
            outcome.record.reason = "\(label): fault \(fault.subcode ?? fault.code.rawValue)\(fault.detailCode.map { "/\($0)" } ?? "")"
        case .http(let status, let body):
            var response = HTTPResponse(status: status)
            if body == .html {
                response.headers.add("Content-Type", "text/html; charset=utf-8")
                response.body = Array("<html><head><title>\(status) Error</title></head><body><h1>\(status) Error</h1><hr><center>proxy</center></body></html>\n".utf8)
            }
            record.code = "http \(status)"
            record.reason = "\(label): HTTP \(status) with \(body == .html ? "an HTML" : "an empty") body"
            outcome = Outcome(action: .response(response), delayMs: 0, record: record)
        case .close:
            record.code = "closed"
            record.reason = "\(label): connection closed without an answer"
            outcome = Outcome(action: .close, delayMs: 0, record: record)
        case .truncated:
            let normal = normalAnswer(request, record: record)
            guard case .response(let response) = normal.action else { return normal }
            var head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Error")\r\nContent-Type: \(INSiResponseWriter.contentType)\r\n"
            head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
            record.code = "truncated"
            record.reason = "\(label): \(response.body.count / 2) of \(response.body.count) bytes sent, then closed"
            outcome = Outcome(action: .raw(Array(head.utf8) + response.body.prefix(response.body.count / 2), thenClose: true), delayMs: 0, record: record)
        case .malformed:
            let body = #"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>00</CodeCR></RESULTAT></soap:Envelope>"#
            record.code = "malformed"
            record.reason = "\(label): 200 with a body that is not well-formed XML"
            outcome = Outcome(action: .response(Self.soap(200, Array(body.utf8))), delayMs: 0, record: record)
        case .document(let document):
            guard let bytes = document.bytes(messageID: messageID) else {
                return Self.fault(.internalError("\(label): its document was never read", messageID: messageID), record: record)
            }
            record.code = document.code ?? "document"
            record.reason = "\(label): document \(document.sourceText), HTTP \(document.httpStatus)"
            outcome = Outcome(action: .response(Self.soap(document.httpStatus, bytes)), delayMs: 0, record: record)
        }
        outcome.delayMs = delay
        outcome.record.scenario = scenario.id
        return outcome
    }

    static func soap(_ status: Int, _ body: [UInt8], contentType: String = INSiResponseWriter.contentType) -> HTTPResponse {
        // Made for each answer, in the event loop's own memory: one list shared by the loops
        // was retained and released by each on every answer, its count moving from core to core.
        HTTPResponse(status: status, headers: HTTPHeaders("Content-Type", contentType), body: body)
    }

    static func fault(_ fault: INSiFault, record: consuming CallRecord) -> Outcome {
        record.code = "fault"
        record.fault = [fault.subcode ?? fault.code.rawValue, fault.detailCode].compactMap { $0 }.joined(separator: "/")
        record.reason = fault.detailText ?? fault.reason
        return Outcome(action: .response(fault.response()), delayMs: 0, record: consume record)
    }

    /// `value` with two decimals, as `String(format: "%.2f")` writes it, without Foundation's
    /// formatter (a measurable part of a call when every call is logged).
    static func twoDecimals(_ value: Double) -> String {
        let scaled = abs(value * 100)
        // Near a half the product's rounding may differ from the exact decimal one: rare
        // enough to leave to the formatter.
        guard scaled.isFinite, scaled < 1e15, abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else {
            return String(format: "%.2f", value)
        }
        // Digits written from the end of a small buffer, one string made of them: building it
        // from three strings cost as much as the rest of the log line.
        var rest = Int(scaled.rounded())
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var start = buffer.count
            func put(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            for _ in 0..<2 {
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            put(UInt8(ascii: "."))
            repeat {
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            if value.sign == .minus { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    /// The call's line at info (`handler`: the logger's own handler, when it is a
    /// ``ServerLogHandler``, given the line directly), and its details at debug.
    static func log(_ record: CallRecord, _ logger: Logger, handler: ServerLogHandler? = nil) {
        // The server's handler's level when there is one: the logger's own getter copied its
        // handler out of the logger's box, retaining a box the event loops share.
        let level = handler?.logLevel ?? logger.logLevel
        guard level <= .info else { return }
        let code = record.fault.map { "fault \($0)" } ?? record.code
        let messageID = record.messageID ?? "-"
        let milliseconds = twoDecimals(record.milliseconds)
        let operation = record.operation ?? "-"
        // Through the optional rather than `if let`: unwrapped, the handler was copied, and the
        // copy retained the sink the event loops share (its count moving from core to core).
        if handler != nil {
            handler?.logCall(code: code, messageID: messageID, milliseconds: milliseconds, operation: operation)
        } else {
            logger.info("\(LogLineFormatter.CallLine.message)", metadata: LogLineFormatter.CallLine.metadata(
                code: code, messageID: messageID, milliseconds: milliseconds, operation: operation))
        }
        if level <= .debug {
            logger.debug("call details", metadata: [
                "messageID": .string(record.messageID ?? "-"),
                "idam": .string(record.idam ?? "-"),
                "traits": .dictionary(record.traits.mapValues { .string($0) }),
                "reason": .string(record.reason),
                "scenario": .string(record.scenario ?? "-"),
                "remote": .string(record.remoteAddress ?? "-"),
                "clientCertificate": record.clientCertificate.map { certificate in
                    .dictionary(["subject": .string(certificate.subject), "issuer": .string(certificate.issuer),
                                 "serial": .string(certificate.serial), "notAfter": .string(ISO8601DateFormatter().string(from: certificate.notAfter))])
                } ?? .string("-"),
            ])
        }
    }
}
