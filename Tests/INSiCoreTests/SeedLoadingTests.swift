import Foundation
import Testing
import TestSupport
@testable import INSiCore

/// The byte-level seed reader (`SeedParser`) against what JSONDecoder made of the same files.
@Suite("Seed file reader")
struct SeedLoadingTests {
    /// The old way: JSONDecoder into `SeedFile`, then validation.
    static func decoded(_ data: Data) throws -> ReferenceBase {
        do {
            return try JSONDecoder().decode(SeedFile.self, from: data).base()
        } catch let error as DecodingError {
            throw SeedError(decoding: error)
        }
    }

    static func message(_ body: () throws -> ReferenceBase) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    @Test("a generated base read in chunks gives the same identities and cards as JSONDecoder")
    func sameAsDecoder() async throws {
        // 6,000 identities: about 1.3 MB, more than one read chunk, so tokens straddle refills.
        // Seconds of CPU: off the cooperative pool, which the tests beside it need.
        let (parsed, decoded) = try await offPool {
            let (path, _) = try SeedGenerationTests.generate(count: 6_000, seed: 5)
            defer { try? FileManager.default.removeItem(atPath: path) }
            return (try SeedFile.load(path: path, progress: .none), try Self.decoded(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        #expect(parsed.identities == decoded.identities)
        #expect(parsed.cards == decoded.cards)
    }

    @Test("the default base reads the same both ways")
    func defaultBase() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: SeededCase.seedPath))
        let parsed = try SeedFile.load(data: data, progress: .none)
        let decoded = try Self.decoded(data)
        #expect(parsed.identities == decoded.identities)
        #expect(parsed.cards == decoded.cards)
    }

    @Test("escapes, null, unknown keys, white space and key order are read as JSON says")
    func jsonDetails() throws {
        let json = #"""
        { "vitaleCards": null, "comment": {"nested": [1, 2.5e3, true, null, "x\"y"]},
          "identities": [
            { "note": "caf\u00e9 \ud83d\ude00 \"quoted\" \\ \/ \n", "birthName": "D\u0027ALMEIDA", "firstNames": ["MANUEL"],
              "sex": "M", "birthDate": "1966-10-03", "birthPlace": null, "keyCheck": true, "history": null, "extra": [{}],
              "ins": { "oid": "1.2.250.1.213.1.4.8", "matricule": "1661099139102", "key": null } } ],
          "version": 1.0, "format": "insi-sim-base" }
        """#
        let parsed = try SeedFile.load(data: Data(json.utf8), progress: .none)
        let decoded = try Self.decoded(Data(json.utf8))
        #expect(parsed.identities == decoded.identities)
        let identity = try #require(parsed.identities.first)
        #expect(identity.traits.birthName == "D'ALMEIDA")
        #expect(identity.note == "café 😀 \"quoted\" \\ / \n")
    }

    @Test("wrong types are worded as JSONDecoder worded them", arguments: [
        #"{"format": "insi-sim-base", "version": 1, "identities": [{"birthName": "A", "sex": 1}]}"#,
        #"{"format": "insi-sim-base", "version": 1, "identities": [{"birthName": "A", "firstNames": ["B", 3]}]}"#,
        #"{"format": "insi-sim-base", "version": 1, "identities": [{"ins": {"matricule": "1", "key": 60}}]}"#,
        #"{"format": "insi-sim-base", "version": 1, "identities": [{}, {"history": [{"matricule": 1}]}]}"#,
        #"{"format": "insi-sim-base", "version": 1, "identities": [{"keyCheck": "no"}]}"#,
        #"{"format": "insi-sim-base", "version": 1, "vitaleCards": [{"beneficiaries": [{"rank": "1"}]}]}"#,
        #"{"format": "insi-sim-base", "version": "1"}"#,
        #"{"format": "insi-sim-base", "version": 1, "identities": {}}"#,
    ])
    func typeMessages(json: String) {
        let parsed = Self.message { try SeedFile.load(data: Data(json.utf8), progress: .none) }
        let decoded = Self.message { try Self.decoded(Data(json.utf8)) }
        #expect(parsed != nil)
        #expect(parsed == decoded)
    }

    @Test("a record that is not an object: 'expected an object' (JSONDecoder said 'a list', a dictionary being a collection)")
    func recordNotAnObject() {
        let json = #"{"format": "insi-sim-base", "version": 1, "identities": [3]}"#
        let parsed = Self.message { try SeedFile.load(data: Data(json.utf8), progress: .none) }
        #expect(parsed == "the seed file is not valid JSON for the base format: record 1, field : expected an object")
    }

    @Test("malformed JSON is refused as such, with where", arguments: [
        "", "{", #"{"format": }"#, #"{"format": "x",}"#, #"{"a": "unterminated}"#, #"{"a": tru}"#, #"{"a": 01}"#,
        #"{"a": 1} x"#, "{\"a\": \"tab\there\"}", #"{"a": "\x"}"#, #"{"a": "\ud800"}"#,
    ])
    func malformed(json: String) {
        do {
            _ = try SeedFile.load(data: Data(json.utf8), progress: .none)
            Issue.record("accepted \(json)")
        } catch {
            guard case .malformedJSON = error else { Issue.record("\(json): \(error)"); return }
        }
    }

    /// Found by fuzz-seed: a byte that is not UTF-8 in an unknown key (`"hist\u{8C}ry"`) was
    /// skipped with the key, where JSONDecoder refuses the file.
    @Test("a key that is not UTF-8 is refused as JSONDecoder refuses it")
    func keyNotUTF8() {
        var json = Array(#"{"format": "insi-sim-base", "version": 1, "identities": [{"birthName": "A", "hist"#.utf8)
        json += [0x8C] + Array(#"ry": []}]}"#.utf8)
        #expect(Self.message { try Self.decoded(Data(json)) } != nil)
        do {
            _ = try SeedFile.load(data: Data(json), progress: .none)
            Issue.record("accepted a key that is not UTF-8")
        } catch {
            guard case .malformedJSON(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("not valid UTF-8"))
        }
    }

    /// Found by fuzz-seed: with a key twice in a record, JSONDecoder kept the first value and
    /// this reader the last, silently.
    @Test("a key twice in one object is refused, naming it", arguments: [
        #"{"format": "insi-sim-base", "version": 1, "identities": [{"birthName": "A", "birthDate": "1990-01-01", "birthDate": "1991-01-01"}]}"#,
        #"{"format": "insi-sim-base", "format": "insi-sim-base", "version": 1}"#,
        #"{"format": "insi-sim-base", "version": 1, "vitaleCards": [{"ouvrantDroit": {"matricule": "1", "matricule": "2"}}]}"#,
    ])
    func duplicateKey(json: String) {
        do {
            _ = try SeedFile.load(data: Data(json.utf8), progress: .none)
            Issue.record("accepted \(json)")
        } catch {
            guard case .malformedJSON(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("appears twice"), "\(reason)")
        }
    }

    @Test("error precedence: JSON errors, then the header, then the first invalid record, duplicates in file order")
    func precedence() {
        let good = { (name: String, matricule: String) in
            #"{"birthName": "\#(name)", "firstNames": ["ANNE"], "sex": "F", "birthDate": "1990-01-01", "ins": {"matricule": "\#(matricule)", "oid": "1.2.250.1.213.1.4.8"}}"#
        }
        let bad = #"{"birthName": "bad", "firstNames": ["ANNE"], "sex": "F", "birthDate": "1990-01-01"}"#
        func load(_ records: [String], header: String = #""format": "insi-sim-base", "version": 1"#, tail: String = "") -> String? {
            let json = "{\(header), \"identities\": [\(records.joined(separator: ","))]\(tail)}"
            return Self.message { try SeedFile.load(data: Data(json.utf8), progress: .none) }
        }
        #expect(load([bad], tail: ", \"x\": tru")?.contains("not valid JSON") == true)
        #expect(load([bad], header: #""format": "other", "version": 1"#)?.contains("header is wrong") == true)
        // A duplicate (record 3) before an invalid record (4) wins, and the reverse.
        let duplicateFirst = load([good("A", "2900175056001"), good("B", "2900175056002"), good("C", "2900175056001"), bad])
        #expect(duplicateFirst?.hasPrefix("record 3 (C ANNE), field ins.matricule") == true)
        let invalidFirst = load([good("A", "2900175056001"), bad, good("C", "2900175056001")])
        #expect(invalidFirst?.hasPrefix("record 2 (bad ANNE), field birthName") == true)
        // Many records: the duplicate is found by the inserting thread, far from the start.
        var many = (1...9_000).map { good("N", String(format: "2900175%06d", $0)) }
        many.append(good("LAST", "2900175000017"))
        #expect(load(many)?.hasPrefix("record 9001 (LAST ANNE), field ins.matricule") == true)
    }

    @Test("progress is reported while loading and once at the end")
    func progress() throws {
        let calls = Calls()
        // The default base with a report every third of it or so, rather than a base big
        // enough for the default interval (seconds of CPU in a debug build): two reports
        // while loading, then the finish.
        let identities = try SeedFile.load(path: SeededCase.seedPath, progress: .none).count
        let interval = identities / 3 + 1
        let progress = SeedLoadProgress(every: interval, report: { bytes, total, identities in calls.report(bytes, total, identities) },
                                        finish: { identities in calls.finish(identities) })
        _ = try SeedFile.load(path: SeededCase.seedPath, progress: progress)
        let (reports, finished) = calls.snapshot
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.0 > 0 && $0.0 < $0.1 }, "reported while there was more to read")
        #expect(reports.map(\.2) == [interval, 2 * interval])
        #expect(finished == [identities])
    }

    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [(Int, Int, Int)] = []
        private var finished: [Int] = []
        func report(_ bytes: Int, _ total: Int, _ identities: Int) { lock.withLock { reports.append((bytes, total, identities)) } }
        func finish(_ identities: Int) { lock.withLock { finished.append(identities) } }
        var snapshot: ([(Int, Int, Int)], [Int]) { lock.withLock { (reports, finished) } }
    }
}
