import INSiCore
import INSiSOAP

/// A fault-injection rule: when a call matches, its effect replaces (or delays) the normal answer.
/// Scenarios are plain JSON so testers can write them by hand, send them to the admin API or
/// load them at start-up (`--scenarios PATH`, or a built-in set such as `--scenarios cnda`).
public struct Scenario: Sendable, Equatable {
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
    /// Wait this long before the effect (any kind). In JSON, `effect.delayMs`.
    public var delayMs: Int?
    /// False: kept but not applied (the console's toggle). Nil or true: applied.
    public var enabled: Bool?

    public init(id: String? = nil, description: String? = nil, priority: Int? = nil, times: Int? = nil,
                match: ScenarioMatch? = nil, effect: ScenarioEffect, delayMs: Int? = nil, enabled: Bool? = nil) {
        self.id = id
        self.description = description
        self.priority = priority
        self.times = times
        self.match = match
        self.effect = effect
        self.delayMs = delayMs
        self.enabled = enabled
    }

    /// Whether calls are matched against it.
    public var isEnabled: Bool { enabled ?? true }
}

extension Scenario: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, description, priority, times, match, effect, enabled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority)
        times = try container.decodeIfPresent(Int.self, forKey: .times)
        match = try container.decodeIfPresent(ScenarioMatch.self, forKey: .match)
        let fields = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .effect)
        effect = try ScenarioEffect(from: fields)
        delayMs = try ScenarioFields(fields).optional(.delayMs, Int.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(priority, forKey: .priority)
        try container.encodeIfPresent(times, forKey: .times)
        try container.encodeIfPresent(match, forKey: .match)
        try container.encodeIfPresent(enabled, forKey: .enabled)
        var fields = container.nestedContainer(keyedBy: AnyKey.self, forKey: .effect)
        try effect.encode(to: &fields)
        try fields.encodeIfPresent(delayMs, forKey: AnyKey(ScenarioEffect.Field.delayMs))
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

    /// Checks what JSON alone cannot: `identityExists` tells whether a 00 can answer that
    /// matricule, `files` reads the document of a `document` effect. Returns the scenario with
    /// that document read.
    public func validated(identityExists: (Matricule) -> Bool, files: ScenarioFiles) throws(ScenarioError) -> Scenario {
        if let times, times < 1 { throw ScenarioError("times", "must be at least 1 (omit it for a scenario that never expires)") }
        if let operation = match?.operation, ScenarioMatch.operation(operation) == nil {
            throw ScenarioError("match.operation", "'\(operation)' is not rechercherInsAvecTraitsIdentite, rechercherInsAvecCarteVitale, traits or vitale")
        }
        if let delay = delayMs, !(0...Scenario.maxDelayMs).contains(delay) {
            throw ScenarioError("effect.delayMs", "must be between 0 and \(Scenario.maxDelayMs)")
        }
        var checked = self
        switch effect {
        case .result(.found, let matricule?):
            guard identityExists(matricule) else { throw ScenarioError("effect.matricule", "no identity has the active matricule \(matricule.value)") }
        case .document(let document):
            checked.effect = .document(try document.resolved(with: files))
        default:
            break
        }
        return checked
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
