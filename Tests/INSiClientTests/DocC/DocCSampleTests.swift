import Foundation
import INSiClient
import INSiCore
import Synchronization
import Testing

/// The code samples of INSiClient's DocC catalog, run against insi-sim in process. Each sample
/// sits between `// sample: NAME` and `// end of sample`; `DocCCatalogTests` checks that every
/// Swift block of the catalog (and of INSiClient's doc comments) is one of these regions, word
/// for word, so the documentation cannot drift from code that compiles and runs.
///
/// Samples print what they show: each test shadows `print` with a local function that collects
/// the lines, and checks them against what the article says.
@Suite("DocC samples")
struct DocCSampleTests {
    @Test("Getting started: configure a client, one traits search")
    func gettingStartedTraits() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            // sample: gettingStartedConfiguration
            let configuration = INSiClientConfiguration(
                endpoint: endpoint,
                software: SoftwareContext(idam: "TESTIDAM0001", version: "1.0.0", name: "urn:lps:exemple:1.0.0"),
                emitter: ProfessionalID.example,
                timeout: .seconds(10))
            let client = INSiClient(configuration: configuration)
            // end of sample
            #expect(client.configuration.software.idam == "TESTIDAM0001")
            #expect(ProfessionalID.isValid(client.configuration.emitter))
            // sample: gettingStartedTraits
            do {
                let answer = try await client.searchByTraits(
                    SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26"))
                switch answer.outcome {
                case .found(let identity):
                    print("INS", identity.active.matricule, identity.active.key ?? "-", identity.active.oid)
                    print("warnings", identity.warnings.map(\.kind))
                case .notFound:
                    print("01: no identity has these traits")
                case .several:
                    print("02: several identities have these traits")
                }
                print("CodeCR", answer.code, answer.label, answer.messageID)
            } catch {
                print("no answer:", error)
            }
            // end of sample
        }
        #expect(printed.lines.count == 3)
        #expect(printed.lines.prefix(2) == ["INS 297022A020778 78 1.2.250.1.213.1.4.8", "warnings []"])
        #expect(printed.lines.last?.hasPrefix("CodeCR 00 OK uuid:") == true)
    }

    @Test("Getting started: a Vitale search compared with the local identity")
    func gettingStartedVitale() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: gettingStartedVitale
            let card = VitaleSearch(ouvrantDroit: "2840263113061", ouvrantDroitKey: "73", birthDate: "2016-09-05", rank: 2)
            let local = SearchTraits(birthName: "GARNIER", firstNames: ["HUGO"], sex: .male, birthDate: "2016-09-05")
            let answer = try await client.searchByVitale(card, local: local)
            if case .found(let identity) = answer.outcome {
                print(identity.traits.firstNames, identity.active.matricule, identity.warnings.isEmpty)
            } else if answer.code == "01" {
                // INSi answers a plain 01 to a key that fails the key rule: say which one.
                card.keyMismatches.forEach { print($0) }
            }
            // end of sample
        }
        #expect(printed.lines == [#"["HUGO"] 1160963113149 true"#])
    }

    @Test("Getting started: reading an answer, its history, traits, warnings and assessment")
    func gettingStartedAnswer() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: gettingStartedAnswer
            let answer = try await client.searchByTraits(
                SearchTraits(birthName: "ECETINSI", firstNames: ["PIERRE-ALAIN"], sex: .male, birthDate: "2009-07-14"))
            if let identity = answer.outcome.identity {
                let active = identity.active   // INSACTIF: the INS to store, if the warnings allow it
                print(active.matricule, active.key ?? "-", active.oid)
                for past in identity.history {   // INSHISTO: previous matricules of the person
                    print("previous", past.matricule, past.dateStart ?? "-", past.dateEnd ?? "-")
                }
                print(identity.traits.birthName ?? "-", identity.traits.firstNames, identity.traits.birthPlace ?? "-")
                identity.warnings.forEach { print($0.kind) }
                let assessment = answer.assessment(document: .notChecked)
                print(assessment.status, "/", assessment.ins)
            }
            // end of sample
        }
        #expect(printed.lines == [
            "1090763220834 89 1.2.250.1.213.1.4.8",
            "previous 2090763220834 2019-03-01 2019-02-28",
            #"ECETINSI ["PIERRE-ALAIN", "MURIEL", "FLORIANT"] 63220"#,
            "incoherentDates",
            "traitsDiffer",
            "provisoire (provisional) / INS not usable (incoherentDates)",
        ])
    }

    @Test("The lookup procedure: the trail of a hyphenated birth name found through a variant")
    func lookupTrail() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: lookupTrail
            let local = SearchTraits(birthName: "MARTIN-DURAND", firstNames: ["CAMILLE"], sex: .female,
                                     birthDate: "1985-04-12", birthPlace: "33063")
            let result = await LookupProcedure.ans.run(for: local, using: client)
            for attempt in result.attempts {
                print(attempt.stepText, "|", attempt.traits, "|", attempt.result.answerText, "|", attempt.messageID)
            }
            switch result.outcome {
            case .found(let identity): print("found", identity.active.matricule, identity.warnings.map(\.kind))
            case .notFound(let attempts): print("none after \(attempts) calls")
            case .several(let attempts): print("still several after \(attempts) calls")
            case .failed(let error): print("stopped:", error)
            }
            // end of sample
        }
        // The MessageIDs are fresh: compare what comes before them.
        let withoutIDs = printed.lines.map { $0.components(separatedBy: " | uuid:").first ?? $0 }
        #expect(withoutIDs == [
            "first first name | MARTIN-DURAND / CAMILLE / F / 1985-04-12 | 01 Aucune identite trouvee",
            "birth name variant (hyphensToSpace) | MARTIN DURAND / CAMILLE / F / 1985-04-12 | 00 OK",
            #"found 2850433063114 ["traitsDiffer"]"#,
        ])
        #expect(printed.lines.prefix(2).allSatisfy { $0.contains(" | uuid:") })
    }

    @Test("The lookup procedure: the ANS order against the birth place first")
    func lookupReordered() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: lookupReordered
            let leonardo = SearchTraits(birthName: "DE VINCI", firstNames: ["LEONARDO", "PIERO"], sex: .male,
                                        birthDate: "2014-02-01", birthPlace: "75115")
            let placeFirst = LookupProcedure(steps: [.firstFirstName, .addBirthPlace, .addOtherFirstNames])
            for procedure in [LookupProcedure.ans, placeFirst] {
                let result = await procedure.run(for: leonardo, using: client)
                print(result.attempts.map(\.code), result.identity?.active.matricule ?? "-")
            }
            // end of sample
        }
        #expect(printed.lines == [#"["02", "00"] 1140275115001"#, #"["02", "02", "00"] 1140275115001"#])
    }

    @Test("The lookup procedure: a dry run with a stand-in that answers 01")
    func lookupDryRun() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        // sample: lookupDryRun
        struct NobodyHome: INSiTraitsSearching {
            func searchByTraits(_ traits: SearchTraits, messageID: String) async throws(INSiClientError) -> INSiAnswer {
                INSiAnswer(outcome: .notFound, code: "01", label: "Aucune identite trouvee", messageID: messageID,
                           httpStatus: 200, duration: .zero)
            }
        }
        let dryRun = await LookupProcedure.ans.run(
            for: SearchTraits(birthName: "N'DIAYE", firstNames: ["AWA", "MARIE"], sex: .female, birthDate: "1990-01-01"),
            using: NobodyHome())
        dryRun.attempts.forEach { print($0.stepText, "|", $0.traits.birthName, "|", $0.traits.firstNames) }
        // end of sample
        #expect(dryRun.outcome == .notFound(attempts: 9))
        #expect(printed.lines == [
            #"first first name | N'DIAYE | ["AWA"]"#,
            #"birth name variant (apostropheRemoved) | NDIAYE | ["AWA"]"#,
            #"birth name variant (apostropheToSpace) | N DIAYE | ["AWA"]"#,
            #"other first name | N'DIAYE | ["MARIE"]"#,
            #"other first name (apostropheRemoved) | NDIAYE | ["MARIE"]"#,
            #"other first name (apostropheToSpace) | N DIAYE | ["MARIE"]"#,
            #"first-name list | N'DIAYE | ["AWA", "MARIE"]"#,
            #"first-name list (apostropheRemoved) | NDIAYE | ["AWA", "MARIE"]"#,
            #"first-name list (apostropheToSpace) | N DIAYE | ["AWA", "MARIE"]"#,
        ])
    }

    @Test("Statuses: a NIA, without and with a high-trust document")
    func statusesAssessment() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: statusesAssessment
            let result = await LookupProcedure.ans.run(
                for: SearchTraits(birthName: "PROVISOIRE", firstNames: ["MATRICULE"], sex: .male, birthDate: "2009-07-01"),
                using: client)
            for document in [HighTrustDocument.notChecked, .checked] {
                let assessment = result.assessment(document: document)
                print(assessment.status, "|", assessment.ins, "|", assessment.isWaitingNumber, "|", assessment.nextSteps.map(\.kind))
            }
            // end of sample
        }
        #expect(printed.lines == [
            #"récupérée (retrieved) | INS usable | true | ["checkIdentityDocument", "verifyLater"]"#,
            #"qualifiée (qualified) | INS usable | true | ["verifyLater", "shareINS"]"#,
        ])
    }

    @Test("Verification: TCHITCHI held with one first name is KO")
    func statusesVerify() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: statusesVerify
            let held = HeldIdentity(
                ins: HeldINS(matricule: "2360663220836", key: "56"),
                traits: SearchTraits(birthName: "TCHITCHI", firstNames: ["CATARINA"], sex: .female, birthDate: "1936-06-21"))
            let verification = await client.verify(held: held)
            switch verification.outcome {
            case .ok(let identity): print("OK", identity.active.matricule)
            case .ko(let reasons, _): reasons.forEach { print("KO:", $0) }
            case .failed(let error): print("not made:", error)
            }
            let after = verification.assessment(document: .notChecked)
            print(after.status, "| work list:", after.workList)
            // end of sample
        }
        #expect(printed.lines == [
            "KO: the traits differ: Prenom/ListePrenom held 'CATARINA', INSi 'CATARINA BELLA'",
            "provisoire (provisional) | work list: true",
        ])
    }

    @Test("Warnings: HERMANN GATIEN's keys fail the key rule (CNDA 2.08 cas 2)")
    func warningsInvalidKey() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: warningsInvalidKey
            let answer = try await client.searchByTraits(
                SearchTraits(birthName: "HERMANN", firstNames: ["GATIEN"], sex: .male, birthDate: "1981-03-24"))
            for warning in answer.outcome.identity?.warnings ?? [] {
                switch warning {
                case .invalidKey, .unknownOID, .incoherentDates:
                    print("do not store this INS:", warning)
                case .provisionalMatricule:
                    print("a waiting number, verify it again later:", warning)
                case .traitsDiffer(let differences):
                    print("check a document:", differences.map(\.field))
                }
            }
            // end of sample
        }
        #expect(printed.lines.count == 3)
        #expect(printed.lines.allSatisfy { $0.hasPrefix("do not store this INS:") && $0.contains("CNDA 2.08") })
        #expect(printed.lines.first?.contains("INSACTIF 1810363220456: key 60 does not follow the key rule (expected 76)") == true)
    }

    @Test("Warnings: a postal code sent as birth place, and the advice")
    func warningsBirthPlace() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        let attempts = try await TestServer.with { endpoint in
            let client = TestServer.client(endpoint)
            // sample: warningsBirthPlace
            let result = await LookupProcedure.ans.run(
                for: SearchTraits(birthName: "DE VINCI", firstNames: ["LEONARDO"], sex: .male, birthDate: "2014-02-01",
                                  birthPlace: "75015"),
                using: client)
            for attempt in result.attempts {
                if let advice = attempt.birthPlaceAdvice { print(attempt.stepText, "→", advice) }
            }
            // end of sample
            return result.attempts
        }
        #expect(attempts.map(\.code) == ["02", "01"])
        #expect(attempts.last?.birthPlaceAdvice == .postalCode(sent: "75015", city: .paris, arrondissement: 15, cog: "75115"))
        #expect(printed.lines.count == 1)
        #expect(printed.lines.first?.hasPrefix("02: add birth place → LieuNaissance 75015 is the postal code of Paris 15e") == true)
        #expect(printed.lines.first?.hasSuffix("search again with 75115") == true)
    }

    @Test("Errors: an unknown approval number is the fault siram_100/desir_550")
    func errorsFault() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        try await TestServer.with(authorizedIDAMs: ["TESTIDAM0001"]) { endpoint in
            let client = TestServer.client(endpoint, idam: "UNKNOWN00042")
            // sample: errorsFault
            do throws(INSiClientError) {
                let answer = try await client.searchByTraits(
                    SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26"))
                print(answer.code)
            } catch {
                switch error {
                case .fault(let fault):
                    print("fault", fault.subcode ?? "-", fault.detailCode ?? "-", fault.messageID ?? "-")
                case .timeout, .transport, .cancelled:
                    print("no answer: the identity keeps its status; call again later")
                case .tls(_, let tlsError):
                    print("fix the TLS configuration:", tlsError.kind)
                case .unexpectedStatus, .unreadableAnswer:
                    print("not an INSi answer:", error.bodyText ?? "")
                }
                print(error)
            }
            // end of sample
        }
        #expect(printed.lines.count == 2)
        #expect(printed.lines.first?.hasPrefix("fault siram_100 desir_550 uuid:") == true)
        #expect(printed.lines.last?.hasSuffix("Check the software approval number (IDAM) the software sends") == true)
    }

    @Test("RehearsalRunner's doc comment: a pack run, its Markdown report written")
    func rehearsalRunner() async throws {
        let printed = Printed()
        @Sendable func print(_ items: Any...) { printed.add(items) }
        let folder = try RehearsalTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let packFile = folder.appendingPathComponent("pack.json")
        let reportFile = folder.appendingPathComponent("report.md")
        try Data(Self.onePack.utf8).write(to: packFile)
        try await TestServer.with { endpoint in
            let software = SoftwareContext(idam: "TESTIDAM0001", version: "1.0.0", name: "urn:lps:exemple:1.0.0")
            // sample: rehearsalRunner
            let pack = try RehearsalPack.load(from: packFile)   // e.g. Resources/rehearsal/default-pack.json
            let runner = RehearsalRunner(configuration: RehearsalConfiguration(endpoint: endpoint, software: software))
            let report = try await runner.run(pack) { print($0.line) }   // throws when nothing answers at the endpoint
            try RehearsalMarkdownReport.render(report).write(to: reportFile, atomically: true, encoding: .utf8)
            // end of sample
        }
        #expect(printed.lines.count == 1)
        #expect(printed.lines.first?.hasPrefix("PASS lookup-houilles-not-found: 01") == true)
        let markdown = try String(contentsOf: reportFile, encoding: .utf8)
        #expect(markdown.hasPrefix("# INSi rehearsal report"))
        #expect(markdown.contains("lookup-houilles-not-found"))
    }

    /// A pack of one lookup case, in the form of the default pack's.
    static let onePack = """
        { "format": "insi-sim-rehearsal", "version": 1,
          "cases": [ { "id": "lookup-houilles-not-found", "title": "HOUILLES: every first name and the list give 01",
                       "exercises": "lookup: no identity", "kind": "lookup",
                       "identity": { "birthName": "HOUILLES", "firstNames": ["PIERRE", "PAUL", "JACQUES"], "sex": "M", "birthDate": "1993-01-27" },
                       "expect": { "code": "01", "attempts": 4 } } ] }
        """
}

/// The HTTPS sample needs the TLS peer and the test PKI, as the TLS client tests do.
@Suite("DocC samples over TLS", .enabled(if: TLSPeer.toolsPresent, "needs python3 (the TLS peer) and openssl (the test PKI)"))
struct DocCTLSSampleTests {
    @Test("Getting started: the same client over HTTPS with the organisation certificate")
    func gettingStartedHTTPS() async throws {
        let (code, log) = try await TLSClientTests.withPeer { pki, peer in
            let client = TestServer.client(peer.endpoint)
            let httpsEndpoint = peer.endpoint
            let certificateFile = pki.insiAuto.pkcs12
            let certificatePassword = TestPKI.password
            let caFile = pki.ca
            // sample: gettingStartedHTTPS
            var secure = client.configuration
            secure.endpoint = httpsEndpoint
            secure.tls = ClientTLSConfiguration(
                certificate: .pkcs12(certificateFile, password: certificatePassword),
                serverTrust: .certificateAuthorities(caFile))
            try secure.tls.check()   // a missing or malformed file is named now, not at the first call
            let secureClient = INSiClient(configuration: secure)
            let answer = try await secureClient.searchByTraits(
                SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"], sex: .female, birthDate: "1997-02-26"))
            // end of sample
            return (answer.code, peer.log)
        }
        #expect(code == "00")
        #expect(log == ["accepted CN=INSI-AUTO"], "the server saw the organisation certificate")
    }
}

/// The lines a sample printed, each as `print` would write it (items separated by spaces).
/// Sendable because a sample may print from a `@Sendable` closure (a rehearsal's progress).
final class Printed: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    func add(_ items: [Any]) {
        let line = items.map { String(describing: $0) }.joined(separator: " ")
        storage.withLock { $0.append(line) }
    }
}
