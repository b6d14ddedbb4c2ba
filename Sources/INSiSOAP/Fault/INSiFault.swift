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
