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
        // Each path in turn over the whole list, then the two alternating.
        for scanner in [true, false, nil] as [Bool?] {
            for (index, (name, bytes)) in try Self.documents().enumerated() {
                let path = scanner ?? index.isMultiple(of: 2)
                let reused = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2, plainScanner: path, pool: kept)
                let new = INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2, plainScanner: path, pool: none)
                #expect(reused == new, "\(name), scanner \(path)")
            }
        }
        #expect(kept.count == 1)
        #expect(none.count == 0)
    }

    @Test("a namespace is the document's own, where the one before bound another at the same place")
    func namespacesAreForgotten() throws {
        // Same length, same offsets, two URIs of the contract as long as each other: the
        // scanner's copy of the second document is likely where the first one's was, and a
        // namespace remembered by address would be the first document's.
        func document(_ uri: String) -> [UInt8] {
            Array(("<e:Envelope xmlns:e=\"\(INSiNamespace.soap12)\" xmlns:x=\"\(uri)\"><e:Header>"
                + "<x:ContexteBAM><x:Id>1</x:Id></x:ContexteBAM></e:Header><e:Body/></e:Envelope>").utf8)
        }
        #expect(INSiNamespace.ctxbam.utf8.count == INSiNamespace.ctxlps.utf8.count)
        let bam = document(INSiNamespace.ctxbam)
        let lps = document(INSiNamespace.ctxlps)
        let kept = INSiRequestEventReader.Pool(capacity: 1)
        for bytes in [bam, lps, bam, lps] {
            let reused = try INSiRequestReader.parts(of: bytes, limits: XMLSafetyLimits(), engine: .libxml2, pool: kept).get()
            #expect(reused.headers.bam == (bytes == bam ? ContexteBAM(id: "1") : nil))
            #expect(PlainXMLScannerTests.taken(bytes))
        }
    }

    @Test("a reader comes back empty: no value of the document it read stays in the pool")
    func keptReaderIsEmpty() {
        let pool = INSiRequestEventReader.Pool(capacity: 1)
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        let refused = INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(maxElements: 20), engine: .libxml2, pool: pool)
        #expect(refused == .failure(.tooManyElements(limit: 20)))
        #expect(pool.count == 1)
        let reader = pool.take(limits: XMLSafetyLimits())
        #expect(reader.holdsNothing)
        #expect(reader.limits == XMLSafetyLimits())
        // The scanner read the document in the reader's own memory, and zeroed its copy.
        #expect(reader.scanRoomBytes > request.count)
        #expect(!reader.scanRoomContains(Array("TESTIDAM0001".utf8)))
        // And after a document read whole, its values taken.
        pool.give(reader)
        #expect((try? INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(), engine: .libxml2, pool: pool).get()) != nil)
        let again = pool.take(limits: XMLSafetyLimits())
        #expect(again.holdsNothing)
        #expect(!again.scanRoomContains(Array("TESTIDAM0001".utf8)))
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

    @Test("a value longer than a reader's first room, in several runs of text, reads whole, in a new reader and a reused one")
    func longValueReadsWhole() throws {
        // libxml2 hands the text over in runs split at the references: a new reader's room grows
        // (128 to 256 to 512 bytes) while it holds the runs before. The scanner, after it, hands
        // the value over in one run, into the reused reader's grown room.
        let value = String(repeating: "a&amp;b&lt;", count: 100)
        let expected = String(repeating: "a&b<", count: 100)
        let wsa = INSiNamespace.wsa
        let document = "<e:Envelope xmlns:e=\"\(INSiNamespace.soap12)\"><e:Header><w:MessageID xmlns:w=\"\(wsa)\">" + value
            + "</w:MessageID><w:Action xmlns:w=\"\(wsa)\">x</w:Action></e:Header><e:Body/></e:Envelope>"
        let pool = INSiRequestEventReader.Pool(capacity: 1)
        for round in 1...2 {
            for scanner in [false, true] {
                let parts = try INSiRequestReader.parts(of: Array(document.utf8), limits: XMLSafetyLimits(), engine: .libxml2,
                                                        plainScanner: scanner, pool: pool).get()
                #expect(parts.headers.messageID == expected, "round \(round), scanner \(scanner)")
                #expect(parts.headers.action == "x", "round \(round), scanner \(scanner)")
            }
        }
        // Grown to 512 bytes, still small enough to keep, and kept empty: the next document reads
        // as in a new reader.
        #expect(pool.count == 1)
        let kept = pool.take(limits: XMLSafetyLimits())
        #expect(kept.holdsNothing)
        pool.give(kept)
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        let next = try INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(), engine: .libxml2, pool: pool).get()
        let fresh = try INSiRequestReader.parts(of: request, limits: XMLSafetyLimits(), engine: .libxml2,
                                                pool: INSiRequestEventReader.Pool(capacity: 0)).get()
        #expect(next == fresh)
    }

    @Test("a reader grown by a long value or a deep document is freed, not kept")
    func grownReaderIsFreed() {
        let soap = INSiNamespace.soap12
        let longValue = "<e:Envelope xmlns:e=\"\(soap)\"><e:Header><w:MessageID xmlns:w=\"\(INSiNamespace.wsa)\">"
            + String(repeating: "x", count: INSiRequestEventReader.Pool.maxKeptTextBytes + 1) + "</w:MessageID></e:Header></e:Envelope>"
        let depth = INSiRequestEventReader.Pool.maxKeptDepth + 1
        let deep = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let small = "<e:Envelope xmlns:e=\"\(soap)\"><e:Body/></e:Envelope>"
        // Taken by the scanner (white space between elements), whose room grows to hold it.
        let large = "<e:Envelope xmlns:e=\"\(soap)\">" + String(repeating: " ", count: INSiRequestEventReader.Pool.maxKeptScanBytes)
            + "<e:Body/></e:Envelope>"
        #expect(PlainXMLScannerTests.taken(Array(large.utf8)))
        for (name, document, kept) in [("long value", longValue, 0), ("deep", deep, 0), ("large", large, 0), ("small", small, 1)] {
            let pool = INSiRequestEventReader.Pool(capacity: 1)
            let limits = XMLSafetyLimits(maxDepth: 2 * depth)
            #expect((try? INSiRequestReader.parts(of: Array(document.utf8), limits: limits, engine: .libxml2, pool: pool).get()) != nil, "\(name)")
            #expect(pool.count == kept, "\(name)")
        }
    }
}
