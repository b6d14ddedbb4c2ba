import Foundation
import INSiCore
import INSiSOAP

/// The clients the judge follows and what it remembers of each: counts, recent calls, the lookup
/// in progress. Bounded: at most `maxClients` clients (the least recently seen is forgotten),
/// `callsPerClient` calls each, one lookup each. Used by the judge's worker only.
struct ClientRegistry {
    /// A call as the sequence rules need it.
    struct Call {
        var seq: Int
        var time: Double
        /// A hash of the body's fields, for the repeat rule: the body itself is not kept (every
        /// copy of a call would retain its strings). Two different bodies share a hash with a
        /// probability of 2^-64.
        var bodyHash: Int?
        var answer: String
    }

    /// A lookup: the consecutive calls of one client for one person.
    struct Lookup {
        var number: Int
        var person: Person
        var calls = 0
        var lastTime: Double
        var lengthFlagged = false
        /// The failure the next call must pause after: when it showed, and what it was.
        var failure: (time: Double, seq: Int, what: String)?
        /// A 01 on a name with a hyphen or an apostrophe, waiting for its variant.
        var variantExpected: (seq: Int, name: String)?
        var variantTried = false
        /// A 02 waiting for narrower traits: the first names and birth place it sent.
        var narrowingExpected: (seq: Int, firstNames: Int, place: Bool)?
        /// A narrowing call added the birth place with this many first names: more later is the wrong order.
        var placeAddedWith: Int?
        /// ``ClientRegistry/unjudgedCalls`` when the lookup began.
        var unjudgedAtStart = 0
    }

    /// A delayed answer not given yet (a scenario's delay): a call for the same person meanwhile
    /// means the software gave up waiting.
    struct Unanswered {
        var token: UInt64
        var time: Double
        var person: Person
    }

    struct Client {
        var identity: ClientIdentity
        var software: String?
        var firstSeen: Double
        var lastSeen: Double
        var calls = 0
        var bySeverity: [CallRule.Severity: Int] = [:]
        var byRule: [CallRule.ID: Int] = [:]
        var recent: [Call] = []
        var lookup: Lookup?
        var lookupsStarted = 0
        var unanswered: [Unanswered] = []
    }

    let configuration: JudgeConfiguration
    private(set) var clients: [ClientIdentity: Client] = [:]
    /// Calls journaled without the worker so far (set by the judge): a lookup during which some
    /// were is not held to its expectations.
    var unjudgedCalls = 0

    init(configuration: JudgeConfiguration) {
        self.configuration = configuration
    }

    /// A finding that shows only later, for a call already journaled.
    struct LateFinding {
        var seq: Int
        var client: ClientIdentity
        var finding: Finding
    }

    mutating func clear() { clients = [:] }

    /// Notes that a call's answer is delayed; `token` comes back with the call when it ends.
    mutating func started(token: UInt64, client identity: ClientIdentity, body: INSiRequest.Body?, time: Double) -> [LateFinding] {
        var late: [LateFinding] = []
        var client = take(identity, time: time, late: &late)
        client.unanswered.append(Unanswered(token: token, time: time, person: Self.person(of: body)))
        if client.unanswered.count > 8 { client.unanswered.removeFirst() }
        clients[identity] = client
        return late
    }

    /// Judges a call against the client's earlier calls: the findings of this call, the lookup it
    /// belongs to, and the findings earlier calls earned now that their lookup ended. `journal`
    /// is given the call's findings and returns its journal number.
    mutating func judge(_ record: inout CallRecord, body: INSiRequest.Body?, token: UInt64?,
                        journal: (inout CallRecord) -> Int) -> [LateFinding] {
        let identity = record.client ?? .software(idam: nil, instance: nil, emitter: nil)
        let time = record.time
        let end = time + record.milliseconds / 1000
        var late: [LateFinding] = []
        var client = take(identity, time: time, late: &late)
        client.software = record.software ?? client.software
        let person = Self.person(of: body)
        var findings: [Finding] = []

        // A delayed answer ending now is no longer unanswered.
        if let token { client.unanswered.removeAll { $0.token == token } }
        guard body != nil else {
            // Unreadable (a fault says why): no person, no lookup, nothing for the sequence rules.
            _ = journal(&record)
            count(record.findings, in: &client)
            client.calls += 1
            clients[identity] = client
            for finding in late { countLate(finding) }
            return late
        }
        let bodyHash = Self.hash(of: body)
        repeated(bodyHash, time: time, in: client.recent, into: &findings)
        if client.lookup?.person != person, let ended = client.lookup {
            late += finish(ended, client: identity)
            client.lookup = nil
        }
        if client.lookup == nil {
            client.lookupsStarted += 1
            client.lookup = Lookup(number: client.lookupsStarted, person: person, lastTime: time, unjudgedAtStart: unjudgedCalls)
        }
        if var lookup = client.lookup {
            procedure(&lookup, body: body, time: time, unanswered: client.unanswered.filter { $0.person == person && $0.time < time },
                      into: &findings)
            client.lookup = lookup
        }
        record.lookup = client.lookup?.number
        record.findings += findings
        let seq = journal(&record)
        count(record.findings, in: &client)
        client.calls += 1

        if var lookup = client.lookup, lookup.number == record.lookup {
            answered(&lookup, record: record, seq: seq, body: body, end: end)
            if record.code == "00" {
                client.lookup = nil  // found: the lookup is over, nothing more is expected
            } else {
                client.lookup = lookup
            }
        }
        client.recent.append(Call(seq: seq, time: time, bodyHash: bodyHash, answer: Self.answer(record.code, record.fault)))
        if client.recent.count > configuration.callsPerClient { client.recent.removeFirst(client.recent.count - configuration.callsPerClient) }
        clients[identity] = client
        for finding in late { countLate(finding) }
        return late
    }

    /// Ends the lookups idle for longer than the configured time (a query asks as of `now`).
    mutating func sweep(now: Double) -> [LateFinding] {
        var late: [LateFinding] = []
        for (identity, client) in clients {
            guard let lookup = client.lookup, now - lookup.lastTime > configuration.lookupIdleSeconds else { continue }
            late += finish(lookup, client: identity)
            clients[identity]?.lookup = nil
        }
        for finding in late { countLate(finding) }
        return late
    }

    // MARK: Rules

    private func repeated(_ hash: Int?, time: Double, in recent: [Call], into findings: inout [Finding]) {
        guard let hash else { return }
        for index in recent.indices.reversed() where recent[index].bodyHash == hash {
            let gap = time - recent[index].time
            guard gap >= 0 && gap < configuration.repeatSeconds else { continue }
            findings.append(Finding(.procedureRepeat,
                                    "the same call as #\(recent[index].seq), \(Self.seconds(gap)) s later (answered \(recent[index].answer))"))
            return
        }
    }

    /// The hash of a body's fields (the repeat rule compares calls by it).
    static func hash(of body: INSiRequest.Body?) -> Int? {
        guard let body else { return nil }
        var hasher = Hasher()
        switch body {
        case .traits(let traits):
            hasher.combine(0)
            hasher.combine(traits.birthName)
            hasher.combine(traits.firstNames)
            hasher.combine(traits.sex)
            hasher.combine(traits.birthDate)
            hasher.combine(traits.birthPlace)
        case .vitale(let vitale):
            hasher.combine(1)
            for matricule in [vitale.beneficiary, vitale.ouvrantDroit] {
                hasher.combine(matricule?.number)
                hasher.combine(matricule?.key)
                hasher.combine(matricule?.type)
            }
            hasher.combine(vitale.birthName)
            hasher.combine(vitale.birthDate)
            hasher.combine(vitale.rank)
        }
        return hasher.finalize()
    }

    private func procedure(_ lookup: inout Lookup, body: INSiRequest.Body?, time: Double, unanswered: [Unanswered],
                           into findings: inout [Finding]) {
        let pause = configuration.pauseSeconds
        if let failure = lookup.failure {
            if time - failure.time < pause {
                findings.append(Finding(.procedurePause,
                                        "\(Self.seconds(time - failure.time)) s after the \(failure.what) of #\(failure.seq): pause \(Self.seconds(pause)) s first"))
            }
            lookup.failure = nil
        }
        if let waiting = unanswered.last, time - waiting.time < pause {
            findings.append(Finding(.procedurePause,
                                    "sent while an earlier call for this person (\(Self.seconds(time - waiting.time)) s before) was still unanswered: after a timeout, pause \(Self.seconds(pause)) s first"))
        }
        lookup.calls += 1
        lookup.lastTime = time
        if lookup.calls > configuration.maxCallsPerLookup && !lookup.lengthFlagged {
            lookup.lengthFlagged = true
            findings.append(Finding(.procedureLookupLength, "call \(lookup.calls) for this person in one lookup (at most \(configuration.maxCallsPerLookup))"))
        }
        guard case .traits(let traits)? = body else { return }
        let name = traits.birthName ?? ""
        let firstNames = Self.firstNameCount(traits.firstNames)
        let place = !(traits.birthPlace ?? "").isEmpty
        if let expected = lookup.variantExpected, name != expected.name {
            lookup.variantExpected = nil
            lookup.variantTried = true
        }
        if let expected = lookup.narrowingExpected {
            if firstNames > expected.firstNames || (place && !expected.place) {
                lookup.narrowingExpected = nil
            }
            if place && !expected.place && firstNames <= expected.firstNames {
                lookup.placeAddedWith = firstNames
            }
        }
        if let added = lookup.placeAddedWith, firstNames > added {
            lookup.placeAddedWith = nil
            findings.append(Finding(.procedureNarrowing,
                                    "first names added after the birth place: after a 02, add the other first names first, then the COG"))
        }
    }

    /// What the answer to a call expects of the rest of its lookup.
    private func answered(_ lookup: inout Lookup, record: CallRecord, seq: Int, body: INSiRequest.Body?, end: Double) {
        if record.fault?.hasPrefix("siram_40") == true {
            lookup.failure = (end, seq, "siram_40 fault")
        } else if record.code == "closed" || record.code == "truncated" {
            lookup.failure = (end, seq, record.code == "closed" ? "connection closed without an answer" : "truncated answer")
        }
        guard case .traits(let traits)? = body else { return }
        let name = traits.birthName ?? ""
        switch record.code {
        case "01":
            if !lookup.variantTried && lookup.variantExpected == nil && (name.contains("-") || name.contains("'")) {
                lookup.variantExpected = (seq, name)
            }
        case "02":
            // With the birth place sent, the ANS order has nothing left to add: the lookup may end on 02.
            let place = !(traits.birthPlace ?? "").isEmpty
            lookup.narrowingExpected = place ? nil : (seq, Self.firstNameCount(traits.firstNames), false)
        default:
            break
        }
    }

    /// The findings an ended lookup leaves: what it was still expected to try.
    private func finish(_ lookup: Lookup, client: ClientIdentity) -> [LateFinding] {
        var late: [LateFinding] = []
        guard lookup.unjudgedAtStart == unjudgedCalls else { return late }
        if let expected = lookup.variantExpected {
            let variant = expected.name.replacingOccurrences(of: "--", with: " ").replacingOccurrences(of: "-", with: " ")
                .replacingOccurrences(of: "'", with: " ")
            late.append(LateFinding(seq: expected.seq, client: client, finding: Finding(.procedureNameVariant,
                "01 on '\(expected.name)' and the lookup ended without trying the variant ('\(variant)')")))
        }
        if let expected = lookup.narrowingExpected {
            late.append(LateFinding(seq: expected.seq, client: client, finding: Finding(.procedureNarrowing,
                "02 and the lookup ended without a call adding the other first names or the birth place")))
        }
        return late
    }

    // MARK: Inside

    /// The client's state, created when new; the least recently seen client is forgotten past
    /// the bound (its lookup ends first).
    private mutating func take(_ identity: ClientIdentity, time: Double, late: inout [LateFinding]) -> Client {
        // Taken out of the dictionary: the caller then changes the only copy in place (its
        // arrays and dictionaries are not copied for every call) and puts it back.
        if var client = clients.removeValue(forKey: identity) {
            client.lastSeen = max(client.lastSeen, time)
            return client
        }
        if clients.count >= configuration.maxClients,
           let oldest = clients.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            if let lookup = oldest.value.lookup { late += finish(lookup, client: oldest.key) }
            clients[oldest.key] = nil
        }
        return Client(identity: identity, firstSeen: time, lastSeen: time)
    }

    private func count(_ findings: [Finding], in client: inout Client) {
        for finding in findings {
            client.bySeverity[finding.severity, default: 0] += 1
            client.byRule[finding.rule, default: 0] += 1
        }
    }

    private mutating func countLate(_ late: LateFinding) {
        guard var client = clients[late.client] else { return }
        count([late.finding], in: &client)
        clients[late.client] = client
    }

    /// Who a call is about: a traits call by sex, birth date and the letters of the birth name
    /// (so that its variants stay the same person), a Vitale call by card and birth date.
    struct Person: Hashable {
        var vitale: Bool
        var first: String
        var second: String
        var third: String
    }

    static func person(of body: INSiRequest.Body?) -> Person {
        switch body {
        case .traits(let traits)?:
            let name = traits.birthName ?? ""
            // The usual upper-case name without separators is its own key: no copy.
            let letters = name.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? name
                : String(String.UnicodeScalarView(name.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic }))
            return Person(vitale: false, first: traits.sex ?? "", second: traits.birthDate ?? "", third: letters)
        case .vitale(let vitale)?:
            return Person(vitale: true, first: vitale.ouvrantDroit?.number ?? "", second: vitale.birthDate ?? "", third: "")
        case nil:
            return Person(vitale: false, first: "?", second: "", third: "")
        }
    }

    static func firstNameCount(_ elements: [String]) -> Int {
        elements.reduce(0) { $0 + $1.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).count }
    }

    /// Seconds with one decimal (`1.5`), without Foundation's formatter.
    static func seconds(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }

    static func answer(_ code: String, _ fault: String?) -> String {
        fault.map { "fault \($0)" } ?? code
    }
}
