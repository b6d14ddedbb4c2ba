import INSiSOAP

/// The call procedure the ANS recommends for a traits search, as a value an integrator can
/// inspect, reorder or shorten.
///
/// ``ans`` (the default) stops at the first 00:
/// 1. the first first name;
/// 2. on 01, when the birth name holds a hyphen or an apostrophe, the same with each variant of the
///    birth name (``NameVariants/standard``);
/// 3. on 01, each other first name alone, then the complete first-name list, each with the name as
///    held and its variants;
/// 4. on 02, the complete first-name list, then the birth place (added to the last traits that
///    answered 02).
///
/// How name variants combine with first-name steps: a name form that answered 02 is kept for
/// every later call (narrowing goes on from that form, the others are known to be wrong); while
/// every answer is 01, no form is known to be right, so the later searching steps try each form.
public struct LookupProcedure: Sendable, Hashable {
    /// The steps, in the order they run: reorder or drop them to follow another procedure (each
    /// step still runs only in its phase, see ``LookupStep``).
    public var steps: [LookupStep]
    /// The birth name variants tried by ``LookupStep/birthNameVariants``; ``NameVariants/none``
    /// sends the birth name only as held.
    public var nameVariants: NameVariants

    /// A procedure of your own; ``ans`` is the one the ANS recommends.
    public init(steps: [LookupStep], nameVariants: NameVariants = .standard) {
        self.steps = steps
        self.nameVariants = nameVariants
    }

    /// The ANS order.
    public static let ans = LookupProcedure(steps: [
        .firstFirstName, .birthNameVariants, .eachOtherFirstName, .completeFirstNameList,
        .addOtherFirstNames, .addBirthPlace,
    ])

    /// Runs the procedure for the local identity. Never throws: a failed call ends the lookup
    /// with ``LookupOutcome/failed(_:)`` and stays in the trail.
    public func run(for identity: SearchTraits, using client: some INSiTraitsSearching) async -> LookupResult {
        var run = Run(identity: identity)
        for step in steps {
            if run.stop != nil { break }
            switch step {
            case .firstFirstName:
                guard run.isSearching, let first = identity.firstNames.first else { continue }
                for form in run.nameForms {
                    guard await run.attempt(step, form, [first], nil, client), run.isSearching else { break }
                }
            case .birthNameVariants:
                guard run.isSearching, let first = identity.firstNames.first else { continue }
                for variant in nameVariants.variants(of: identity.birthName) {
                    let form = NameForm(name: variant.name, rule: variant.rule)
                    if !run.nameForms.contains(form) { run.nameForms.append(form) }
                    guard await run.attempt(step, form, [first], nil, client), run.isSearching else { break }
                }
            case .eachOtherFirstName:
                guard run.isSearching else { continue }
                names: for name in identity.firstNames.dropFirst() {
                    for form in run.nameForms {
                        guard await run.attempt(step, form, [name], nil, client), run.isSearching else { break names }
                    }
                }
            case .completeFirstNameList:
                guard run.isSearching, !identity.firstNames.isEmpty else { continue }
                for form in run.nameForms {
                    guard await run.attempt(step, form, identity.firstNames, nil, client), run.isSearching else { break }
                }
            case .addOtherFirstNames:
                guard let base = run.narrowingBase, !identity.firstNames.isEmpty else { continue }
                _ = await run.attempt(step, base.form, identity.firstNames, base.traits.birthPlace, client)
            case .addBirthPlace:
                guard let base = run.narrowingBase, let place = identity.birthPlace, !place.isEmpty else { continue }
                _ = await run.attempt(step, base.form, base.traits.firstNames, place, client)
            }
        }
        let outcome: LookupOutcome
        switch run.stop {
        case .found(let found):
            // Compared with the local identity, so that a name found through a variant is reported.
            var checked = found
            let individual = WireIndividual(active: found.active, history: found.history, traits: found.traits)
            checked.warnings = IdentityChecks.warnings(for: individual, local: identity)
            outcome = .found(checked)
        case .failed(let error):
            outcome = .failed(error)
        case nil:
            outcome = run.narrowingBase == nil ? .notFound(attempts: run.attempts.count) : .several(attempts: run.attempts.count)
        }
        return LookupResult(outcome: outcome, attempts: run.attempts)
    }
}

/// A birth name as sent: the name as held (no rule) or a variant.
struct NameForm: Hashable, Sendable {
    var name: String
    var rule: NameVariantRule?
}

/// The state of one lookup.
private struct Run {
    enum Stop {
        case found(INSiIdentity)
        case failed(INSiClientError)
    }

    let identity: SearchTraits
    var nameForms: [NameForm]
    var attempts: [LookupAttempt] = []
    var sent: Set<SearchTraits> = []
    /// The last traits that answered 02, and their name form: set once the lookup narrows.
    var narrowingBase: (traits: SearchTraits, form: NameForm)?
    var stop: Stop?

    init(identity: SearchTraits) {
        self.identity = identity
        nameForms = [NameForm(name: identity.birthName, rule: nil)]
    }

    var isSearching: Bool { narrowingBase == nil && stop == nil }

    /// One call, unless these traits were already sent. Returns false when the lookup must stop
    /// (found or failed).
    mutating func attempt(_ step: LookupStep, _ form: NameForm, _ firstNames: [String], _ place: String?,
                          _ client: some INSiTraitsSearching) async -> Bool {
        let traits = SearchTraits(birthName: form.name, firstNames: firstNames, sex: identity.sex,
                                  birthDate: identity.birthDate, birthPlace: place)
        guard sent.insert(traits).inserted else { return stop == nil }
        let messageID = INSiClient.newMessageID()
        let started = ContinuousClock.now
        let result: Result<INSiAnswer, INSiClientError>
        do {
            result = .success(try await client.searchByTraits(traits, messageID: messageID))
        } catch {
            result = .failure(error)
        }
        attempts.append(LookupAttempt(step: step, traits: traits, nameVariant: form.rule, messageID: messageID,
                                      result: result, duration: ContinuousClock.now - started))
        switch result {
        case .success(let answer):
            switch answer.outcome {
            case .found(let identity): stop = .found(identity)
            case .several: narrowingBase = (traits, form)
            case .notFound: break
            }
        case .failure(let error):
            stop = .failed(error)
        }
        return stop == nil
    }
}
