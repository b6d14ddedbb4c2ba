import INSiCore
import INSiSOAP

/// A fault-injection rule: when a call matches, its effect replaces (or delays) the normal answer.
/// Scenarios are plain JSON so testers can write them by hand, send them to the admin API or
/// load them at start-up (`--scenarios PATH`).
public struct Scenario: Codable, Sendable, Equatable {
    /// Unique; given by the server when absent.
    public var id: String?
    public var description: String?
    /// Higher first; among equal priorities, the older first.
    public var priority: Int?
    /// Applications left; nil means forever. The scenario expires when it reaches 0.
    public var times: Int?
    /// What a call must look like; every field given must match. Empty: every call.
    public var match: ScenarioMatch?
    public var effect: ScenarioEffect

    public init(id: String? = nil, description: String? = nil, priority: Int? = nil, times: Int? = nil,
                match: ScenarioMatch? = nil, effect: ScenarioEffect) {
        self.id = id
        self.description = description
        self.priority = priority
        self.times = times
        self.match = match
        self.effect = effect
    }
}

/// The conditions of a scenario. Names and values are compared upper-cased and trimmed.
public struct ScenarioMatch: Codable, Sendable, Equatable {
    /// `rechercherInsAvecTraitsIdentite` or `rechercherInsAvecCarteVitale` (or `traits` / `vitale`).
    public var operation: String?
    public var birthName: String?
    /// Matches when the request's first first name is this one.
    public var firstName: String?
    public var birthDate: String?
    public var sex: String?
    /// `LieuNaissance` (COG).
    public var birthPlace: String?
    /// `MatriculeOD` of a Vitale call.
    public var ouvrantDroit: String?
    /// The approval number (ContexteLPS/LPS/IDAM).
    public var idam: String?

    public init(operation: String? = nil, birthName: String? = nil, firstName: String? = nil, birthDate: String? = nil,
                sex: String? = nil, birthPlace: String? = nil, ouvrantDroit: String? = nil, idam: String? = nil) {
        self.operation = operation
        self.birthName = birthName
        self.firstName = firstName
        self.birthDate = birthDate
        self.sex = sex
        self.birthPlace = birthPlace
        self.ouvrantDroit = ouvrantDroit
        self.idam = idam
    }
}

/// What happens to a matching call.
public struct ScenarioEffect: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The normal answer (useful with `delayMs` alone).
        case answer
        /// A given result code: `00` with the identity `matricule` (of the base), `01` or `02`.
        case result
        /// A SOAP fault with chosen codes and message.
        case fault
        /// An HTTP status with an empty or HTML body (what a proxy answers).
        case http
        /// Close the connection without answering.
        case close
        /// The normal answer cut in the middle (Content-Length announces it whole), then close.
        case truncated
        /// A 200 whose body is not well-formed XML.
        case malformed
    }

    public var kind: Kind
    /// Wait this long before the effect (any kind).
    public var delayMs: Int?
    /// `result`: "00", "01" or "02".
    public var code: String?
    /// `result` 00: the active matricule of the identity to answer.
    public var matricule: String?
    /// `fault`: Sender, Receiver...; default Receiver for siram_40, else Sender.
    public var faultCode: String?
    /// `fault`: e.g. `siram_40`.
    public var subcode: String?
    /// `fault`: `siram:Erreur/@code`.
    public var detailCode: String?
    /// `fault`: the reason text.
    public var reason: String?
    /// `fault`: the detail text.
    public var detail: String?
    /// `fault`: information, avertissement, erreur, fatale.
    public var severity: String?
    /// `fault` (default 500) and `http` (required).
    public var status: Int?
    /// `http`: "empty" (default) or "html".
    public var body: String?

    public init(kind: Kind, delayMs: Int? = nil, code: String? = nil, matricule: String? = nil, faultCode: String? = nil,
                subcode: String? = nil, detailCode: String? = nil, reason: String? = nil, detail: String? = nil,
                severity: String? = nil, status: Int? = nil, body: String? = nil) {
        self.kind = kind
        self.delayMs = delayMs
        self.code = code
        self.matricule = matricule
        self.faultCode = faultCode
        self.subcode = subcode
        self.detailCode = detailCode
        self.reason = reason
        self.detail = detail
        self.severity = severity
        self.status = status
        self.body = body
    }
}

/// Why a scenario was refused.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public var description: String { "\(field): \(reason)" }

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

extension Scenario {
    /// Longest delay accepted: long enough to exceed any client timeout, short enough not to pin connections forever.
    public static let maxDelayMs = 600_000

    /// Checks the scenario; `identityExists` tells whether a 00 can answer that matricule.
    public func validated(identityExists: (Matricule) -> Bool) throws(ScenarioError) -> Scenario {
        if let times, times < 1 { throw ScenarioError("times", "must be at least 1 (omit it for a scenario that never expires)") }
        if let operation = match?.operation, ScenarioMatch.operation(operation) == nil {
            throw ScenarioError("match.operation", "'\(operation)' is not rechercherInsAvecTraitsIdentite, rechercherInsAvecCarteVitale, traits or vitale")
        }
        if let delay = effect.delayMs, !(0...Scenario.maxDelayMs).contains(delay) {
            throw ScenarioError("effect.delayMs", "must be between 0 and \(Scenario.maxDelayMs)")
        }
        switch effect.kind {
        case .result:
            guard let code = effect.code, let result = INSiResultCode(rawValue: code) else {
                throw ScenarioError("effect.code", "a result scenario needs code 00, 01 or 02")
            }
            if result == .found {
                guard let text = effect.matricule, let matricule = Matricule(text) else {
                    throw ScenarioError("effect.matricule", "a 00 result needs the matricule of an identity of the base")
                }
                guard identityExists(matricule) else { throw ScenarioError("effect.matricule", "no identity has the active matricule \(text)") }
            }
        case .fault:
            if let code = effect.faultCode, INSiFault.Code(rawValue: code) == nil {
                throw ScenarioError("effect.faultCode", "'\(code)' is not one of \(INSiFault.Code.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let severity = effect.severity, INSiFault.Severity(rawValue: severity) == nil {
                throw ScenarioError("effect.severity", "'\(severity)' is not one of information, avertissement, erreur, fatale")
            }
            if let status = effect.status, !(200...599).contains(status) { throw ScenarioError("effect.status", "must be an HTTP status 200-599") }
        case .http:
            guard let status = effect.status, (100...599).contains(status) else {
                throw ScenarioError("effect.status", "an http scenario needs a status between 100 and 599")
            }
            if let body = effect.body, body != "empty" && body != "html" { throw ScenarioError("effect.body", "must be empty or html") }
        case .answer, .close, .truncated, .malformed:
            break
        }
        return self
    }
}

extension ScenarioMatch {
    static func operation(_ text: String) -> INSiOperation? {
        switch text {
        case "traits": return .traitsSearch
        case "vitale": return .vitaleSearch
        default: return INSiOperation(rawValue: text)
        }
    }

    /// True when the request meets every condition given.
    func matches(_ request: INSiRequest) -> Bool {
        func same(_ wanted: String?, _ actual: String?) -> Bool {
            guard let wanted else { return true }
            guard let actual else { return false }
            return ScenarioMatch.normal(wanted) == ScenarioMatch.normal(actual)
        }
        if let operation, ScenarioMatch.operation(operation) != request.operation { return false }
        guard same(idam, request.headers.lps?.idam) else { return false }
        switch request.body {
        case .traits(let traits):
            if ouvrantDroit != nil { return false }
            let first = traits.firstNames.lazy.flatMap { $0.split(separator: " ") }.first.map(String.init)
            return same(birthName, traits.birthName) && same(firstName, first) && same(birthDate, traits.birthDate)
                && same(sex, traits.sex) && same(birthPlace, traits.birthPlace)
        case .vitale(let vitale):
            if firstName != nil || sex != nil || birthPlace != nil { return false }
            return same(ouvrantDroit, vitale.ouvrantDroit?.number) && same(birthName, vitale.birthName) && same(birthDate, vitale.birthDate)
        }
    }

    static func normal(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice.uppercased()
    }
}
