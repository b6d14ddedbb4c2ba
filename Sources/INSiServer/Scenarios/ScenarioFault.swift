import INSiSOAP

/// The fault a scenario answers: an entry of the fault catalogue (codes and texts as the
/// simulator answers them elsewhere), with any field explicitly overridden; or, for a subcode
/// and detail code outside the catalogue, a fault entirely given by the scenario.
///
/// In JSON, `"fault": "desir_560"` names the entry. Without it, as before that field existed,
/// the entry is the one of `detailCode`, else the first one with `subcode`, else `siram_40`.
public struct ScenarioFault: Sendable, Equatable {
    /// The entry the fault starts from; nil for a fault outside the catalogue.
    public var entry: INSiFault.CatalogueEntry?
    /// Overrides, each given explicitly by the scenario.
    public var code: INSiFault.Code?
    public var subcode: String?
    public var detailCode: String?
    public var reason: String?
    public var detail: String?
    public var severity: INSiFault.Severity?
    /// HTTP status (200–599); the entry's (500, 413 for `insisim_904`) when nil.
    public var status: Int?

    public init(entry: INSiFault.CatalogueEntry?, code: INSiFault.Code? = nil, subcode: String? = nil, detailCode: String? = nil,
                reason: String? = nil, detail: String? = nil, severity: INSiFault.Severity? = nil, status: Int? = nil) {
        self.entry = entry
        self.code = code
        self.subcode = subcode
        self.detailCode = detailCode
        self.reason = reason
        self.detail = detail
        self.severity = severity
        self.status = status
    }

    /// The fault answered to a call with this MessageID.
    public func fault(messageID: String?) -> INSiFault {
        var fault: INSiFault
        if let entry {
            fault = INSiFault(entry, messageID: messageID)
        } else {
            // Outside the catalogue the scenario gives the reason (checked when read).
            fault = INSiFault(code: subcode == "siram_40" ? .receiver : .sender, subcode: subcode, reason: reason ?? "",
                              detailCode: detailCode, messageID: messageID, detailText: detail)
        }
        if let code { fault.code = code }
        if let subcode { fault.subcode = subcode }
        if let detailCode { fault.detailCode = detailCode }
        if let reason { fault.reason = reason }
        if let detail { fault.detailText = detail }
        if let severity { fault.severity = severity }
        if let status { fault.httpStatus = status }
        return fault
    }

    /// The catalogue's names, for error messages.
    static var catalogueList: String { INSiFault.catalogue.map(\.detailCode).joined(separator: ", ") }
}

extension ScenarioFault {
    init(_ fields: ScenarioFields) throws {
        let name = try fields.optional(.fault, String.self)
        var subcode = try fields.optional(.subcode, String.self)
        var detailCode = try fields.optional(.detailCode, String.self)
        let codeText = try fields.optional(.faultCode, String.self)
        let severityText = try fields.optional(.severity, String.self)
        let entry: INSiFault.CatalogueEntry?
        if let name {
            guard let named = INSiFault.catalogueEntry(name) else {
                throw fields.error(.fault, "'\(name)' is not in the fault catalogue; its entries: \(Self.catalogueList)")
            }
            entry = named
        } else if let detailCode, let named = INSiFault.catalogueEntry(detailCode) {
            entry = named
        } else if detailCode == nil, let subcode {
            entry = INSiFault.catalogue.first { $0.subcode == subcode }
        } else if detailCode == nil && subcode == nil {
            entry = INSiFault.catalogueEntry("insisim_940")
        } else {
            entry = nil
        }
        // Fields that only say which entry it is are not overrides.
        if let entry {
            if detailCode == entry.detailCode { detailCode = nil }
            if subcode == entry.subcode { subcode = nil }
        }
        self.init(entry: entry, subcode: subcode, detailCode: detailCode, reason: try fields.optional(.reason, String.self),
                  detail: try fields.optional(.detail, String.self), status: try fields.optional(.status, Int.self))
        if entry == nil && reason == nil {
            let given = [subcode.map { "subcode \($0)" }, detailCode.map { "detailCode \($0)" }].compactMap { $0 }.joined(separator: " and ")
            throw fields.error(.reason, "\(given) is in no entry of the fault catalogue: name one with \"fault\" "
                               + "(\(Self.catalogueList)), or give \"reason\" (and \"detail\") for a fault of your own")
        }
        if let codeText {
            guard let code = INSiFault.Code(rawValue: codeText) else {
                throw fields.error(.faultCode, "'\(codeText)' is not one of \(INSiFault.Code.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.code = code
        }
        if let severityText {
            guard let severity = INSiFault.Severity(rawValue: severityText) else {
                throw fields.error(.severity, "'\(severityText)' is not one of \(INSiFault.Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.severity = severity
        }
        if let status, !(200...599).contains(status) { throw fields.error(.status, "must be an HTTP status 200-599") }
    }

    func encode(to container: inout KeyedEncodingContainer<AnyKey>) throws {
        typealias Field = ScenarioEffect.Field
        try container.encodeIfPresent(entry?.detailCode, forKey: AnyKey(Field.fault))
        try container.encodeIfPresent(code?.rawValue, forKey: AnyKey(Field.faultCode))
        try container.encodeIfPresent(subcode, forKey: AnyKey(Field.subcode))
        try container.encodeIfPresent(detailCode, forKey: AnyKey(Field.detailCode))
        try container.encodeIfPresent(reason, forKey: AnyKey(Field.reason))
        try container.encodeIfPresent(detail, forKey: AnyKey(Field.detail))
        try container.encodeIfPresent(severity?.rawValue, forKey: AnyKey(Field.severity))
        try container.encodeIfPresent(status, forKey: AnyKey(Field.status))
    }
}
