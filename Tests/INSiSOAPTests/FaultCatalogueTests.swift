import Foundation
import INSiCore
import Testing
import TestSupport
@testable import INSiSOAP

/// The fault catalogue, and the README's table that repeats it.
@Suite("Fault catalogue")
struct FaultCatalogueTests {
    static let readme = TestPaths.repository.appendingPathComponent("docs/reference/faults.md")

    @Test("one entry per detail code; every fault the simulator builds comes from its entry")
    func entries() {
        let codes = INSiFault.catalogue.map(\.detailCode)
        #expect(Set(codes).count == codes.count)
        let built: [INSiFault] = [
            .unknownApprovalNumber(messageID: nil), .insufficientRights(messageID: nil), .upstreamUnavailable(messageID: nil),
            .unreadableXML(.empty), .notSOAP("x"), .versionMismatch(found: "urn:x"), .unknownAction("a", source: "s", messageID: nil),
            .inconsistentAction("x", messageID: nil), .unknownBodyElement("x", namespace: "y", messageID: nil),
            .invalidInput(.invalid(.sex, "X", "expected M, F or I"), messageID: nil), .internalError("x", messageID: nil),
            .bodyTooLarge(limit: 1),
        ] + INSiFault.SecurityRequirement.allCases.map { .securityRequirement($0, detail: "x", messageID: nil) }
        for fault in built {
            let entry = INSiFault.catalogueEntry(fault.detailCode ?? "")
            #expect(entry?.code == fault.code && entry?.subcode == fault.subcode && entry?.reason == fault.reason, "\(fault)")
        }
        // The recorded texts, exactly.
        let recorded = INSiFault.unknownApprovalNumber(messageID: "uuid:x")
        #expect(recorded.detailText == "Numéro d'autorisation du logiciel inconnu.")
        #expect(INSiFault.invalidInput(.missing(.birthName), messageID: nil).reason == "La requête est invalide : le champ NomNaissance est absent.")
        #expect(INSiFault.bodyTooLarge(limit: 1).httpStatus == 413 && INSiFault.unreadableXML(.tooLarge(limit: 1)).httpStatus == 500)
    }

    @Test("the README's fault table is the catalogue: codes, subcodes, reasons and origins")
    func readmeTable() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("| case | Code | Subcode | detail `code` |") })
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.count == INSiFault.catalogue.count)
        for entry in INSiFault.catalogue {
            let row = try #require(rows.first { $0.count == 6 && $0[3] == "`\(entry.detailCode)`" }, "\(entry.detailCode) is not in the README")
            #expect(row[1] == entry.code.rawValue, "\(entry.detailCode)")
            #expect(row[2] == (entry.subcode.map { "`\($0)`" } ?? "–"), "\(entry.detailCode)")
            #expect(row[4].hasPrefix(entry.reason), "\(entry.detailCode): \(row[4])")
            switch entry.origin {
            case .observed: #expect(row[5].hasPrefix("**observed**"), "\(entry.detailCode)")
            case .assumed: #expect(row[5].hasPrefix("assumed"), "\(entry.detailCode)")
            case .simulator: #expect(row[5] == "simulator", "\(entry.detailCode)")
            }
            if entry.origin != .simulator { #expect(row[4].contains("(detail: \(entry.detailText)") || entry.detailCode == "insisim_940") }
        }
    }
}
