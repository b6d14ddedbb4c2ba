import Foundation
import HTTPServer
import INSiCore
import INSiSOAP

/// The security checks of a call, by the listener it came on: the certificate rule of the
/// mTLS endpoint always, and in strict mode everything the real service requires. Each
/// refusal is a fault of the catalogue; the journal gets what exactly was wrong.
public struct SecurityPolicy: Sendable {
    /// The common names the real mTLS endpoint accepts, exactly.
    public static let allowedCommonNames: Set<String> = ["INSI-AUTO", "INSI-MANU"]

    /// By listener name (``HTTPConnectionInfo/listener``); a listener not named is open, with
    /// no authentication.
    public let listeners: [String: ListenerSecurity]
    /// `listeners` as a list, looked through in order by ``security(ofListener:)``: a handful of
    /// short names compared in place, where the dictionary hashed the name on every call.
    private let listenerList: [(name: String, security: ListenerSecurity)]
    /// MessageIDs of the last calls checked in strict mode.
    let messageIDs: MessageIDWindow
    /// Checks the CPx card assertion a call carries, on any listener; nil: not configured.
    let cardVerifier: CardAssertionVerifier?
    /// The wall-clock time card certificates and assertion instants are judged at.
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - messageIDWindow: how many recent MessageIDs a strict listener remembers.
    ///   - cardVerifier: checks CPx card assertions (signature, card certificate, freshness).
    ///   - now: the time of a call (tests give another).
    public init(listeners: [String: ListenerSecurity] = [:], messageIDWindow: Int = 10_000,
                cardVerifier: CardAssertionVerifier? = nil, now: @escaping @Sendable () -> Date = Date.init) {
        self.listeners = listeners
        listenerList = listeners.map { (name: $0.key, security: $0.value) }
        messageIDs = MessageIDWindow(capacity: messageIDWindow)
        self.cardVerifier = cardVerifier
        self.now = now
    }

    /// Why a call is refused: the fault to answer, and the reason for the journal and the log.
    struct Refusal: Error {
        let fault: INSiFault
        let reason: String
        /// What the judge notes of it, where no other rule already says it (the strict mode's
        /// header checks are the header rules' findings).
        var finding: Finding? = nil
    }

    /// What the listener `name` requires: its entry in ``listeners``; open, with no
    /// authentication, for a listener not named there.
    func security(ofListener name: String) -> ListenerSecurity {
        for entry in listenerList where entry.name == name { return entry.security }
        return ListenerSecurity(mode: .open, authentication: .none)
    }

    /// The refusal of `request`, or nil when it may be served.
    func check(_ request: INSiRequest, http: HTTPRequest) -> Refusal? {
        let security = security(ofListener: http.connection.listener)
        let messageID = request.headers.messageID
        let peer = http.connection.tls?.peerCertificate
        if security.authentication == .certificate, let peer, !Self.allowedCommonNames.contains(peer.commonName ?? "") {
            let detail = "client certificate CN \(peer.commonName.map { "'\($0)'" } ?? "(none)") is neither INSI-AUTO nor INSI-MANU (subject \(peer.subject))"
            return Refusal(fault: .insufficientRights(messageID: messageID), reason: detail, finding: Finding(.securityCertificate, detail))
        }
        // A card assertion, wherever it comes (the CPx endpoint's way of authenticating), is
        // checked like the real service checks it, in both modes: a forged card is no playground.
        if let cardVerifier, request.headers.samlAssertion != nil,
           case .failure(let error) = cardVerifier.verify(envelope: http.body, now: now()) {
            return Refusal(fault: .cardAssertion(error, messageID: messageID), reason: "card assertion refused: \(error)",
                           finding: Finding(.securityCardAssertion, "\(error)"))
        }
        guard security.mode == .strict else { return nil }
        do throws(Refusal) {
            switch security.authentication {
            case .certificate:
                guard peer != nil else {
                    throw Refusal(fault: .insufficientRights(messageID: messageID),
                                  reason: "strict: no client certificate was presented on the mTLS listener",
                                  finding: Finding(.securityCertificate, "no client certificate was presented on the mTLS listener"))
                }
            case .assertion:
                try Self.checkAssertion(request.headers, messageID: messageID)
            case .none:
                break
            }
            try Self.checkContext(request.headers.lps, messageID: messageID)
            let id = try Self.checkMessageID(messageID)
            try Self.checkAction(request.headers.action, contentType: http.headers["Content-Type"], messageID: messageID)
            // Last, so that a refused call does not use up its MessageID.
            guard messageIDs.insert(id) else {
                throw Self.refusal(.messageIDUnused, "wsa:MessageID \(Self.shown(messageID)) was already used by one of the last \(messageIDs.capacity) calls", messageID)
            }
            return nil
        } catch {
            return error
        }
    }

    private static func refusal(_ requirement: INSiFault.SecurityRequirement, _ detail: String, _ messageID: String?) -> Refusal {
        let finding: Finding? = switch requirement {
        case .samlAssertionPresent, .samlAssertionWellFormed: Finding(.securityCardAssertion, detail)
        default: nil
        }
        return Refusal(fault: .securityRequirement(requirement, detail: detail, messageID: messageID), reason: "strict: \(detail)", finding: finding)
    }

    /// A value of the request in a message: quoted, and cut short (it may be a megabyte of anything).
    private static func shown(_ value: String?) -> String {
        guard let value else { return "(none)" }
        return "'" + (value.count > 80 ? String(value.prefix(80)) + "…" : value) + "'"
    }

    private static func checkContext(_ lps: ContexteLPS?, messageID: String?) throws(Refusal) {
        guard let lps else {
            throw Refusal(fault: .unknownApprovalNumber(messageID: messageID),
                          reason: "strict: no ContexteLPS header, so no approval number (LPS/IDAM)")
        }
        guard !(lps.idam ?? "").isEmpty else {
            throw Refusal(fault: .unknownApprovalNumber(messageID: messageID), reason: "strict: ContexteLPS/LPS/IDAM is missing or empty")
        }
        let missing = [("Version", lps.version), ("Instance", lps.instance), ("Nom", lps.name)].filter { ($0.1 ?? "").isEmpty }.map(\.0)
        guard missing.isEmpty else {
            throw refusal(.contexteLPSComplete, "ContexteLPS/LPS lacks \(missing.joined(separator: ", ")) (the software's version, instance and name are required)", messageID)
        }
    }

    /// The UUID of a `uuid:` MessageID.
    private static func checkMessageID(_ messageID: String?) throws(Refusal) -> UUID {
        guard let messageID, !messageID.isEmpty else { throw refusal(.messageIDPresent, "wsa:MessageID is missing", messageID) }
        guard messageID.hasPrefix("uuid:"), let id = UUID(uuidString: String(messageID.dropFirst(5))) else {
            throw refusal(.messageIDFormat, "wsa:MessageID \(shown(messageID)) is not uuid: followed by a UUID (uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", messageID)
        }
        return id
    }

    private static func checkAction(_ action: String?, contentType: String?, messageID: String?) throws(Refusal) {
        guard let action, !action.isEmpty else { throw refusal(.actionPresent, "wsa:Action is missing", messageID) }
        let httpAction = contentType.flatMap { ContentType.parameter("action", in: $0) }
        guard httpAction == action else {
            let detail = httpAction.map { "the Content-Type action \(shown($0)) differs from wsa:Action \(shown(action))" }
                ?? "the Content-Type has no action parameter; it must repeat wsa:Action \(shown(action))"
            throw refusal(.actionMatchesContentType, detail, messageID)
        }
    }

    /// The CPx endpoint: a SAML 2.0 assertion in `wsse:Security`, present and well formed (its
    /// signature and card are checked by the card verifier, when the card CA is configured).
    private static func checkAssertion(_ headers: SOAPHeaders, messageID: String?) throws(Refusal) {
        guard headers.hasSecurity else {
            throw refusal(.samlAssertionPresent, "no wsse:Security header: this listener (no client certificate) needs a CPx card's SAML assertion in it", messageID)
        }
        guard let assertion = headers.samlAssertion else {
            throw refusal(.samlAssertionPresent, "wsse:Security holds no SAML Assertion (this listener takes no client certificate)", messageID)
        }
        var problems: [String] = []
        if assertion.namespace != INSiNamespace.saml2 {
            problems.append("its namespace is \(shown(assertion.namespace)), not \(INSiNamespace.saml2)")
        }
        if assertion.version != "2.0" { problems.append("Version is \(shown(assertion.version)), not '2.0'") }
        if (assertion.id ?? "").isEmpty { problems.append("ID is missing") }
        if !isDateTime(assertion.issueInstant) { problems.append("IssueInstant \(shown(assertion.issueInstant)) is not an xs:dateTime") }
        if (assertion.issuer ?? "").isEmpty { problems.append("Issuer is missing") }
        if !assertion.hasSubject { problems.append("Subject is missing") }
        if !assertion.hasSignature { problems.append("ds:Signature is missing") }
        guard problems.isEmpty else {
            throw refusal(.samlAssertionWellFormed, "the SAML Assertion is not well formed: \(problems.joined(separator: "; "))", messageID)
        }
    }

    /// An xs:dateTime with a time zone, as SAML's IssueInstant (`2026-11-23T10:00:00Z`, fractions allowed).
    private static func isDateTime(_ text: String?) -> Bool {
        guard let text else { return false }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions.insert(.withFractionalSeconds)
        return plain.date(from: text) != nil || fractional.date(from: text) != nil
    }
}
