#if DEBUG || FUZZING
import FuzzSupport
@testable import HTTPServer

/// The HTTP/1.1 request parser, fed one input as a client's writes may split it.
///
/// Internal API used (keep in step with Sources/HTTPServer): `HTTPServerConfiguration.Limits`,
/// `HTTPRequestParser(limits:)`, `.parse(_:consumed:)`, `.isBetweenRequests`, `.isReadingBody`,
/// `HTTPParseEvent`, `BodyFraming`, `HTTPServerError.status`, `HTTPRequestHead`'s fields and
/// `HTTPHeaders` iteration. Only `Configuration.limits(_:)` builds limits.
///
/// Invariants, for two sets of limits (the defaults and small ones that the fuzzer can reach):
/// 1. the same events, at the same offsets, whether the bytes come at once, one by one or in
///    random pieces (a limit error may stand in for another error, never for a success), but
///    for `.head`: a request whose whole body came with its head is reported without one, so a
///    Content-Length `.head` followed by its `.request` counts as that `.request` alone;
/// 2. after `needMoreData` the parser has nothing left to do with the bytes it holds;
/// 3. an accepted head, read again from its raw bytes by this harness: CRLF only, within the
///    limits, one Host in HTTP/1.1, never both Content-Length and Transfer-Encoding, every
///    Content-Length member the same number, chunked last and alone, and the framing the parser
///    chose is the one those headers give;
/// 4. a body is exactly the bytes given: Content-Length bytes as they came, or what
///    `ReferenceChunkedBody` decodes from exactly the bytes the parser consumed.
enum HTTPParserHarness {
    struct Configuration {
        var requestLine: Int
        var head: Int
        var fields: Int
        var body: Int
        var chunkLine: Int

        static let defaults = Configuration(requestLine: 8 * 1024, head: 32 * 1024, fields: 100, body: 1024 * 1024, chunkLine: 4 * 1024)
        static let small = Configuration(requestLine: 48, head: 160, fields: 6, body: 200, chunkLine: 12)

        /// The one place the harness names the limits type.
        var limits: HTTPServerConfiguration.Limits {
            var limits = HTTPServerConfiguration.Limits()
            limits.maxRequestLineBytes = requestLine
            limits.maxHeaderBytes = head
            limits.maxHeaderCount = fields
            limits.maxBodyBytes = body
            limits.maxChunkLineBytes = chunkLine
            return limits
        }

        var chunkLimits: ReferenceChunkedBody.Limits {
            ReferenceChunkedBody.Limits(maxBodyBytes: body, maxChunkLineBytes: chunkLine, maxTrailerBytes: head)
        }
    }

    struct Head: Equatable {
        var method: String
        var target: String
        var path: String
        var query: String?
        var versionMinor: Int
        var fields: [String]

        init(_ head: HTTPRequestHead) {
            method = head.method
            target = head.target
            path = head.path
            query = head.query
            versionMinor = head.versionMinor
            fields = head.headers.map { "\($0.name): \($0.value)" }
        }
    }

    enum Event: Equatable {
        /// `end`: total bytes consumed when the event was reported.
        case head(Head, BodyFraming, end: Int)
        case request(Head, body: [UInt8], end: Int)
        case failure(status: Int, description: String)

        var isFailure: Bool {
            if case .failure = self { return true }
            return false
        }

        var isSizeLimitFailure: Bool {
            guard case .failure(let status, let description) = self else { return false }
            return status == 413 || status == 414 || status == 431
                || description.contains("request line too long") || description.contains("chunk-size line too long")
        }
    }

    struct Run: Equatable {
        var events: [Event] = []
        var consumed = 0
        var betweenRequests = true
        var readingBody = false

        /// Without the Content-Length heads followed by their request: whether a request comes
        /// with a `.head` first depends on where the reads split it (invariant 1).
        var withoutAnnouncedHeads: Run {
            var run = self
            run.events = []
            for (index, event) in events.enumerated() {
                if case .head(let head, .contentLength, _) = event, index + 1 < events.count,
                   case .request(head, _, _) = events[index + 1] { continue }
                run.events.append(event)
            }
            return run
        }
    }

    static func run(_ input: UnsafeRawBufferPointer) {
        for configuration in [Configuration.small, .defaults] {
            let whole = feed(input, pieces: Fragmentation.whole.pieces(of: input), configuration)
            check(whole, input: Array(input), configuration)
            for fragmentation in [Fragmentation.random, .bytewise] {
                let split = feed(input, pieces: fragmentation.pieces(of: input), configuration)
                compare(whole, split, fragmentation)
            }
        }
    }

    /// Feeds the pieces as a connection does: unconsumed bytes are kept and handed back.
    static func feed(_ input: UnsafeRawBufferPointer, pieces: [Int], _ configuration: Configuration) -> Run {
        var parser = HTTPRequestParser(limits: configuration.limits)
        var pending: [UInt8] = []
        var run = Run()
        var offset = 0
        for length in pieces {
            pending.append(contentsOf: input[offset..<(offset + length)])
            offset += length
            while true {
                var consumed = 0
                let event = pending.withUnsafeBufferPointer { parser.parse($0, consumed: &consumed) }
                fuzzCheck(consumed >= 0 && consumed <= pending.count, "consumed \(consumed) of \(pending.count) bytes")
                pending.removeFirst(consumed)
                run.consumed += consumed
                switch event {
                case .needMoreData:
                    // Nothing may be left undone: a connection waits for bytes that may never come.
                    var again = parser
                    var more = 0
                    let next = pending.withUnsafeBufferPointer { again.parse($0, consumed: &more) }
                    if case .needMoreData = next, more == 0 {} else {
                        fuzzCheck(false, "needMoreData although \(pending.count) pending bytes still give \(next), consumed \(more)")
                    }
                case .head(let head, let framing):
                    fuzzCheck(framing != .noBody, ".head reported for a request without body")
                    run.events.append(.head(Head(head), framing, end: run.consumed))
                    continue
                case .request(let head, let body):
                    run.events.append(.request(Head(head), body: body, end: run.consumed))
                    continue
                case .failure(let error, _):
                    run.events.append(.failure(status: error.status, description: error.description))
                    return run
                }
                break
            }
        }
        run.betweenRequests = parser.isBetweenRequests
        run.readingBody = parser.isReadingBody
        return run
    }

    /// Equal runs, except that when both end in a failure and one of them is a size limit, the
    /// two failures may differ (the limit may be reached before or after another error shows).
    static func compare(_ whole: Run, _ split: Run, _ fragmentation: Fragmentation) {
        let whole = whole.withoutAnnouncedHeads
        let split = split.withoutAnnouncedHeads
        if whole == split { return }
        let excused = whole.events.count == split.events.count
            && whole.events.dropLast() == split.events.dropLast()
            && whole.events.last?.isFailure == true && split.events.last?.isFailure == true
            && (whole.events.last?.isSizeLimitFailure == true || split.events.last?.isSizeLimitFailure == true)
        fuzzCheck(excused, "\(fragmentation) pieces give \(split) where the whole input gives \(whole)")
    }

    // MARK: Accepted requests, read again from their bytes

    static func check(_ run: Run, input: [UInt8], _ configuration: Configuration) {
        var start = 0
        var pendingHead: (Head, BodyFraming, Int)?
        for event in run.events {
            switch event {
            case .head(let head, let framing, let end):
                fuzzCheck(pendingHead == nil, "two heads without a request between them")
                checkHead(head, framing: framing, raw: input[start..<end], configuration)
                pendingHead = (head, framing, end)
                start = end
            case .request(let head, let body, let end):
                if let (announced, framing, bodyStart) = pendingHead {
                    fuzzCheck(announced == head, "the request's head differs from the head announced")
                    checkBody(body, framing: framing, raw: input[bodyStart..<end], configuration)
                    pendingHead = nil
                } else if body.isEmpty {
                    checkHead(head, framing: .noBody, raw: input[start..<end], configuration)
                } else {
                    // The whole body came with its head: the head ends at its empty line.
                    let headEnd = headEnd(in: input[start..<end])
                    fuzzCheck(headEnd != nil, "a request with a body and no empty line ending a head before it")
                    guard let headEnd else { return }
                    let framing = BodyFraming.contentLength(body.count)
                    checkHead(head, framing: framing, raw: input[start..<headEnd], configuration)
                    checkBody(body, framing: framing, raw: input[headEnd..<end], configuration)
                }
                start = end
            case .failure:
                return
            }
        }
    }

    /// `bytes` without the empty lines before the request line (RFC 9112 §2.2: they may be
    /// ignored).
    static func withoutLeadingEmptyLines(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while bytes.count >= 2 && bytes[bytes.startIndex] == 0x0D && bytes[bytes.startIndex + 1] == 0x0A {
            bytes = bytes.dropFirst(2)
        }
        return bytes
    }

    /// Where the head that `bytes` start with ends (after its empty line), empty lines before
    /// the request line skipped; nil when there is no end.
    static func headEnd(in bytes: ArraySlice<UInt8>) -> Int? {
        let head = withoutLeadingEmptyLines(bytes)
        var index = head.startIndex
        while index + 3 < head.endIndex {
            if head[index] == 0x0D && head[index + 1] == 0x0A && head[index + 2] == 0x0D && head[index + 3] == 0x0A {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    static func checkHead(_ head: Head, framing: BodyFraming, raw: ArraySlice<UInt8>, _ configuration: Configuration) {
        let bytes = withoutLeadingEmptyLines(raw)
        let text = fuzzDescribe(bytes)
        fuzzCheck(bytes.count <= configuration.head, "accepted a \(bytes.count)-byte head over the \(configuration.head) limit: \(text)")
        fuzzCheck(bytes.count >= 4 && Array(bytes.suffix(4)) == [0x0D, 0x0A, 0x0D, 0x0A], "accepted head does not end with an empty line: \(text)")
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A {
                fuzzCheck(index > lineStart && bytes[index - 1] == 0x0D, "accepted a bare LF: \(text)")
                lines.append(bytes[lineStart..<(index - 1)])
                lineStart = index + 1
            } else if byte == 0x0D {
                fuzzCheck(index + 1 < bytes.endIndex && bytes[index + 1] == 0x0A, "accepted a bare CR: \(text)")
            }
            index += 1
        }
        fuzzCheck(lines.count >= 2 && lines.last?.isEmpty == true, "accepted head without its final empty line: \(text)")
        let requestLine = lines[0]
        fuzzCheck(requestLine.count <= configuration.requestLine, "accepted a \(requestLine.count)-byte request line over the limit: \(text)")
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        fuzzCheck(parts.count == 3, "accepted a request line that is not method SP target SP version: \(text)")
        fuzzCheck(String(decoding: parts[0], as: UTF8.self) == head.method && String(decoding: parts[1], as: UTF8.self) == head.target,
                  "method or target differ from the request line: \(head) for \(text)")
        fuzzCheck(parts[0].allSatisfy(ReferenceChunkedBody.isTokenChar), "accepted a method that is not a token: \(text)")
        fuzzCheck(Array(parts[2]) == Array("HTTP/1.\(head.versionMinor)".utf8), "version differs from the request line: \(text)")

        // The fields, as a peer down the line might read them: names compared without white
        // space and case, so that `Content-Length :` or `content-length` count too.
        let fieldLines = lines.dropFirst().dropLast()
        fuzzCheck(fieldLines.count <= configuration.fields, "accepted \(fieldLines.count) fields over the limit: \(text)")
        fuzzCheck(fieldLines.count == head.fields.count, "\(fieldLines.count) field lines but \(head.fields.count) fields parsed: \(text)")
        var hosts = 0
        var lengths: [ArraySlice<UInt8>] = []
        var codings: [String] = []
        for line in fieldLines {
            fuzzCheck(ReferenceChunkedBody.isFieldLine(line), "accepted an invalid field line \(fuzzDescribe(line))")
            let colon = line.firstIndex(of: 0x3A)!
            let name = String(decoding: line[..<colon].filter { $0 != 0x20 && $0 != 0x09 }, as: UTF8.self).lowercased()
            let value = line[(colon + 1)...]
            switch name {
            case "host": hosts += 1
            case "content-length": lengths.append(contentsOf: value.split(separator: 0x2C, omittingEmptySubsequences: false))
            case "transfer-encoding":
                codings += value.split(separator: 0x2C).map { trim($0).lowercased() }.filter { !$0.isEmpty }
            default: break
            }
        }
        if head.versionMinor >= 1 {
            fuzzCheck(hosts == 1, "accepted an HTTP/1.1 request with \(hosts) Host fields: \(text)")
        }
        fuzzCheck(lengths.isEmpty || codings.isEmpty, "accepted both Content-Length and Transfer-Encoding: \(text)")
        if !codings.isEmpty {
            fuzzCheck(codings == ["chunked"], "accepted Transfer-Encoding \(codings): \(text)")
            fuzzCheck(framing == .chunked, "Transfer-Encoding chunked but framing \(framing): \(text)")
        } else if !lengths.isEmpty {
            let numbers = Set(lengths.map { member -> String in
                let digits = trim(member)
                fuzzCheck(!digits.isEmpty && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "accepted Content-Length member \(digits.debugDescription): \(text)")
                let significant = digits.drop { $0 == "0" }
                return significant.isEmpty ? "0" : String(significant)
            })
            fuzzCheck(numbers.count == 1, "accepted conflicting Content-Length values \(numbers): \(text)")
            let length = numbers.first!
            fuzzCheck(length.count <= 18 && Int(length)! <= configuration.body, "accepted Content-Length \(length) over the limit")
            let expected: BodyFraming = length == "0" ? .noBody : .contentLength(Int(length)!)
            fuzzCheck(framing == expected, "Content-Length \(length) but framing \(framing): \(text)")
        } else {
            fuzzCheck(framing == .noBody, "no framing field but framing \(framing): \(text)")
        }
    }

    static func checkBody(_ body: [UInt8], framing: BodyFraming, raw: ArraySlice<UInt8>, _ configuration: Configuration) {
        fuzzCheck(body.count <= raw.count, "a \(body.count)-byte body from \(raw.count) bytes")
        fuzzCheck(body.count <= configuration.body, "a \(body.count)-byte body over the \(configuration.body) limit")
        switch framing {
        case .noBody:
            fuzzCheck(false, "a body read for a request without one")
        case .contentLength(let length):
            fuzzCheck(body.count == length && Array(raw) == body, "Content-Length \(length) but body \(fuzzDescribe(body)) from \(fuzzDescribe(raw))")
        case .chunked:
            let expected = ReferenceChunkedBody.read(raw, syntax: .framing, limits: configuration.chunkLimits)
            fuzzCheck(expected == .complete(body: body, length: raw.count),
                      "chunked body \(fuzzDescribe(body)) read from \(fuzzDescribe(raw)), the reference says \(expected)")
        }
    }

    static func trim(_ bytes: ArraySlice<UInt8>) -> String {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return String(decoding: Array(trimmed), as: UTF8.self)
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-http-parser", HTTPParserHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    HTTPParserHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-http-parser") }
}
#endif
