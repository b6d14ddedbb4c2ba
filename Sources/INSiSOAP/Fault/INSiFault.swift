/// A SOAP version, as the namespace of an envelope names it.
public enum SOAPVersion: Sendable, Hashable, CaseIterable {
    case soap11, soap12

    /// The envelope namespace.
    public var namespace: String {
        switch self {
        case .soap11: return INSiNamespace.soap11
        case .soap12: return INSiNamespace.soap12
        }
    }
}

/// A SOAP 1.2 fault as INSi writes it: Code, a `siram_…` Subcode, a French Reason and a
/// `siram:Erreur` detail carrying the error code, the request's MessageID and a severity.
public struct INSiFault: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The SOAP 1.2 fault code.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case sender = "Sender"
        case receiver = "Receiver"
        case versionMismatch = "VersionMismatch"
        case mustUnderstand = "MustUnderstand"
        case dataEncodingUnknown = "DataEncodingUnknown"
    }

    /// `severite`, as the fault schema allows.
    public enum Severity: String, Sendable, Codable, CaseIterable {
        case information, avertissement, erreur, fatale
    }

    public var code: Code
    /// `siram_100`, without prefix.
    public var subcode: String?
    /// `soap:Reason/soap:Text` (xml:lang fr).
    public var reason: String
    /// `siram:Erreur/@code`, e.g. `desir_550`.
    public var detailCode: String?
    /// `siram:Erreur/@messageID`: the request's `wsa:MessageID`.
    public var messageID: String?
    public var severity: Severity
    /// `siram:Erreur` text.
    public var detailText: String?
    /// HTTP status of the answer: INSi answers faults with 500.
    public var httpStatus: Int
    /// The envelope the fault is written in: SOAP 1.2, except the VersionMismatch answered to a
    /// SOAP 1.1 request (SOAP 1.2 Part 1, Appendix A). How it is written, not what it says: not
    /// part of the Codable form.
    public var envelope: SOAPVersion = .soap12

    private enum CodingKeys: String, CodingKey {
        case code, subcode, reason, detailCode, messageID, severity, detailText, httpStatus
    }

    public init(code: Code, subcode: String?, reason: String, detailCode: String?, messageID: String? = nil,
                severity: Severity = .erreur, detailText: String?, httpStatus: Int = 500) {
        self.code = code
        self.subcode = subcode
        self.reason = reason
        self.detailCode = detailCode
        self.messageID = messageID
        self.severity = severity
        self.detailText = detailText
        self.httpStatus = httpStatus
    }

    public var description: String {
        "SOAP fault \(code.rawValue)\(subcode.map { "/\($0)" } ?? "")\(detailCode.map { " (\($0))" } ?? ""): \(reason)\(detailText.map { " — \($0)" } ?? "")"
    }
}
