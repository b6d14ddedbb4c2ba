/// A rule an editor's calls to INSi are judged by: what the simulator checks on every call and on
/// each client's sequence of calls, so that it can say what the software does wrong before the
/// CNDA or the qualification service does.
///
/// The catalogue is ``CallRule/ID/allCases``: every rule has an id, a severity, a one-line
/// reason and the source that makes it a rule. `docs/reference/call-rules.md` is checked against
/// it by a test.
public struct CallRule: Sendable, Hashable, Codable {
    public var id: ID
    public var severity: Severity
    public var source: Source
    /// What the rule asks, in one line.
    public var reason: String

    /// How much a broken rule matters.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// The real service refuses or misreads such a call, or the CNDA rejects it.
        case error
        /// The call works but goes against the ANS advice or wastes calls.
        case warning
        /// A better way exists.
        case advice

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

        private var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .advice: return 2
            }
        }
    }

    /// Why it is a rule.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// The CNAM contract: its WSDL and XSD files, and the standards they name (WS-Addressing).
        case contract
        /// The ANS's published advice and the INS writing rules.
        case ans
        /// What the real service does (recorded answers, the qualification service).
        case service
        /// The simulator's own advice, where public material says nothing.
        case simulator

        /// For people: the reference page and reports.
        public var title: String {
            switch self {
            case .contract: return "contract XSD"
            case .ans: return "ANS advice"
            case .service: return "real service behaviour"
            case .simulator: return "simulator advice"
            }
        }
    }

    /// Every rule, by id; ``CallRule/ID/rule`` gives the rule itself.
    public enum ID: String, Sendable, Hashable, Codable, CaseIterable {
        case contractSchema = "contract.schema"
        case headerContext = "header.lps-complete"
        case headerMessageID = "header.message-id"
        case headerMessageIDReused = "header.message-id-unique"
        case headerAction = "header.action"
        case headerTime = "header.time"
        case traitsUpperCase = "traits.upper-case"
        case traitsDiacritics = "traits.no-diacritics"
        case traitsCharacters = "traits.characters"
        case traitsDoubleHyphen = "traits.double-hyphen"
        case traitsSpaces = "traits.spaces"
        case traitsFirstNames = "traits.first-names"
        case traitsBirthDate = "traits.birth-date"
        case traitsBirthPlace = "traits.birth-place"
        case traitsPostalCode = "traits.postal-code"
        case vitaleBeneficiary = "vitale.beneficiary"
        case procedureNameVariant = "procedure.name-variant"
        case procedureNarrowing = "procedure.narrow-after-02"
        case procedureRepeat = "procedure.no-repeat"
        case procedureLookupLength = "procedure.lookup-length"
        case procedurePause = "procedure.pause"
        case securityCertificate = "security.client-certificate"
        case securityCardAssertion = "security.card-assertion"

        public var rule: CallRule {
            switch self {
            case .contractSchema:
                return CallRule(id: self, severity: .error, source: .contract,
                                reason: "The request validates against the contract's schemas: RECSANSVITALE or RECVITALE, ContexteLPS, ContexteBAM, WS-Addressing.")
            case .headerContext:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "ContexteLPS is sent, complete: LPS/IDAM (the approval number), Version, Instance and Nom.")
            case .headerMessageID:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "wsa:MessageID is sent, in the form uuid:<UUID>; faults echo it.")
            case .headerMessageIDReused:
                return CallRule(id: self, severity: .error, source: .contract,
                                reason: "A MessageID is never reused: each call has its own (WS-Addressing).")
            case .headerAction:
                return CallRule(id: self, severity: .error, source: .contract,
                                reason: "wsa:Action is sent and names the same operation as the action of the Content-Type.")
            case .headerTime:
                return CallRule(id: self, severity: .warning, source: .simulator,
                                reason: "ContexteLPS/Temps is a valid xs:dateTime within 5 minutes of the server's clock.")
            case .traitsUpperCase:
                return CallRule(id: self, severity: .error, source: .ans,
                                reason: "Names are sent in upper case, as the INS traits are written.")
            case .traitsDiacritics:
                return CallRule(id: self, severity: .error, source: .ans,
                                reason: "Names carry no accent or other diacritic (É is E, Ç is C).")
            case .traitsCharacters:
                return CallRule(id: self, severity: .error, source: .ans,
                                reason: "Names hold only the letters A to Z, space, hyphen and apostrophe.")
            case .traitsDoubleHyphen:
                return CallRule(id: self, severity: .error, source: .ans,
                                reason: "A double hyphen appears only in a birth name, between the two parts of a double name; never three hyphens.")
            case .traitsSpaces:
                return CallRule(id: self, severity: .warning, source: .ans,
                                reason: "No leading, trailing or doubled space, and no space next to a hyphen or an apostrophe.")
            case .traitsFirstNames:
                return CallRule(id: self, severity: .error, source: .contract,
                                reason: "First names go one per Prenom element, or as one space-separated list in a single Prenom; never separated by commas.")
            case .traitsBirthDate:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "DateNaissance is a valid date YYYY-MM-DD; 00 is allowed for an unknown month or day (lunar date).")
            case .traitsBirthPlace:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "LieuNaissance, when sent, is a COG of 5 characters: digits, 2A or 2B for Corsica, 99xxx for a country.")
            case .traitsPostalCode:
                return CallRule(id: self, severity: .error, source: .ans,
                                reason: "LieuNaissance is a COG, not a postal code: Paris, Lyon and Marseille births use the arrondissement's COG (75115, not 75015 or 75056).")
            case .vitaleBeneficiary:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "A Vitale call names the beneficiary by birth date, and by birth rank when the card holds twins.")
            case .procedureNameVariant:
                return CallRule(id: self, severity: .warning, source: .ans,
                                reason: "After a 01 on a birth name holding a hyphen or an apostrophe, the lookup retries with the variant (space or nothing in its place).")
            case .procedureNarrowing:
                return CallRule(id: self, severity: .warning, source: .ans,
                                reason: "After a 02, the lookup retries adding the other first names, then the COG of the birth place.")
            case .procedureRepeat:
                return CallRule(id: self, severity: .error, source: .simulator,
                                reason: "No identical call is repeated within 2 seconds (a retry storm).")
            case .procedureLookupLength:
                return CallRule(id: self, severity: .warning, source: .simulator,
                                reason: "One lookup takes at most 8 calls.")
            case .procedurePause:
                return CallRule(id: self, severity: .warning, source: .service,
                                reason: "After a siram_40 fault or a timeout, the software pauses at least 5 seconds before calling again for the person.")
            case .securityCertificate:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "The mutual-TLS client certificate is the software's own, with CN INSI-AUTO or INSI-MANU.")
            case .securityCardAssertion:
                return CallRule(id: self, severity: .error, source: .service,
                                reason: "A CPx call's card assertion is well formed, signed by a physical card the card CA issued, within its validity, and fresh.")
            }
        }
    }

    /// Every rule, in catalogue order.
    public static let catalogue: [CallRule] = ID.allCases.map(\.rule)
}

/// A rule a call broke, and how.
public struct Finding: Sendable, Hashable, Codable {
    public var rule: CallRule.ID
    /// What exactly was wrong with this call, for the person reading the journal.
    public var detail: String

    public init(_ rule: CallRule.ID, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public var severity: CallRule.Severity { rule.rule.severity }

    private enum CodingKeys: String, CodingKey { case rule, severity, detail }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decode(CallRule.ID.self, forKey: .rule)
        detail = try container.decode(String.self, forKey: .detail)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(severity, forKey: .severity)
        try container.encode(detail, forKey: .detail)
    }
}

extension CallRule {
    /// The reference table of `docs/reference/call-rules.md`, generated from the catalogue (a test
    /// checks the page against it).
    public static var markdownTable: String {
        var table = "| rule | severity | source | what it asks |\n|---|---|---|---|\n"
        for rule in catalogue {
            table += "| `\(rule.id.rawValue)` | \(rule.severity.rawValue) | \(rule.source.title) | \(rule.reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return table
    }
}
