import Testing
@testable import INSiSOAP

/// The event readers kept between requests: a reused reader must read every document as a new
/// one does, whatever the document before it left behind, and the pool must not keep what a
/// document made a reader grow.
@Suite("Event reader pool")
struct EventReaderPoolTests {
    /// The corpus, the scanner's documents and a few refused midway, in an order where each kind
    /// follows each other kind.
    static func documents() throws -> [(name: String, bytes: [UInt8])] {
        var documents = try XMLEngineAgreementTests.corpus() + XMLEngineAgreementTests.requests()
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        documents.append(("benchmark request", request))
        // Cut before the body: refused once the headers are read, with values in the parts.
        documents.append(("unfinished request", Array(request.prefix(request.count * 2 / 3))))
        documents.append(("benchmark request again", request))
        return documents + documents.reversed()
    }

    @Test("a reader reused after any document reads the next one as a new reader does")
    func reusedReadsAsNew() throws {
        let kept = INSiRequestEventReader.Pool(capacity: 1)
        let none = INSiRequestEventReader.Pool(capacity: 0)
        for (name, bytes) in try Self.documents() {
            for scanner in [true, false] {
                let reused = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2, plainScanner: scanner, pool: kept)
                let new = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2, plainScanner: scanner, pool: none)
                #expect(reused == new, "\(name), scanner \(scanner)")
            }
        }
        #expect(kept.count == 1)
        #expect(none.count == 0)
    }

    @Test("a reader comes back empty: no value of the document it read stays in the pool")
    func keptReaderIsEmpty() {
        let pool = INSiRequestEventReader.Pool(capacity: 1)
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        let refused = INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(maxElements: 20), engine: .libxml2, pool: pool)
        #expect(refused == .failure(.tooManyElements(limit: 20)))
        #expect(pool.count == 1)
        let reader = pool.take(limits: XMLSafetyLimits())
        #expect(reader.parts == EnvelopeParts())
        #expect(reader.failure == nil && reader.depth == 0 && reader.context == nil)
        #expect(reader.limits == XMLSafetyLimits())
    }

    @Test("the limits are the current read's, not those the reader had before")
    func limitsOfTheRead() {
        let pool = INSiRequestEventReader.Pool(capacity: 1)
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        #expect(INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(maxDepth: 3), engine: .libxml2, pool: pool) == .failure(.tooDeep(limit: 3)))
        #expect((try? INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(), engine: .libxml2, pool: pool).get()) != nil)
        #expect(INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(maxTextBytes: 8), engine: .libxml2, pool: pool)
            == .failure(.textTooLong(limit: 8)))
        #expect(pool.count == 1)
    }

    @Test("a reader grown by a long value or a deep document is freed, not kept")
    func grownReaderIsFreed() {
        let soap = INSiNamespace.soap12
        let longValue = "<e:Envelope xmlns:e=\"\(soap)\"><e:Header><w:MessageID xmlns:w=\"\(INSiNamespace.wsa)\">"
            + String(repeating: "x", count: INSiRequestEventReader.Pool.maxKeptTextBytes + 1) + "</w:MessageID></e:Header></e:Envelope>"
        let depth = INSiRequestEventReader.Pool.maxKeptDepth + 1
        let deep = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let small = "<e:Envelope xmlns:e=\"\(soap)\"><e:Body/></e:Envelope>"
        for (name, document, kept) in [("long value", longValue, 0), ("deep", deep, 0), ("small", small, 1)] {
            let pool = INSiRequestEventReader.Pool(capacity: 1)
            let limits = XMLSafetyLimits(maxDepth: 2 * depth)
            #expect((try? INSiRequestReader.parts(of: Array(document.utf8), limits: limits, engine: .libxml2, pool: pool).get()) != nil, "\(name)")
            #expect(pool.count == kept, "\(name)")
        }
    }
}
