import HTTPServer
import INSiSOAP

/// Who made a call, for judging its sequence of calls: the TLS client certificate when the
/// connection has one (an organisation certificate names the caller better than anything it
/// writes in a header), else the software installation it declares in `ContexteLPS`
/// (IDAM, Instance) and its emitter.
public enum ClientIdentity: Sendable, Hashable {
    /// The subject of the TLS client certificate.
    case certificate(subject: String)
    /// ContexteLPS/LPS/IDAM, ContexteLPS/LPS/Instance and ContexteLPS/Emetteur (nil when not sent).
    case software(idam: String?, instance: String?, emitter: String?)

    /// The identity of a call: its connection's certificate, else its headers.
    init(connection: HTTPConnectionInfo, lps: ContexteLPS?) {
        if let subject = Self.certificateSubject(of: connection) {
            self = .certificate(subject: subject)
        } else {
            self = .software(idam: CallRecord.capped(lps?.idam), instance: CallRecord.capped(lps?.instance), emitter: CallRecord.capped(lps?.emitter))
        }
    }

    /// The identity an ``id`` names (a journal line read back).
    public init(id: String) {
        if id.hasPrefix("cert:") {
            self = .certificate(subject: String(id.dropFirst(5)))
            return
        }
        let parts = id.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map { $0 == "-" ? nil : String($0) }
        self = .software(idam: parts.first ?? nil, instance: parts.count > 1 ? parts[1] : nil, emitter: parts.count > 2 ? parts[2] : nil)
    }

    /// The subject of the connection's TLS client certificate, when there is one.
    static func certificateSubject(of connection: HTTPConnectionInfo) -> String? {
        connection.tls?.peerCertificate?.subject
    }

    /// The text clients are listed and filtered by: `cert:<subject>`, or `IDAM/Instance/Emetteur`
    /// with `-` for what was not sent.
    public var id: String {
        switch self {
        case .certificate(let subject): return "cert:" + subject
        case .software(let idam, let instance, let emitter): return "\(idam ?? "-")/\(instance ?? "-")/\(emitter ?? "-")"
        }
    }
}
