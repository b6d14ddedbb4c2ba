import Foundation
import INSiSOAP
import Testing
import TestSupport

/// Our answers against the recorded answers of the real service and the CNDA files
/// (`Tests/Fixtures/conformance`), over TCP through the real server:
/// - byte for byte: asked the question behind a recording, the simulator answers its bytes;
/// - as a raw-text client reads them (regular expressions on the text);
/// - by structure (names, namespaces, order, text, attributes; prefixes, white space, comments
///   and unused namespace declarations do not count), which also covers the CNDA files that the
///   default base answers like the qualification service, with the differences that are on purpose.
@Suite("Conformance with the recorded answers and the CNDA files")
struct ConformanceTests {
    /// What differences a structural comparison tolerates, each for a documented reason.
    struct Tolerance: Sendable {
        /// The CNDA files write `TIQ/Prenom`; the qualification service, hence the simulator, does not.
        var theirsHasPrenom = false
        /// The CNDA 2.04 file writes DateDeb/DateFin before IdIndividu, against the XSD order the real
        /// service follows (recorded-00-ecetinsi): compare the children of an INS as a set.
        var insChildrenUnordered = false
        /// The CNDA 2.04 file adds a second INSHISTO to the one the qualification service answers:
        /// ours must be its first ones, in order.
        var oursHistoryIsPrefix = false
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var request: @Sendable () -> INSiRequest
        var authorizedIDAMs: Set<String> = []
        var tolerance = Tolerance()
        var testDescription: String { file }
        var isRecording: Bool { file.hasPrefix("recorded-") }
    }

    /// The MessageID of the recorded fault's request.
    static let recordedMessageID = "uuid:b3549edd-4ae9-472a-b26f-fd2fb4ef397f"

    static let cases: [Case] = [
        Case(file: "cnda-test-2.04-cas2-inshisto.xml", request: { Requests.traits("ECETINSI", ["PIERRE-ALAIN"], "M", "2009-07-14") },
             tolerance: Tolerance(theirsHasPrenom: true, insChildrenUnordered: true, oursHistoryIsPrefix: true)),
        Case(file: "cnda-test-2.05-nia.xml", request: { Requests.traits("PROVISOIRE", ["MATRICULE"], "M", "2009-07-01") },
             tolerance: Tolerance(theirsHasPrenom: true)),
        Case(file: "cnda-test-2.08-cas1-corse.xml", request: { Requests.traits("CORSE", ["ANTHONY"], "M", "1980-03-02") },
             tolerance: Tolerance(theirsHasPrenom: true)),
        Case(file: "cnda-test-2.08-cas2-hermann.xml", request: { Requests.traits("HERMANN", ["GATIEN"], "M", "1981-03-24") },
             tolerance: Tolerance(theirsHasPrenom: true)),
        Case(file: "recorded-00-adrtrois-dominique.xml", request: { Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26") }),
        Case(file: "recorded-00-adrtrois-toussaint.xml", request: { Requests.traits("ADRTROIS", ["TOUSSAINT"], "M", "1960-01-01") }),
        Case(file: "recorded-00-ecetinsi-pierre-alain.xml", request: { Requests.traits("ECETINSI", ["PIERRE-ALAIN"], "M", "2009-07-14") }),
        Case(file: "recorded-00-tchitchi-catarina.xml", request: { Requests.traits("TCHITCHI", ["CATARINA"], "F", "1936-06-21") }),
        Case(file: "recorded-01-no-identity.xml", request: { Requests.traits("HOUILLES", ["PIERRE", "PAUL", "JACQUES"], "M", "1993-01-27") }),
        Case(file: "recorded-02-de-vinci-leonardo.xml", request: { Requests.traits("DE VINCI", ["LEONARDO"], "M", "2014-02-01") }),
        Case(file: "recorded-fault-siram100-desir550-unknown-idam.xml",
             request: { Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26", idam: "UNKNOWN", messageID: recordedMessageID) },
             authorizedIDAMs: ["TESTIDAM0001"]),
    ]

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestPaths.conformance.appendingPathComponent(name)))
    }

    /// The bytes the service sends for a recording. The 01 file has `\r\n` after its XML
    /// declaration because it reached the recording client through a file it substitutes (see
    /// the fixtures' README); the service, like the other recordings, has `\n`.
    static func recordedBytes(_ name: String) throws -> [UInt8] {
        var bytes = try fixture(name)
        let declaration = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        if bytes.starts(with: declaration + [0x0D, 0x0A]) { bytes.remove(at: declaration.count) }
        return bytes
    }

    /// Where two byte strings first differ, with some context, for a readable failure.
    static func difference(_ ours: [UInt8], _ theirs: [UInt8]) -> String {
        let index = (0..<min(ours.count, theirs.count)).first { ours[$0] != theirs[$0] } ?? min(ours.count, theirs.count)
        func around(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[max(0, index - 40)..<min(bytes.count, index + 40)], as: UTF8.self)
        }
        return "first difference at byte \(index) of \(ours.count) (ours) / \(theirs.count) (recorded):\n ours:     …\(around(ours))…\n recorded: …\(around(theirs))…"
    }

    @Test("every conformance fixture is covered")
    func coverage() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPaths.conformance.path).filter { $0.hasSuffix(".xml") }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }

    @Test("the fixtures are byte for byte the files of ../shared/conformance",
          .enabled(if: TestPaths.hasSharedConformance, "../shared/conformance is not beside the repository (a fresh clone)"))
    func fixturesMatchShared() throws {
        let shared = TestPaths.sharedConformance
        let files = try FileManager.default.subpathsOfDirectory(atPath: shared.path).filter { $0.hasSuffix(".xml") }
        #expect(!files.isEmpty)
        for file in files {
            #expect(try Self.fixture(file) == Array(Data(contentsOf: shared.appendingPathComponent(file))), "\(file)")
        }
    }

    @Test("the same question gives the recorded answer byte for byte", arguments: cases.filter(\.isRecording))
    func bytes(_ testCase: Case) async throws {
        let recorded = try Self.recordedBytes(testCase.file)
        try await withTestSimulator(TestSimulator(authorizedIDAMs: testCase.authorizedIDAMs)) { server in
            let response = try await server.call(testCase.request())
            #expect(response.body == recorded, "\(testCase.file): \(Self.difference(response.body, recorded))")
            #expect(response.status == (testCase.file.contains("fault") ? 500 : 200))
            #expect(response.header("Content-Type") == INSiResponseWriter.contentType)
        }
    }

    @Test("the same question gives a structurally equal answer", arguments: cases)
    func structure(_ testCase: Case) async throws {
        let recorded = try SafeXMLReader.read(Self.fixture(testCase.file)).get()
        try await withTestSimulator(TestSimulator(authorizedIDAMs: testCase.authorizedIDAMs)) { server in
            let response = try await server.call(testCase.request())
            let ours = try SafeXMLReader.read(response.body).get()
            let differences = StructuralDiff.compare(ours: ours, recorded: recorded, tolerance: testCase.tolerance)
            #expect(differences.isEmpty, "\(testCase.file):\n\(differences.joined(separator: "\n"))")
        }
    }

    @Test("the Vitale sample request finds ADRTROIS DOMINIQUE, answered with the recorded bytes")
    func vitaleSample() async throws {
        let body = try Self.fixture("requests/vitale-sample.xml")
        try await withTestSimulator { server in
            let response = try await server.post("/lps", body: body, headers: [("Content-Type", INSiRequestWriter.contentType(for: .vitaleSearch))])
            let recorded = try Self.recordedBytes("recorded-00-adrtrois-dominique.xml")
            #expect(response.body == recorded, "\(Self.difference(response.body, recorded))")
        }
    }

    @Test("the comparison itself catches a difference")
    func comparisonFails() throws {
        let a = try SafeXMLReader.read(Array(#"<r xmlns="urn:x"><a>1</a><b>2</b></r>"#.utf8)).get()
        let b = try SafeXMLReader.read(Array(#"<p:r xmlns:p="urn:x"><p:b>2</p:b><p:a>1</p:a></p:r>"#.utf8)).get()
        let c = try SafeXMLReader.read(Array(#"<p:r xmlns:p="urn:x">  <p:a>1</p:a>  <p:b>2</p:b></p:r>"#.utf8)).get()
        #expect(!StructuralDiff.compare(ours: a, recorded: b, tolerance: Tolerance()).isEmpty)
        #expect(StructuralDiff.compare(ours: a, recorded: c, tolerance: Tolerance()).isEmpty)
        #expect(Self.difference(Array("abcd".utf8), Array("abXd".utf8)).hasPrefix("first difference at byte 2"))
    }
}

/// Structural comparison of two parsed documents.
enum StructuralDiff {
    static func compare(ours: XMLTreeElement, recorded: XMLTreeElement, tolerance: ConformanceTests.Tolerance, path: String = "") -> [String] {
        let here = "\(path)/\(ours.name)"
        var differences: [String] = []
        guard ours.name == recorded.name, ours.namespace == recorded.namespace else {
            return ["\(here): ours {\(ours.namespace)}\(ours.name), recorded {\(recorded.namespace)}\(recorded.name)"]
        }
        let attributes = { (e: XMLTreeElement) in e.attributes.filter { !$0.key.hasPrefix("xmlns") } }
        if attributes(ours) != attributes(recorded) {
            differences.append("\(here): attributes ours \(attributes(ours)), recorded \(attributes(recorded))")
        }
        if ours.children.isEmpty && recorded.children.isEmpty && ours.value != recorded.value {
            differences.append("\(here): text ours '\(ours.value)', recorded '\(recorded.value)'")
        }
        let mine = ours.children
        var theirs = recorded.children
        if tolerance.theirsHasPrenom && ours.name == "TIQ" && !mine.contains(where: { $0.name == "Prenom" }) {
            theirs.removeAll { $0.name == "Prenom" }
        }
        var sortedMine = mine
        if tolerance.insChildrenUnordered && (ours.name == "INSACTIF" || ours.name == "INSHISTO") {
            sortedMine.sort { $0.name < $1.name }
            theirs.sort { $0.name < $1.name }
        }
        if tolerance.oursHistoryIsPrefix && ours.name == "INDIVIDU" {
            let ourHistory = mine.filter { $0.name == "INSHISTO" }.count
            var kept = 0
            theirs.removeAll { element in
                guard element.name == "INSHISTO" else { return false }
                kept += 1
                return kept > ourHistory
            }
        }
        guard sortedMine.map(\.name) == theirs.map(\.name) else {
            return differences + ["\(here): children ours \(sortedMine.map(\.name)), recorded \(theirs.map(\.name))"]
        }
        for (a, b) in zip(sortedMine, theirs) {
            differences += compare(ours: a, recorded: b, tolerance: tolerance, path: here)
        }
        return differences
    }
}
