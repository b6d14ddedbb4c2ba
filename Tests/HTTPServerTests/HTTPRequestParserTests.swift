@testable import HTTPServer
import Testing

/// What the parser produced, flattened for comparisons.
private enum Parsed: Equatable {
    case head(method: String, target: String)
    case request(method: String, target: String, body: String)
    case failure(HTTPServerError)
}

/// Feeds `text` to a parser the way a connection does: `step` bytes at a time (all at once when
/// nil), keeping unconsumed bytes, until no further progress is possible.
private func parse(_ text: String, step: Int? = nil, limits: HTTPServerConfiguration.Limits = .init()) -> [Parsed] {
    var parser = HTTPRequestParser(limits: limits)
    var buffer = ReadBuffer()
    var results: [Parsed] = []
    let bytes = Array(text.utf8)
    var offset = 0
    while true {
        let count = min(step ?? bytes.count, bytes.count - offset)
        if count > 0 {
            buffer.append(Array(bytes[offset..<(offset + count)]))
            offset += count
        }
        while true {
            var consumed = 0
            let event = buffer.withReadableBytes { parser.parse($0, consumed: &consumed) }
            buffer.consume(consumed)
            switch event {
            case .needMoreData:
                break
            case .head(let head, _):
                results.append(.head(method: head.method, target: head.target))
                continue
            case .request(let head, let body):
                results.append(.request(method: head.method, target: head.target, body: String(decoding: body, as: UTF8.self)))
                continue
            case .failure(let error, _):
                results.append(.failure(error))
                return results
            }
            break
        }
        if offset == bytes.count { return results }
    }
}

/// The single head of a complete request without body.
private func head(_ text: String) -> HTTPRequestHead? {
    var parser = HTTPRequestParser(limits: .init())
    var consumed = 0
    let bytes = Array(text.utf8)
    let event = bytes.withUnsafeBufferPointer { parser.parse($0, consumed: &consumed) }
    if case .request(let head, _) = event { return head }
    return nil
}

/// The default limits with `change` made.
private func limitsWith(_ change: (inout HTTPServerConfiguration.Limits) -> Void) -> HTTPServerConfiguration.Limits {
    var limits = HTTPServerConfiguration.Limits()
    change(&limits)
    return limits
}

/// A chunked POST whose body part is `chunks`.
private func chunked(_ chunks: String) -> String {
    "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
}

@Suite("Request parser")
struct HTTPRequestParserTests {
    @Test func simpleGet() throws {
        let parsed = try #require(head("GET /lps?wsdl HTTP/1.1\r\nHost: example\r\nX-A:  spaced value \t\r\n\r\n"))
        #expect(parsed.method == "GET")
        #expect(parsed.target == "/lps?wsdl")
        #expect(parsed.path == "/lps")
        #expect(parsed.query == "wsdl")
        #expect(parsed.versionMinor == 1)
        #expect(parsed.headers["x-a"] == "spaced value")
        #expect(parsed.headers["HOST"] == "example")
    }

    @Test func http10WithoutHostAndNoQuery() throws {
        let parsed = try #require(head("GET /a/b HTTP/1.0\r\n\r\n"))
        #expect(parsed.versionMinor == 0)
        #expect(parsed.path == "/a/b")
        #expect(parsed.query == nil)
        #expect(!parsed.wantsKeepAlive)
        let keepAlive = try #require(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        #expect(keepAlive.wantsKeepAlive)
        let close = try #require(head("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n"))
        #expect(!close.wantsKeepAlive)
    }

    @Test(arguments: [nil, 1, 7])
    func contentLengthBodyInPieces(step: Int?) {
        let text = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
        let request = Parsed.request(method: "POST", target: "/x", body: "hello world")
        // `.head` only when the body is still to come: all at once, the request is complete.
        #expect(parse(text, step: step) == (step == nil ? [request] : [.head(method: "POST", target: "/x"), request]))
    }

    @Test(arguments: [nil, 1, 5])
    func chunkedBodyWithExtensionsAndTrailers(step: Int?) {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "6 ; ext\r\n world\r\n"
            + "000\r\nX-Trailer: yes\r\nOther: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parse(text, step: step) == [
            .head(method: "POST", target: "/c"),
            .request(method: "POST", target: "/c", body: "hello world"),
            .request(method: "GET", target: "/next", body: ""),
        ])
    }

    @Test(arguments: [nil, 1, 3])
    func validChunkExtensionsAndTrailersAreAccepted(step: Int?) {
        let text = chunked("5 ; a = b ;c=\"quoted \\\" \\\\ text\" ;d\r\nhello\r\n0;last\r\nX-T: 1\r\nY:\r\n\r\n")
        #expect(parse(text, step: step).last == .request(method: "POST", target: "/c", body: "hello"))
    }

    @Test func tooManyTrailerFieldsGet431() {
        var limits = HTTPServerConfiguration.Limits()
        limits.maxHeaderCount = 3
        let trailers = (0..<4).map { "T\($0): v\r\n" }.joined()
        #expect(parse(chunked("1\r\na\r\n0\r\n" + trailers + "\r\n"), limits: limits).last == .failure(.headersTooLarge))
    }

    @Test func absoluteFormTargetsGiveThePathAndTheAuthority() throws {
        let parsed = try #require(head("POST HTTP://insi.example:8443/lps?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(parsed.path == "/lps")
        #expect(parsed.query == "x=1")
        #expect(parsed.targetAuthority == "insi.example:8443")
        #expect(parsed.authority == "insi.example:8443")
        let bare = try #require(head("GET http://insi.example HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(bare.path == "/")
        #expect(bare.query == nil)
        let query = try #require(head("GET http://insi.example?wsdl HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(query.path == "/")
        #expect(query.query == "wsdl")
        let origin = try #require(head("GET /lps HTTP/1.1\r\nHost: h:1\r\n\r\n"))
        #expect(origin.targetAuthority == nil)
        #expect(origin.authority == "h:1")
    }

    @Test(arguments: [nil, 1, 9])
    func pipelinedRequestAfterABodyThatCameWithItsHead(step: Int?) {
        let text = "\r\nPOST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
        let requests: [Parsed] = [.request(method: "POST", target: "/a", body: "ok"), .request(method: "GET", target: "/b", body: "")]
        // Read whole, the body is there with its head: no `.head`.
        #expect(parse(text, step: step).filter { if case .head = $0 { false } else { true } } == requests)
        if step == nil { #expect(parse(text) == requests) }
    }

    @Test func emptyLinesBeforeRequestLinesAreCountedPerRequest() {
        // Two empty lines are allowed before each request line, however many requests came before.
        let text = String(repeating: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", count: 3)
            + "\r\n\r\nPOST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx"
            + String(repeating: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", count: 3)
        let parsed = parse(text)
        #expect(parsed.count == 7)
        #expect(!parsed.contains { if case .failure = $0 { true } else { false } })
    }

    @Test func tokenCharactersAreThoseOfRFC9110() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(ASCII.isTokenChar(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test func pipelinedRequestsAndLeadingEmptyLine() {
        let text = "\r\nGET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parse(text) == [
            .request(method: "GET", target: "/1", body: ""),
            .request(method: "GET", target: "/2", body: ""),
        ])
    }

    @Test func duplicateIdenticalContentLengthIsAccepted() {
        let text = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 2, 2\r\n\r\nok"
        #expect(parse(text).last == .request(method: "POST", target: "/", body: "ok"))
        let spaced = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \t2 ,2\t\r\n\r\nok"
        #expect(parse(spaced) == [.request(method: "POST", target: "/", body: "ok")])
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", "invalid"),
        ("GET / HTTP/1.1\nHost: h\n\n", "bare LF"),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", "empty target"),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", "space before colon"),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", "obs-fold"),
        ("GET / HTTP/1.1\r\n\r\n", "no Host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two Hosts"),
        ("GET / HTTP/1.1x\r\nHost: h\r\n\r\n", "bad version"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12a\r\n\r\n", "bad Content-Length"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "negative Content-Length"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "conflicting CL"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 3\r\n\r\nabc", "conflicting list members"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2,\r\n\r\nab", "empty list member"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", "empty Content-Length"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: x\r\n\r\nab", "valid then invalid CL"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "CL + TE"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "chunked not final"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "missing chunk CRLF"),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{01}b\r\n\r\n", "control character"),
        ("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "three empty lines before the request line"),
        (chunked("5;a\rb\r\nhello\r\n0\r\n\r\n"), "bare CR in a chunk extension"),
        (chunked("5;a\u{0}\r\nhello\r\n0\r\n\r\n"), "NUL in a chunk extension"),
        (chunked("5;=v\r\nhello\r\n0\r\n\r\n"), "chunk extension without a name"),
        (chunked("5;a=\"open\r\nhello\r\n0\r\n\r\n"), "unterminated quoted chunk extension"),
        (chunked("5;a=\"x\u{1}\"\r\nhello\r\n0\r\n\r\n"), "control in a quoted chunk extension"),
        (chunked("5 x\r\nhello\r\n0\r\n\r\n"), "junk after the chunk size"),
        (chunked("5\r\nhello\r\n0\r\nX: a\u{0}b\r\n\r\n"), "NUL in a trailer value"),
        (chunked("5\r\nhello\r\n0\r\nX: a\rb\r\n\r\n"), "bare CR in a trailer value"),
        (chunked("5\r\nhello\r\n0\r\nNo colon\r\n\r\n"), "trailer line without a field name"),
        (chunked("5\r\nhello\r\n0\r\nX: a\r\n folded\r\n\r\n"), "obs-fold in the trailers"),
    ])
    func malformedRequestsGet400(text: String, why: String) {
        let result = parse(text).last
        guard case .failure(.malformedRequest) = result else {
            Issue.record("\(why): expected 400, got \(String(describing: result))")
            return
        }
    }

    @Test func statusSpecificFailures() {
        #expect(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == [.failure(.unsupportedVersion)])
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            == [.failure(.unsupportedTransferEncoding)])
    }

    @Test func limits() {
        var limits = HTTPServerConfiguration.Limits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderCount = 3
        limits.maxBodyBytes = 10
        let longTarget = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parse(longTarget, limits: limits) == [.failure(.uriTooLong)])
        // Incomplete, but already over the limit: no need to wait for the end of the line.
        #expect(parse("GET /" + String(repeating: "a", count: 100), limits: limits) == [.failure(.uriTooLong)])
        #expect(parse(String(repeating: "\u{7F}", count: 100), limits: limits) == [.failure(.malformedRequest("request line too long and not HTTP"))])
        let manyHeaders = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(parse(manyHeaders, limits: limits) == [.failure(.headersTooLarge)])
        let bigHeader = "GET / HTTP/1.1\r\nHost: h\r\nA: " + String(repeating: "x", count: 300) + "\r\n\r\n"
        #expect(parse(bigHeader, limits: limits) == [.failure(.headersTooLarge)])
        #expect(parse(bigHeader, step: 10, limits: limits) == [.failure(.headersTooLarge)])
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits)
            == [.failure(.bodyTooLarge(limit: 10))])
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n"
        #expect(parse(chunked, limits: limits) == [.head(method: "POST", target: "/"), .failure(.bodyTooLarge(limit: 10))])
        let hugeChunk = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n"
        #expect(parse(hugeChunk, limits: limits).last == .failure(.bodyTooLarge(limit: 10)))
        let longChunkLine = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000)
        #expect(parse(longChunkLine, limits: limits).last == .failure(.malformedRequest("chunk-size line too long")))
    }

    /// Found by fuzz-http-parser: a line exactly at its limit was refused when a read ended
    /// between its CR and its LF, as if the CR were part of the line.
    @Test("a line at its limit is accepted wherever the reads split it", arguments: [nil, 1, 2, 3, 7] as [Int?])
    func lineAtLimitWhateverTheReads(step: Int?) {
        let requestLine = "GET /" + String(repeating: "a", count: 34) + " HTTP/1.1"
        #expect(requestLine.utf8.count == 48)
        #expect(parse(requestLine + "\r\nHost: h\r\n\r\n", step: step, limits: limitsWith { $0.maxRequestLineBytes = 48 })
            == [.request(method: "GET", target: "/" + String(repeating: "a", count: 34), body: "")])
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        let sizeLine = parse(head + "5;name=value\r\nhello\r\n0\r\n\r\n", step: step, limits: limitsWith { $0.maxChunkLineBytes = 12 })
        #expect(sizeLine == [.head(method: "POST", target: "/"), .request(method: "POST", target: "/", body: "hello")])
        // A trailer section of exactly maxHeaderBytes, then the final CRLF.
        let trailer = "X: " + String(repeating: "t", count: 59) + "\r\n"
        #expect(trailer.utf8.count == 64)
        let trailed = parse(head + "0\r\n" + trailer + "\r\n", step: step, limits: limitsWith { $0.maxHeaderBytes = 64 })
        #expect(trailed == [.head(method: "POST", target: "/"), .request(method: "POST", target: "/", body: "")])
    }

    @Test func headersKeepOrderAndLookUpCaseInsensitively() {
        var headers = HTTPHeaders([("Accept", "a"), ("X-Multi", "1")])
        headers.add("x-multi", "2")
        #expect(headers.values("X-MULTI") == ["1", "2"])
        #expect(headers["accept"] == "a")
        headers.set("X-Multi", "3")
        #expect(headers.values("x-multi") == ["3"])
        headers.remove("ACCEPT")
        #expect(!headers.contains("Accept"))
        #expect(headers.map(\.name) == ["X-Multi"])
    }

    @Test("header names compare without regard to ASCII case, as bytes or through a string's view")
    func headerNamesIgnoringCase() {
        #expect(HTTPHeaders.namesEqual("content-length", "Content-Length"))
        #expect(HTTPHeaders.namesEqual("HOST", "host"))
        #expect(!HTTPHeaders.namesEqual("Host", "Hosts"))
        #expect(!HTTPHeaders.namesEqual("Content-Type", "Content-Typf"))
        // Only ASCII letters fold: `[` is not `{`, `É` is not `é`.
        #expect(!HTTPHeaders.namesEqual("A[", "a{"))
        #expect(!HTTPHeaders.namesEqual("É", "é"))
        let host: [UInt8] = Array("hOsT".utf8)
        host.withUnsafeBufferPointer { bytes in
            #expect(ASCII.equalsIgnoringCase(bytes, "host"))
            #expect(!ASCII.equalsIgnoringCase(bytes, "hose"))
            #expect(!ASCII.equalsIgnoringCase(bytes, "hosts"))
        }
        var headers = HTTPHeaders()
        headers.add("content-TYPE", "text/xml")
        #expect(headers["Content-Type"] == "text/xml")
        #expect(headers["Content-Typ"] == nil)
    }
}
