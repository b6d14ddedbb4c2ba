import Foundation
import INSiSOAP

/// Why a call to INSi did not produce an answer (00, 01 or 02). Never turned into "not found":
/// a caller that cannot tell "no identity" from "no answer" would create duplicates.
public enum INSiClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// INSi answered a SOAP fault (HTTP 500 in the real service). `fault.subcode` is the siram code
    /// (`siram_100`), `fault.detailCode` the desir code (`desir_550`), `fault.severity` the
    /// `severite`, `fault.messageID` the MessageID the service echoed.
    case fault(INSiFault)
    /// An HTTP status INSi does not use for this answer and no SOAP fault in the body (a proxy's
    /// 502 HTML page, a 404 on a wrong path). The body is kept for the bug report.
    case unexpectedStatus(status: Int, contentType: String?, body: [UInt8])
    /// The HTTP exchange failed: connection refused, DNS, connection reset, an answer cut short...
    /// `code` is libcurl's `CURLcode` when there is one.
    case transport(url: String, code: Int?, message: String)
    /// No TLS session with the endpoint: a certificate file that cannot be used, a server not
    /// trusted or not named by its certificate, a handshake the server refused.
    case tls(url: String, TLSError)
    /// No complete answer within the configured time.
    case timeout(after: Duration)
    /// HTTP 200 but not an INSi answer (not XML, not SOAP, no `RESULTAT`, unknown `CodeCR`, 00
    /// without `INDIVIDU`). The body is kept.
    case unreadableAnswer(reason: String, httpStatus: Int, body: [UInt8])
    /// The calling task was cancelled before the answer arrived.
    case cancelled

    /// A short stable name of the case, for logs and JSON (`fault`, `unexpectedStatus`,
    /// `transport`, `tls`, `timeout`, `unreadableAnswer`, `cancelled`).
    public var kind: String {
        switch self {
        case .fault: return "fault"
        case .unexpectedStatus: return "unexpectedStatus"
        case .transport: return "transport"
        case .tls: return "tls"
        case .timeout: return "timeout"
        case .unreadableAnswer: return "unreadableAnswer"
        case .cancelled: return "cancelled"
        }
    }

    /// The SOAP fault, when the error is one.
    public var fault: INSiFault? {
        if case .fault(let fault) = self { return fault }
        return nil
    }

    /// The body received, as text (lossy), for the statuses and answers that could not be read.
    public var bodyText: String? {
        switch self {
        case .unexpectedStatus(_, _, let body), .unreadableAnswer(_, _, let body):
            return String(decoding: body, as: UTF8.self)
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .fault(let fault):
            var text = "INSi answered a SOAP fault \(fault.subcode ?? fault.code.rawValue)"
            if let detail = fault.detailCode { text += "/\(detail)" }
            text += " (\(fault.severity.rawValue)): \(fault.reason)"
            if let detailText = fault.detailText, !detailText.isEmpty { text += " — \(detailText)" }
            if let messageID = fault.messageID { text += " [MessageID \(messageID)]" }
            if let hint = INSiClientError.hint(for: fault) { text += ". \(hint)" }
            return text
        case .unexpectedStatus(let status, let contentType, let body):
            return "the endpoint answered HTTP \(status)\(contentType.map { " (\($0))" } ?? "") without a SOAP fault: "
                + "check the URL (it should end in /lps) and any proxy in between. Body: \(INSiClientError.excerpt(body))"
        case .transport(let url, _, let message):
            return "could not exchange with INSi at \(url): \(message). Check the URL, the network and that the service is up"
        case .tls(let url, let error):
            return "no TLS session with INSi at \(url): \(error)"
        case .timeout(let after):
            return "no answer from INSi within \(INSiClientError.format(after)): the service or the network is slow or down; "
                + "retry later or raise the timeout"
        case .unreadableAnswer(let reason, let status, let body):
            return "the answer (HTTP \(status)) is not an INSi answer: \(reason). Check that the URL is an INSi endpoint. "
                + "Body: \(INSiClientError.excerpt(body))"
        case .cancelled:
            return "the call was cancelled before INSi answered"
        }
    }

    /// What a user can do about the faults whose cause is known.
    static func hint(for fault: INSiFault) -> String? {
        for code in [fault.detailCode, fault.subcode].compactMap({ $0 }) {
            switch code {
            case "desir_550": return "Check the software approval number (IDAM) the software sends"
            case "desir_560": return "Check the certificate: its CN must be INSI-AUTO or INSI-MANU"
            case "siram_40": return "A service INSi depends on is unavailable: retry later"
            default: continue
            }
        }
        return nil
    }

    static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "(empty)" }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        return body.count > 300 ? text + "… (\(body.count) bytes)" : text
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
