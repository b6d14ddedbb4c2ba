import Foundation
import INSiSOAP
import Testing
import TestSupport

@Suite("Serving the contract")
struct ContractServingTests {
    @Test("the WSDL is served with the simulator's own address and self-contained imports")
    func wsdl() async throws {
        try await withTestSimulator { server in
            let response = try await server.get("/lps?wsdl")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/xml") == true)
            let text = response.text
            #expect(!text.contains("INSI_SIM_BASE_URL"))
            #expect(text.contains("location=\"http://127.0.0.1/lps\""))
            let wsdl = try SafeXMLReader.read(response.body).get()
            #expect(wsdl.name == "definitions")
            // Every import resolves on the simulator itself.
            let imports = text.components(separatedBy: "schemaLocation=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
            #expect(!imports.isEmpty)
            for location in imports {
                #expect(location.hasPrefix("http://127.0.0.1/lps?xsd="), "\(location)")
                let target = String(location.dropFirst("http://127.0.0.1".count))
                let schema = try await server.get(target)
                #expect(schema.status == 200, "\(target)")
                #expect((try? SafeXMLReader.read(schema.body).get())?.name == "schema", "\(target)")
                #expect(!schema.text.contains("INSI_SIM_BASE_URL"))
            }
        }
    }

    @Test("the Host header the client used is the address written, unless it is unusual")
    func hostHeader() async throws {
        try await withTestSimulator { server in
            let client = try server.client()
            try client.send("GET /lps?wsdl HTTP/1.1\r\nHost: insi.local:9000\r\n\r\n")
            #expect(try client.response().text.contains("location=\"http://insi.local:9000/lps\""))
            let hostile = try server.client()
            try hostile.send("GET /lps?wsdl HTTP/1.1\r\nHost: x\"/><evil/>\r\n\r\n")
            let text = try hostile.response().text
            #expect(!text.contains("<evil/>"))
            #expect(text.contains("location=\"http://127.0.0.1:\(server.port)/lps\""))
        }
    }

    @Test("only the contract's schemas can be asked for")
    func onlyContractFiles() async throws {
        try await withTestSimulator { server in
            for target in ["/lps?xsd=../seed/default-base.json", "/lps?xsd=README.md", "/lps?xsd=%2e%2e/x.xsd", "/lps?xsd=nope.xsd", "/lps?xsd=../../../../etc/passwd"] {
                let response = try await server.get(target)
                #expect(response.status == 404, "\(target)")
                #expect(!response.text.contains("root:"))
            }
            #expect(try await server.get("/lps").status == 400)
        }
    }
}

@Suite("The README documents the test plan")
struct ReadmePlanTests {
    /// A README answer cell: `00 `matricule` `key``, or the code alone.
    static func cell(_ expectation: SeededCase.Expectation?) -> String {
        guard let expectation else { return "?" }
        guard let matricule = expectation.matricule else { return expectation.code }
        return "\(expectation.code) `\(matricule)` `\(expectation.key ?? "")`"
    }

    @Test("every case of Resources/seed/cases.json is in the README table with its strict and relaxed answers, and only those")
    func everyCaseDocumented() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("docs/reference/seeded-cases.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n")
        #expect(!SeededCase.all.isEmpty)
        for seededCase in SeededCase.all {
            let row = lines.first { $0.hasPrefix("| `\(seededCase.id)` |") }
            #expect(row != nil, "\(seededCase.id) is missing from the README")
            if let row {
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(cells.count == 5, "\(seededCase.id): \(row)")
                #expect(cells.count == 5 && cells[3] == Self.cell(seededCase.expected["strict"]), "\(seededCase.id): README says \(cells.count > 3 ? cells[3] : "?")")
                #expect(cells.count == 5 && cells[4] == Self.cell(seededCase.expected["relaxed"]), "\(seededCase.id): README says \(cells.count > 4 ? cells[4] : "?")")
            }
        }
        // The table holds no case that cases.json lost.
        let header = try #require(lines.firstIndex { $0.hasPrefix("| id | request | exercises | strict | relaxed |") })
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("| `") }
        #expect(rows.count == SeededCase.all.count)
    }
}
