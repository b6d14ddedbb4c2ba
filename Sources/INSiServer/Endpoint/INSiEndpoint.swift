import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging

/// `POST /lps`: reads the SOAP request, checks the approval number, validates the traits,
/// searches the base and writes the answer or the fault.
public struct INSiEndpoint: Sendable {
    public let store: BaseStore
    /// When non-empty, only these approval numbers are served; the others get siram_100/desir_550.
    public let authorizedIDAMs: Set<String>
    let logger: Logger
    let onCall: @Sendable (CallRecord) -> Void

    public init(store: BaseStore, authorizedIDAMs: Set<String>, logger: Logger, onCall: @escaping @Sendable (CallRecord) -> Void = { _ in }) {
        self.store = store
        self.authorizedIDAMs = authorizedIDAMs
        self.logger = logger
        self.onCall = onCall
    }

    /// The outcome of one call: the bytes to send and the record to keep.
    struct Outcome {
        var status: Int
        var body: [UInt8]
        var record: CallRecord
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        var outcome = answer(request)
        let elapsed = ContinuousClock.now - started
        outcome.record.milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        log(outcome.record)
        onCall(outcome.record)
        var headers = HTTPHeaders()
        headers.add("Content-Type", INSiResponseWriter.contentType)
        return HTTPResponse(status: outcome.status, headers: headers, body: outcome.body)
    }

    func answer(_ http: HTTPRequest) -> Outcome {
        var record = CallRecord(
            time: Date().timeIntervalSince1970, operation: nil, messageID: nil, idam: nil, emitter: nil, software: nil,
            traits: [:], code: "fault", fault: nil, reason: "", matricule: nil, scenario: nil, milliseconds: 0,
            remoteAddress: http.remoteAddress)
        func fault(_ fault: INSiFault) -> Outcome {
            record.code = "fault"
            record.fault = [fault.subcode ?? fault.code.rawValue, fault.detailCode].compactMap { $0 }.joined(separator: "/")
            record.reason = fault.detailText ?? fault.reason
            return Outcome(status: fault.httpStatus, body: INSiResponseWriter.fault(fault), record: record)
        }
        let request: INSiRequest
        switch INSiRequestReader.read(http.body, contentType: http.headers["Content-Type"]) {
        case .success(let parsed): request = parsed
        case .failure(let error): return fault(error)
        }
        let headers = request.headers
        let messageID = headers.messageID
        record.operation = request.operation.rawValue
        record.messageID = messageID
        record.idam = headers.lps?.idam
        record.emitter = headers.lps?.emitter
        record.software = headers.lps.map { [$0.name, $0.version].compactMap { $0 }.joined(separator: " ") }
        record.traits = request.journalTraits
        if !authorizedIDAMs.isEmpty && !authorizedIDAMs.contains(headers.lps?.idam ?? "") {
            var outcome = fault(.unknownApprovalNumber(messageID: messageID))
            outcome.record.reason = "approval number \(headers.lps?.idam.map { "'\($0)'" } ?? "(none)") is not among the authorised ones"
            return outcome
        }
        let result: SearchResult
        do throws(SearchInputError) {
            switch request.body {
            case .traits(let traits):
                let query = try TraitsQuery.validate(
                    birthName: traits.birthName, firstNames: traits.firstNames, sex: traits.sex,
                    birthDate: traits.birthDate, birthPlace: traits.birthPlace)
                result = store.search(query)
            case .vitale(let vitale):
                let query = try VitaleQuery.validate(
                    ouvrantDroit: vitale.ouvrantDroit?.number, ouvrantDroitKey: vitale.ouvrantDroit?.key,
                    birthDate: vitale.birthDate, rank: vitale.rank, beneficiaryMatricule: vitale.beneficiary?.number,
                    beneficiaryKey: vitale.beneficiary?.key, birthName: vitale.birthName)
                result = store.search(query)
            }
        } catch {
            return fault(.invalidInput(error, messageID: messageID))
        }
        record.code = result.code
        record.reason = result.explanation
        record.matricule = result.identity?.ins.matricule.value
        return Outcome(status: 200, body: INSiResponseWriter.result(result), record: record)
    }

    private func log(_ record: CallRecord) {
        logger.info("call", metadata: [
            "messageID": .string(record.messageID ?? "-"),
            "operation": .string(record.operation ?? "-"),
            "code": .string(record.fault.map { "fault \($0)" } ?? record.code),
            "ms": .string(String(format: "%.2f", record.milliseconds)),
        ])
        if logger.logLevel <= .debug {
            logger.debug("call details", metadata: [
                "messageID": .string(record.messageID ?? "-"),
                "idam": .string(record.idam ?? "-"),
                "traits": .dictionary(record.traits.mapValues { .string($0) }),
                "reason": .string(record.reason),
                "remote": .string(record.remoteAddress ?? "-"),
            ])
        }
    }
}
