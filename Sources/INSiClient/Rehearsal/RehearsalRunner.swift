import Foundation
import INSiCore

/// Runs a ``RehearsalPack`` against an INSi through ``INSiClient``, one case after the other (a
/// scenario must shape only its own case), and collects a ``RehearsalReport``.
///
/// ```swift
/// let pack = try RehearsalPack.load(from: packFile)   // e.g. Resources/rehearsal/default-pack.json
/// let runner = RehearsalRunner(configuration: RehearsalConfiguration(endpoint: endpoint, software: software))
/// let report = try await runner.run(pack) { print($0.line) }   // throws when nothing answers at the endpoint
/// try RehearsalMarkdownReport.render(report).write(to: reportFile, atomically: true, encoding: .utf8)
/// ```
public struct RehearsalRunner: Sendable {
    /// Where and as whom every case calls.
    public let configuration: RehearsalConfiguration

    /// Nothing is called until ``detectTarget()`` or ``run(_:progress:)``.
    public init(configuration: RehearsalConfiguration) {
        self.configuration = configuration
    }

    /// Asks the target whether it is insi-sim and how it matches names; throws when nothing
    /// answers at its address.
    public func detectTarget() async throws(RehearsalUnreachable) -> RehearsalTarget {
        let http = RehearsalHTTP(adminToken: configuration.adminToken, timeout: configuration.timeout, tls: configuration.tls)
        return try await RehearsalTarget.detect(endpoint: configuration.endpoint, detection: configuration.detection, http: http)
    }

    /// Runs every case of the pack; `progress` sees each result as soon as it is known. The
    /// target is asked once first: when nothing answers there, no case runs.
    public func run(_ pack: RehearsalPack, progress: @Sendable (RehearsalCaseResult) -> Void = { _ in }) async throws(RehearsalUnreachable) -> RehearsalReport {
        let started = Date()
        let clock = ContinuousClock.now
        let http = RehearsalHTTP(adminToken: configuration.adminToken, timeout: configuration.timeout, tls: configuration.tls)
        let target = try await RehearsalTarget.detect(endpoint: configuration.endpoint, detection: configuration.detection, http: http)
        let shared = client(idam: nil, timeout: nil)
        var results: [RehearsalCaseResult] = []
        for rehearsalCase in pack.cases {
            let needsOwn = rehearsalCase.idam != nil || rehearsalCase.timeout != nil
            let caseClient = needsOwn ? client(idam: rehearsalCase.idam, timeout: rehearsalCase.timeout) : shared
            let result = await run(rehearsalCase, target: target, client: caseClient, http: http)
            progress(result)
            results.append(result)
        }
        return RehearsalReport(target: target, pack: pack.source, packTitle: pack.title, idam: configuration.software.idam,
                               started: started, duration: ContinuousClock.now - clock, results: results)
    }

    private func client(idam: String?, timeout: Duration?) -> INSiClient {
        var software = configuration.software
        if let idam { software.idam = idam }
        return INSiClient(configuration: INSiClientConfiguration(
            endpoint: configuration.endpoint, software: software, emitter: configuration.emitter,
            timeout: timeout ?? configuration.timeout, tls: configuration.tls))
    }

    // MARK: - One case

    private func run(_ rehearsalCase: RehearsalCase, target: RehearsalTarget, client: INSiClient,
                     http: RehearsalHTTP) async -> RehearsalCaseResult {
        let started = ContinuousClock.now
        let expected = rehearsalCase.expectation.expectation(for: target.nameMatching)
        var notes: [String] = []
        var scenarioID: String?
        func ended(_ status: RehearsalStatus, observation: RehearsalObservation? = nil, failures: [String] = [],
                   skip: String? = nil, attempts: [RehearsalAttempt] = []) -> RehearsalCaseResult {
            RehearsalCaseResult(rehearsalCase: rehearsalCase, status: status, expected: expected, observation: observation,
                                failures: failures, skipReason: skip, attempts: attempts, notes: notes,
                                duration: ContinuousClock.now - started)
        }
        if let scenario = rehearsalCase.scenario {
            if case .refused(let reason) = target.scenarios {
                return ended(.skipped, skip: "needs an insi-sim scenario, but \(reason)")
            }
            if target.scenarios == .available {
                let admin = RehearsalScenarios(base: RehearsalTarget.base(of: target.endpoint), http: http)
                let prepared = RehearsalScenarios.prepare(scenario, caseID: rehearsalCase.id, idam: client.configuration.software.idam)
                do {
                    scenarioID = try await admin.add(prepared.scenario, id: prepared.id)
                    notes.append("scenario `\(scenarioID ?? prepared.id)` posted to /admin/scenarios: \(prepared.scenario.description)")
                } catch {
                    return ended(.failed, failures: ["the scenario could not be set up: \(error.description)"])
                }
            } else if rehearsalCase.otherTargets == .skip {
                return ended(.skipped, skip: "needs an insi-sim scenario; the target is \(target.detail)")
            } else {
                notes.append("run without its scenario: the target is not insi-sim and is expected to behave this way by itself")
            }
        }
        let (observation, attempts) = await execute(rehearsalCase, client: client)
        var failures = RehearsalComparison.differences(expected: expected, observation: observation, attempts: attempts)
        if let scenarioID {
            let admin = RehearsalScenarios(base: RehearsalTarget.base(of: target.endpoint), http: http)
            do {
                try await admin.delete(scenarioID)
                notes.append("scenario `\(scenarioID)` deleted")
            } catch {
                // Left in place, it would shape later calls: the rehearsal cannot be trusted past this case.
                failures.append("the scenario \(scenarioID) could not be deleted (\(error.description)): delete it by hand")
            }
        }
        return ended(failures.isEmpty ? .passed : .failed, observation: observation, failures: failures, attempts: attempts)
    }

    private func execute(_ rehearsalCase: RehearsalCase, client: INSiClient) async -> (RehearsalObservation, [RehearsalAttempt]) {
        let document = rehearsalCase.document
        switch (rehearsalCase.kind, rehearsalCase.request) {
        case (.lookup, .traits(let identity)):
            let result = await LookupProcedure.ans.run(for: identity, using: client)
            return (RehearsalComparison.observation(result, document: document), trail(result))
        case (_, .held(let held)):
            let result = await client.verify(held: held)
            return (RehearsalComparison.observation(result, document: document), trail(result.search))
        case (_, .traits(let traits)):
            return await single("traits call", sent: traits.description, document: document) { messageID async throws(INSiClientError) in
                try await client.searchByTraits(traits, messageID: messageID)
            }
        case (_, .vitale(let search)):
            return await single("vitale call", sent: search.trailText, document: document) { messageID async throws(INSiClientError) in
                try await client.searchByVitale(search, messageID: messageID)
            }
        }
    }

    private func trail(_ result: LookupResult) -> [RehearsalAttempt] {
        result.attempts.map { attempt in
            RehearsalAttempt(step: attempt.stepText, sent: attempt.traits.description, messageID: attempt.messageID,
                             code: attempt.code, answer: attempt.result.answerText, milliseconds: attempt.duration.milliseconds)
        }
    }

    private func single(_ step: String, sent: String, document: HighTrustDocument,
                        _ call: (String) async throws(INSiClientError) -> INSiAnswer) async -> (RehearsalObservation, [RehearsalAttempt]) {
        let messageID = INSiClient.newMessageID()
        let started = ContinuousClock.now
        let result: Result<INSiAnswer, INSiClientError>
        do {
            result = .success(try await call(messageID))
        } catch {
            result = .failure(error)
        }
        let duration = ContinuousClock.now - started
        let observation: RehearsalObservation
        switch result {
        case .success(let answer):
            if let identity = answer.outcome.identity {
                observation = RehearsalComparison.observation(identity, document: document)
            } else {
                observation = RehearsalObservation(answer: .code(answer.code), assessment: .noIdentity(document: document))
            }
        case .failure(let error):
            observation = RehearsalComparison.observation(error, status: IdentityStatus(hasINS: false, document: document))
        }
        let attempt = RehearsalAttempt(step: step, sent: sent, messageID: messageID, code: result.code,
                                       answer: result.answerText, milliseconds: duration.milliseconds)
        return (observation, [attempt])
    }
}
