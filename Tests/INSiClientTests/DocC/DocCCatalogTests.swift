import Foundation
import INSiClient
import INSiSOAP
import Testing

/// INSiClient's DocC catalog against the code: its samples are the code `DocCSampleTests` runs,
/// and its tables that repeat a catalogue of the code (warnings, errors, steps, statuses…) list
/// every case, with what the code says of it. `swift package generate-documentation
/// --warnings-as-errors` (in .ci/run) checks the symbol links.
@Suite("DocC catalog")
struct DocCCatalogTests {
    // MARK: Samples

    @Test("every Swift block of the catalog and of INSiClient's doc comments is a sample a test runs")
    func blocksAreSamples() throws {
        let regions = try DocCCatalog.sampleRegions()
        let imports = try DocCCatalog.sampleImports()
        var blocks = try DocCCatalog.articles().flatMap { article in article.swiftBlocks.map { (article.name + ".md", $0) } }
        blocks += try DocCCatalog.docCommentBlocks()
        for (file, block) in blocks {
            let lines = block.components(separatedBy: "\n")
            for line in lines where line.hasPrefix("import ") {
                #expect(imports.contains(String(line.dropFirst("import ".count))), "\(file): \(line) is not imported by the samples' tests")
            }
            let code = lines.filter { !$0.hasPrefix("import ") }.joined(separator: "\n").trimmingCharacters(in: .newlines)
            if code.isEmpty { continue }
            #expect(regions.contains { $0.code == code }, "\(file): this block is no sample of DocCSampleTests.swift:\n\(code)")
        }
    }

    @Test("every sample region is shown in the catalog or a doc comment, and its article names the test")
    func samplesAreShown() throws {
        let regions = try DocCCatalog.sampleRegions()
        #expect(Set(regions.map(\.name)).count == regions.count, "sample names are unique")
        let articles = try DocCCatalog.articles()
        let comments = try DocCCatalog.docCommentBlocks()
        for region in regions {
            let article = articles.first { $0.swiftBlocks.contains { Self.withoutImports($0) == region.code } }
            if let article {
                #expect(article.text.contains("`\(region.name)`"), "\(article.name).md shows \(region.name) without naming its test")
            } else {
                #expect(comments.contains { $0.code == region.code }, "the sample \(region.name) is shown nowhere")
            }
        }
    }

    @Test("the landing page links every article")
    func landingPageLinksArticles() throws {
        let landing = try DocCCatalog.article("INSiClient")
        for article in try DocCCatalog.articles() where article.name != "INSiClient" {
            #expect(landing.text.contains("<doc:\(article.name)>"), "INSiClient.md does not link \(article.name)")
        }
    }

    // MARK: Warnings

    @Test("the warnings table lists every IdentityWarning with its kind, its CNDA test and whether the INS stays usable")
    func warningsTable() throws {
        let rows = try DocCCatalog.article("Warnings").table(header: ["warning", "`kind`", "when", "CNDA", "INS usable", "what to do"])
        #expect(Set(rows.compactMap { DocCCatalog.member(of: "IdentityWarning", in: $0[0]) }) == Set(WarningCase.allCases.map(\.rawValue)))
        for warning in WarningCase.allCases {
            #expect(WarningCase(warning.example) == warning)
            let row = try #require(rows.first { DocCCatalog.member(of: "IdentityWarning", in: $0[0]) == warning.rawValue })
            #expect(row[1] == "`\(warning.example.kind)`")
            // The CNDA test the table names is the one the warning's message cites.
            let description = warning.example.description
            if let test = row[3].split(separator: " ").first {
                #expect(description.contains("CNDA \(test)"), "\(warning): the message cites no CNDA \(test)")
            } else {
                #expect(!description.contains("CNDA"), "\(warning): the message cites a CNDA test the table does not")
            }
            #expect(row[4] == (warning.example.makesINSUnusable ? "no" : "yes"), "\(warning): INS usable")
        }
    }

    @Test("the trait table names every TraitField with its element")
    func traitFieldsTable() throws {
        let rows = try DocCCatalog.article("Warnings").table(header: ["field", "element"])
        #expect(rows.compactMap { DocCCatalog.member(of: "TraitField", in: $0[0]) } == TraitField.allCases.map(\.rawValue))
        for row in rows {
            let field = try #require(DocCCatalog.member(of: "TraitField", in: row[0]).flatMap(TraitField.init(rawValue:)))
            #expect(row[1] == "`\(field.wireName)`")
        }
    }

    @Test("the birth place table lists every BirthPlaceAdvice")
    func birthPlaceTable() throws {
        let rows = try DocCCatalog.article("Warnings").table(header: ["advice", "when", "what to do"])
        #expect(Set(rows.compactMap { DocCCatalog.member(of: "BirthPlaceAdvice", in: $0[0]) })
            == Set(BirthPlaceAdviceCase.allCases.map(\.rawValue)))
        for advice in BirthPlaceAdviceCase.allCases {
            #expect(BirthPlaceAdviceCase(advice.example) == advice)
            #expect(BirthPlaceAdvice(birthPlace: advice == .postalCode ? "75015" : "75056") == advice.example)
        }
    }

    // MARK: Errors

    @Test("the client errors table lists every INSiClientError with its kind")
    func clientErrorsTable() throws {
        let rows = try DocCCatalog.article("HandlingErrors").table(header: ["error", "`kind`", "when", "what to change"])
        #expect(Set(rows.compactMap { DocCCatalog.member(of: "INSiClientError", in: $0[0]) })
            == Set(ClientErrorCase.allCases.map(\.rawValue)))
        for error in ClientErrorCase.allCases {
            #expect(ClientErrorCase(error.example) == error)
            let row = try #require(rows.first { DocCCatalog.member(of: "INSiClientError", in: $0[0]) == error.rawValue })
            #expect(row[1] == "`\(error.example.kind)`")
        }
    }

    @Test("the fault table gives the words each fault's description adds")
    func faultHintsTable() throws {
        let rows = try DocCCatalog.article("HandlingErrors").table(header: ["fault", "what the description adds"])
        #expect(!rows.isEmpty)
        for row in rows {
            let code = try #require(DocCCatalog.codes(in: row[0]).first)
            let fault = code.hasPrefix("desir_") ? CatalogueExamples.fault(detailCode: code) : CatalogueExamples.fault(detailCode: nil, subcode: code)
            #expect(INSiClientError.fault(fault).description.contains(row[1]), "\(code): the description does not say '\(row[1])'")
        }
    }

    @Test("the TLS errors table lists every TLSError")
    func tlsErrorsTable() throws {
        let rows = try DocCCatalog.article("HandlingErrors").table(header: ["error", "when", "what to change"])
        #expect(rows.compactMap { DocCCatalog.member(of: "TLSError", in: $0[0]) } == TLSErrorCase.allCases.map(\.rawValue))
        for error in TLSErrorCase.allCases {
            #expect(TLSErrorCase(error.example) == error)
            #expect(error.example.kind == error.rawValue)
        }
    }

    // MARK: The lookup procedure

    @Test("the steps table is LookupProcedure.ans, in order, each in its phase")
    func stepsTable() throws {
        let rows = try DocCCatalog.article("TheLookupProcedure").table(header: ["step", "phase", "sends"])
        let steps = try rows.map { try #require(DocCCatalog.member(of: "LookupStep", in: $0[0]).flatMap(LookupStep.init(rawValue:))) }
        #expect(steps == LookupProcedure.ans.steps)
        #expect(Set(steps) == Set(LookupStep.allCases))
        for (step, row) in zip(steps, rows) {
            #expect(row[1] == (step.isNarrowing ? "narrowing" : "searching"), "\(step)")
        }
    }

    @Test("the variants table is NameVariants.standard, in order, and each example is what its rule makes")
    func variantsTable() throws {
        let rows = try DocCCatalog.article("TheLookupProcedure").table(header: ["rule", "example"])
        let rules = try rows.map { try #require(DocCCatalog.member(of: "NameVariantRule", in: $0[0]).flatMap(NameVariantRule.init(rawValue:))) }
        #expect(rules == NameVariants.standard.rules)
        for (rule, row) in zip(rules, rows) {
            let names = DocCCatalog.codes(in: row[1])
            try #require(names.count == 2, "\(rule): `NAME` → `VARIANT`")
            #expect(rule.apply(to: names[0]) == names[1], "\(rule)")
            #expect(NameVariants.standard.variants(of: names[0]).contains { $0.name == names[1] }, "\(rule): a lookup tries it")
        }
    }

    @Test("the outcomes table lists every LookupOutcome")
    func outcomesTable() throws {
        let rows = try DocCCatalog.article("TheLookupProcedure").table(header: ["outcome", "when"])
        #expect(Set(rows.compactMap { DocCCatalog.member(of: "LookupOutcome", in: $0[0]) }) == Set(LookupOutcomeCase.allCases.map(\.rawValue)))
        #expect(LookupOutcomeCase.allCases.allSatisfy { LookupOutcomeCase($0.example) == $0 })
    }

    // MARK: Statuses and verification

    @Test("the statuses table is IdentityStatus(hasINS:document:), with the French names")
    func statusesTable() throws {
        let rows = try DocCCatalog.article("StatusesAndVerification").table(header: ["", "no INS", "INS from INSi"])
        let documents = try rows.map { try #require(DocCCatalog.member(of: "HighTrustDocument", in: $0[0]).flatMap(HighTrustDocument.init(rawValue:))) }
        #expect(Set(documents) == Set(HighTrustDocument.allCases))
        var seen: Set<IdentityStatus> = []
        for (document, row) in zip(documents, rows) {
            for (column, hasINS) in [(1, false), (2, true)] {
                let status = IdentityStatus(hasINS: hasINS, document: document)
                seen.insert(status)
                #expect(DocCCatalog.member(of: "IdentityStatus", in: row[column]) == status.rawValue, "\(document), hasINS \(hasINS)")
                #expect(row[column].contains("*\(status.frenchName)*"))
            }
        }
        #expect(seen == Set(IdentityStatus.allCases))
    }

    @Test("the assessment table is what the rules give, without and with a high-trust document")
    func assessmentTable() throws {
        let rows = try DocCCatalog.article("StatusesAndVerification").table(header: ["answer", "status", "INS", "next steps"])
        typealias Assess = (HighTrustDocument) -> [IdentityAssessment]
        let identity = CatalogueExamples.identity
        let unusable: [IdentityWarning] = [WarningCase.invalidKey.example, WarningCase.unknownOID.example, WarningCase.incoherentDates.example]
        let held = HeldIdentity(ins: HeldINS(matricule: "297022A020778"), traits: SearchTraits(birthName: "ADRTROIS", firstNames: ["DOMINIQUE"],
                                                                                             sex: .female, birthDate: "1997-02-26"))
        let none = LookupResult(outcome: .notFound(attempts: 1), attempts: [])
        let answers: [String: Assess] = [
            "00": { [.found(identity([]), document: $0)] },
            "00, traits differ": { [.found(identity([WarningCase.traitsDiffer.example]), document: $0)] },
            "00, a NIA": { [.found(identity([WarningCase.provisionalMatricule.example]), document: $0)] },
            "00, a key, OID or dates not usable": { document in unusable.map { .found(identity([$0]), document: document) } },
            "01 or 02": { document in
                [LookupOutcome.notFound(attempts: 1), .several(attempts: 1)].map { LookupResult(outcome: $0, attempts: []).assessment(document: document) }
                    + [INSiOutcome.notFound, .several].map {
                        INSiAnswer(outcome: $0, code: "01", label: "", messageID: "", httpStatus: 200, duration: .zero).assessment(document: document)
                    }
            },
            "verification KO": { [VerificationResult(held: held, outcome: .ko([.notFound], returned: nil), search: none).assessment(document: $0)] },
        ]
        #expect(Set(rows.map { $0[0] }) == Set(answers.keys).union(["no answer"]))
        for row in rows {
            if row[0] == "no answer" {
                // Nothing changes: the status the identity had, whatever it was.
                #expect(row[1] == "unchanged")
                for status in IdentityStatus.allCases {
                    let assessment = IdentityAssessment.noAnswer(status: status)
                    #expect(assessment.status == status)
                    #expect(row[2] == "`\(assessment.ins.kind)`")
                    #expect(DocCCatalog.codes(in: row[3]) == assessment.nextSteps.map(\.kind))
                }
                continue
            }
            let assess = try #require(answers[row[0]])
            let statuses = row[1].components(separatedBy: " / ").map { DocCCatalog.codes(in: $0) }
            let steps = row[3].components(separatedBy: " / ").map { DocCCatalog.codes(in: $0) }
            for (index, document) in [HighTrustDocument.notChecked, .checked].enumerated() {
                for assessment in assess(document) {
                    #expect(statuses[min(index, statuses.count - 1)] == [assessment.status.rawValue], "\(row[0]), \(document)")
                    #expect(row[2] == "`\(assessment.ins.kind)`", "\(row[0]), \(document)")
                    #expect(steps[min(index, steps.count - 1)] == assessment.nextSteps.map(\.kind), "\(row[0]), \(document)")
                }
            }
        }
    }

    @Test("the next steps table lists every NextStep")
    func nextStepsTable() throws {
        let rows = try DocCCatalog.article("StatusesAndVerification").table(header: ["next step", "what to do"])
        #expect(rows.compactMap { DocCCatalog.member(of: "NextStep", in: $0[0]) } == NextStepCase.allCases.map(\.rawValue))
        for step in NextStepCase.allCases {
            #expect(NextStepCase(step.example) == step)
            #expect(step.example.kind == step.rawValue)
        }
    }

    @Test("the verification table lists every VerificationReason")
    func verificationReasonsTable() throws {
        let rows = try DocCCatalog.article("StatusesAndVerification").table(header: ["reason", "when"])
        #expect(Set(rows.compactMap { DocCCatalog.member(of: "VerificationReason", in: $0[0]) }) == VerificationReason.kinds)
        #expect(rows.count == VerificationReason.kinds.count)
    }

    private static func withoutImports(_ block: String) -> String {
        block.components(separatedBy: "\n").filter { !$0.hasPrefix("import ") }.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
