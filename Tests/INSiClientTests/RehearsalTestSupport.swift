import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif
import INSiClient
import INSiCore
import INSiServer
import Logging
import Testing
import TestSupport

/// Helpers of the rehearsal tests: a simulator with a chosen mode and admin token, the default
/// pack, admin calls, temporary files and a JUnit reader.
enum RehearsalTestSupport {
    static let defaultPack = TestPaths.repository.appendingPathComponent("Resources/rehearsal/default-pack.json")

    /// Like `TestServer.with`, with the name-matching mode and the admin token of the simulator.
    static func withSimulator<T>(nameMatching: NameMatching = .strict, adminToken: String? = nil, authorizedIDAMs: Set<String> = [],
                                 _ body: (URL) async throws -> T) async throws -> T {
        try await TestServer.with(nameMatching: nameMatching, adminToken: adminToken, authorizedIDAMs: authorizedIDAMs, body)
    }

    /// An admin request; returns the HTTP status.
    static func admin(_ method: String, _ path: String, on endpoint: URL) async throws -> Int {
        var request = URLRequest(url: endpoint.deletingLastPathComponent().appendingPathComponent(path))
        request.httpMethod = method
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        try TestPaths.temporaryFolder("rehearsal")
    }

    /// What a JUnit file holds, read with an XML parser (so the file must be well-formed).
    struct JUnit {
        var testcases: [String] = []
        var failed: [String] = []
        var skipped: [String] = []
        var suiteTests: String?
        var suiteFailures: String?
    }

    static func readJUnit(_ url: URL) throws -> JUnit {
        let reader = JUnitReader()
        let parser = try #require(XMLParser(contentsOf: url))
        parser.delegate = reader
        let parsed = parser.parse()
        #expect(parsed, "JUnit XML not well-formed: \(String(describing: parser.parserError))")
        return reader.junit
    }

    private final class JUnitReader: NSObject, XMLParserDelegate {
        var junit = JUnit()
        private var current: String?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                    attributes attributeDict: [String: String] = [:]) {
            switch elementName {
            case "testsuite":
                junit.suiteTests = attributeDict["tests"]
                junit.suiteFailures = attributeDict["failures"]
            case "testcase":
                current = attributeDict["name"]
                junit.testcases.append(attributeDict["name"] ?? "")
            case "failure":
                junit.failed.append(current ?? "")
            case "skipped":
                junit.skipped.append(current ?? "")
            default:
                break
            }
        }
    }
}
