import Glibc

/// How the length of a request body is determined (RFC 9112 §6.3).
package enum BodyFraming: Equatable, Sendable {
    case noBody
    case contentLength(Int)
    case chunked
}

/// What the parser found in the bytes it was given.
package enum HTTPParseEvent: Sendable {
    /// Nothing more can be done until more bytes arrive.
    case needMoreData
    /// The head is complete and a body is still to come (used for `Expect: 100-continue`).
    /// Requests without a body, or whose whole body came with the head, go straight to `.request`.
    case head(HTTPRequestHead, BodyFraming)
    /// A complete request.
    case request(HTTPRequestHead, body: [UInt8])
    /// The request is invalid; the head is given when it had been parsed.
    case failure(HTTPServerError, HTTPRequestHead?)
}

/// Incremental HTTP/1.1 request parser working directly on bytes.
///
/// The caller keeps unconsumed bytes and hands them back, with whatever arrived since, on the next
/// call: a head is always parsed from one contiguous buffer, while body bytes are copied out as
/// they come so the caller's buffer stays small.
///
/// Line endings: only CRLF is accepted. RFC 9112 §2.2 lets a recipient accept a bare LF, but
/// accepting it where other parties on the path do not is a known request-smuggling vector, and
/// every client we simulate for sends CRLF, so a bare LF is answered with 400.
package struct HTTPRequestParser {
    private enum State {
        /// Reading a head; `scanned` bytes of it were already searched for the end of the head,
        /// `lineEnd` is the offset of the CR ending the request line once seen. `scanned` is 0
        /// until a byte of the request line (not an empty line before it) was seen.
        case head(scanned: Int, lineEnd: Int?)
        case body(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        /// After a failure nothing more is parsed; the connection is going to be closed.
        case failed
    }

    let limits: HTTPServerConfiguration.Limits
    let requireHost: Bool
    private var state: State = .head(scanned: 0, lineEnd: nil)
    private var currentHead: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Empty lines skipped before the request line being waited for.
    private var emptyLinesSkipped = 0

    package init(limits: HTTPServerConfiguration.Limits, requireHost: Bool = true) {
        self.limits = limits
        self.requireHost = requireHost
    }

    /// True between requests: no byte of the next request has been consumed yet (empty lines
    /// before a request line do not count: they are not a request).
    var isBetweenRequests: Bool {
        if case .head(let scanned, _) = state { return scanned == 0 }
        return false
    }

    /// True while the body of a request is being read.
    var isReadingBody: Bool {
        switch state {
        case .body, .chunked: true
        case .head, .failed: false
        }
    }

    /// Parses as much of `input` as possible and reports the first event found.
    /// `consumed` is set to the number of bytes of `input` the caller must drop.
    package mutating func parse(_ input: UnsafeBufferPointer<UInt8>, consumed: inout Int) -> HTTPParseEvent {
        consumed = 0
        switch state {
        case .head(let scanned, let lineEnd):
            return parseHead(input, scanned: scanned, lineEnd: lineEnd, consumed: &consumed)
        case .body(let remaining):
            let take = min(remaining, input.count)
            if take > 0, let base = input.baseAddress {
                body.append(contentsOf: UnsafeBufferPointer(start: base, count: take))
            }
            consumed = take
            if remaining - take == 0 {
                return finishRequest()
            }
            state = .body(remaining: remaining - take)
            return .needMoreData
        case .chunked(var decoder):
            let result = decoder.decode(input, into: &body, limits: limits, consumed: &consumed)
            switch result {
            case .needMoreData:
                state = .chunked(decoder)
                return .needMoreData
            case .done:
                return finishRequest()
            case .failure(let error):
                return fail(error, currentHead)
            }
        case .failed:
            return .needMoreData
        }
    }

    private mutating func finishRequest() -> HTTPParseEvent {
        // Taken, not copied: the parser keeps no head between requests.
        let head = currentHead.take() ?? HTTPRequestHead(method: "", target: "")
        var completed: [UInt8] = []
        swap(&completed, &body)
        state = .head(scanned: 0, lineEnd: nil)
        emptyLinesSkipped = 0
        return .request(head, body: completed)
    }

    private mutating func fail(_ error: HTTPServerError, _ head: HTTPRequestHead?) -> HTTPParseEvent {
        state = .failed
        body = []
        currentHead = nil
        return .failure(error, head)
    }

    // MARK: Head

    private mutating func parseHead(
        _ input: UnsafeBufferPointer<UInt8>,
        scanned: Int,
        lineEnd knownLineEnd: Int?,
        consumed: inout Int
    ) -> HTTPParseEvent {
        guard let inputBase = input.baseAddress, !input.isEmpty else { return .needMoreData }
        var start = 0
        if scanned == 0 {
            // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the
            // request-line (some clients send a CRLF after a POST body). Only a few: empty
            // lines are not a request, and must not keep a connection open forever.
            while start + 1 < input.count && input[start] == ASCII.cr && input[start + 1] == ASCII.lf {
                guard emptyLinesSkipped < limits.maxEmptyLinesBeforeRequest else {
                    // The lines skipped so far count as consumed, however the reads split them.
                    consumed = start
                    return fail(.malformedRequest("more than \(limits.maxEmptyLinesBeforeRequest) empty lines before the request line"), nil)
                }
                emptyLinesSkipped += 1
                start += 2
            }
            consumed = start
            if start == input.count || (start + 1 == input.count && input[start] == ASCII.cr) {
                return .needMoreData
            }
        }
        let base = inputBase + start
        let count = input.count - start
        var position = scanned
        var lineEnd = knownLineEnd
        var headEnd: Int?
        while position < count {
            guard let found = memchr(base + position, Int32(ASCII.lf), count - position) else {
                position = count
                break
            }
            let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard lf > 0, base[lf - 1] == ASCII.cr else {
                return fail(.malformedRequest("bare LF line ending"), nil)
            }
            if lineEnd == nil {
                lineEnd = lf - 1
                // RFC 9112 §3: a server receiving a request-target longer than it is willing
                // to parse responds 414.
                if lf - 1 > limits.maxRequestLineBytes {
                    return fail(requestLineTooLong(base, count: lf - 1), nil)
                }
            } else if lf >= 3 && base[lf - 2] == ASCII.lf && base[lf - 3] == ASCII.cr {
                headEnd = lf + 1
                break
            }
            position = lf + 1
        }
        guard let headEnd, let lineEnd else {
            // A CR last may be the first half of the line's CRLF: not counted, or the verdict
            // would depend on where the reads split the bytes.
            if lineEnd == nil && count - (base[count - 1] == ASCII.cr ? 1 : 0) > limits.maxRequestLineBytes {
                return fail(requestLineTooLong(base, count: count), nil)
            }
            if count > limits.maxHeaderBytes {
                return fail(.headersTooLarge, nil)
            }
            state = .head(scanned: position, lineEnd: lineEnd)
            return .needMoreData
        }
        if headEnd > limits.maxHeaderBytes {
            return fail(.headersTooLarge, nil)
        }
        consumed = start + headEnd
        state = .head(scanned: 0, lineEnd: nil)
        let head: HTTPRequestHead
        var framing = FramingFields()
        switch parseHeadFields(UnsafeBufferPointer(start: base, count: headEnd), lineEnd: lineEnd, framing: &framing) {
        case .success(let parsed): head = parsed
        case .failure(let error): return fail(error, nil)
        }
        switch bodyFraming(of: head, framing) {
        case .failure(let error):
            return fail(error, head)
        case .success(.noBody):
            // The empty lines allowed before a request line are counted per request.
            emptyLinesSkipped = 0
            return .request(head, body: [])
        case .success(.contentLength(let length)) where count - headEnd >= length:
            // The whole body came with its head (a client's usual request): complete at once,
            // without a `.head` event, a second pass or a body grown piece by piece.
            consumed = start + headEnd + length
            emptyLinesSkipped = 0
            return .request(head, body: Array(UnsafeBufferPointer(start: base + headEnd, count: length)))
        case .success(.contentLength(let length)):
            currentHead = head
            body = []
            // Reserve what a normal request needs, not what a head claims: 4,096 heads of
            // `Content-Length: 1048576` and one body byte each must not pin 4 GiB.
            body.reserveCapacity(min(length, 64 * 1024))
            state = .body(remaining: length)
            return .head(head, .contentLength(length))
        case .success(.chunked):
            currentHead = head
            body = []
            state = .chunked(ChunkedBodyDecoder())
            return .head(head, .chunked)
        }
    }

    /// 414 when the line at least starts like a request line (a method then a space), since then
    /// it is the target that is too long; 400 for anything else.
    private func requestLineTooLong(_ base: UnsafePointer<UInt8>, count: Int) -> HTTPServerError {
        var index = 0
        while index < count && ASCII.isTokenChar(base[index]) { index += 1 }
        if index > 0 && index < count && base[index] == ASCII.space {
            return .uriTooLong
        }
        return .malformedRequest("request line too long and not HTTP")
    }

    /// What the fields say of the body's length, gathered as they are read: the usual request
    /// has one Content-Length and no Transfer-Encoding, and no later pass over the fields'
    /// strings looks for them again.
    struct FramingFields {
        var transferEncodingFields = 0
        /// The Content-Length members read so far: all the same number, or the first problem;
        /// nil when the head has no Content-Length field.
        var contentLength: Result<Int, HTTPServerError>?

        /// Reads the members of one Content-Length field's value (`bytes[value]`), in place.
        mutating func addContentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) {
            // The first problem is the answer: the fields after it are not read.
            if case .failure? = contentLength { return }
            var memberStart = value.lowerBound
            while true {
                var memberEnd = memberStart
                while memberEnd < value.upperBound && bytes[memberEnd] != UInt8(ascii: ",") { memberEnd += 1 }
                let digits = ASCII.trimmingWhitespace(UnsafeBufferPointer(rebasing: bytes[memberStart..<memberEnd]))
                guard !digits.isEmpty else {
                    contentLength = .failure(.malformedRequest("invalid Content-Length"))
                    return
                }
                var parsed = 0
                for byte in digits {
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                        contentLength = .failure(.malformedRequest("invalid Content-Length"))
                        return
                    }
                    // Saturate instead of overflowing: anything this big is over the limit anyway.
                    parsed = parsed > Int.max / 20 ? Int.max / 2 : parsed * 10 + Int(byte - UInt8(ascii: "0"))
                }
                // §6.3 item 5: several values (fields or list members) only when all the same.
                if case .success(let earlier)? = contentLength, earlier != parsed {
                    contentLength = .failure(.malformedRequest("conflicting Content-Length values"))
                    return
                }
                contentLength = .success(parsed)
                guard memberEnd < value.upperBound else { return }
                memberStart = memberEnd + 1
            }
        }
    }

    /// Parses a complete head: `bytes` ends with the empty line, `lineEnd` is the CR of the request line.
    private func parseHeadFields(
        _ bytes: UnsafeBufferPointer<UInt8>,
        lineEnd: Int,
        framing: inout FramingFields
    ) -> Result<HTTPRequestHead, HTTPServerError> {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
        var index = 0
        while index < lineEnd && ASCII.isTokenChar(bytes[index]) { index += 1 }
        guard index > 0, index < lineEnd, bytes[index] == ASCII.space else {
            return .failure(.malformedRequest("invalid method"))
        }
        let method = Self.string(bytes, 0, index)
        index += 1
        let targetStart = index
        var queryMark: Int?
        while index < lineEnd && bytes[index] != ASCII.space {
            let byte = bytes[index]
            // Any visible character; RFC 3986 validation is left to the application.
            guard byte > 0x20 && byte != 0x7F else {
                return .failure(.malformedRequest("invalid character in request-target"))
            }
            if byte == UInt8(ascii: "?") && queryMark == nil { queryMark = index }
            index += 1
        }
        guard index > targetStart, index < lineEnd else {
            return .failure(.malformedRequest("invalid request-target"))
        }
        let targetEnd = index
        let versionMinor: Int
        switch Self.parseVersion(bytes, from: index + 1, to: lineEnd) {
        case .success(let minor): versionMinor = minor
        case .failure(let error): return .failure(error)
        }
        let target = Self.string(bytes, targetStart, targetEnd)
        let authority: String?
        let path: String
        let query: String?
        if bytes[targetStart] != UInt8(ascii: "/") {
            // Absolute form (RFC 9112 §3.2.2: a server MUST accept it) or asterisk form.
            (authority, path, query) = HTTPRequestHead.split(target)
        } else if let queryMark {
            authority = nil
            path = Self.string(bytes, targetStart, queryMark)
            query = Self.string(bytes, queryMark + 1, targetEnd)
        } else {
            authority = nil
            path = target
            query = nil
        }

        // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
        var headers = HTTPHeaders(reservingCapacity: 8)
        // Counted while the fields are read, so that no later pass looks for them again.
        var hosts = 0
        var lineStart = lineEnd + 2
        let headerSectionEnd = bytes.count - 2
        while lineStart < headerSectionEnd {
            var lineStop = lineStart
            // Every LF of the head follows a CR (`parseHead` refused a bare one): the line ends
            // at the CR before the next LF, found with memchr (byte by byte, the loop below was
            // about 1,200 instructions a request). The loop stays, to confirm it: were that rule
            // ever broken, it would go on to the same CRLF as before.
            if let base = bytes.baseAddress, let found = memchr(base + lineStart, Int32(ASCII.lf), bytes.count - lineStart) {
                lineStop = max(lineStart, base.distance(to: found.assumingMemoryBound(to: UInt8.self)) - 1)
            }
            while bytes[lineStop] != ASCII.cr || bytes[lineStop + 1] != ASCII.lf { lineStop += 1 }
            let field: (name: Range<Int>, value: Range<Int>)
            switch FieldLine.parse(bytes, from: lineStart, to: lineStop) {
            case .success(let parsed): field = parsed
            case .failure(let error): return .failure(error)
            }
            if headers.count >= limits.maxHeaderCount {
                return .failure(.headersTooLarge)
            }
            switch field.name.count {
            case 4 where ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[field.name]), "host"):
                hosts += 1
            case 14 where ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[field.name]), "content-length"):
                framing.addContentLength(bytes, field.value)
            case 17 where ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[field.name]), "transfer-encoding"):
                framing.transferEncodingFields += 1
            default:
                break
            }
            headers.add(Self.string(bytes, field.name.lowerBound, field.name.upperBound),
                        Self.string(bytes, field.value.lowerBound, field.value.upperBound))
            lineStart = lineStop + 2
        }

        if requireHost && versionMinor >= 1 {
            // RFC 9112 §3.2: 400 for an HTTP/1.1 request with no Host or more than one.
            if hosts != 1 {
                return .failure(.malformedRequest(hosts == 0 ? "missing Host header" : "multiple Host headers"))
            }
        }
        return .success(HTTPRequestHead(
            method: method, target: target, targetAuthority: authority, path: path, query: query,
            versionMinor: versionMinor, headers: headers
        ))
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). Another major version gets 505.
    private static func parseVersion(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        to end: Int
    ) -> Result<Int, HTTPServerError> {
        let prefix = "HTTP/".utf8
        guard end - start >= prefix.count + 3 else {
            return .failure(.malformedRequest("invalid HTTP version"))
        }
        var index = start
        for expected in prefix {
            guard bytes[index] == expected else { return .failure(.malformedRequest("invalid HTTP version")) }
            index += 1
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard end - index == 3, isDigit(bytes[index]), bytes[index + 1] == UInt8(ascii: "."),
              isDigit(bytes[index + 2]) else {
            return .failure(.malformedRequest("invalid HTTP version"))
        }
        guard bytes[index] == UInt8(ascii: "1") else {
            return .failure(.unsupportedVersion)
        }
        return .success(Int(bytes[index + 2] - UInt8(ascii: "0")))
    }

    /// Decides how the body is delimited (RFC 9112 §6.1, §6.3), from what the fields said of it.
    private func bodyFraming(of head: HTTPRequestHead, _ framing: FramingFields) -> Result<BodyFraming, HTTPServerError> {
        if framing.transferEncodingFields > 0 {
            let transferEncodings = head.headers.values("Transfer-Encoding")
            // §6.1: a message with both may be a smuggling attempt; we reject it outright.
            guard framing.contentLength == nil else {
                return .failure(.malformedRequest("both Content-Length and Transfer-Encoding"))
            }
            var codings: [Substring.UTF8View] = []
            for value in transferEncodings {
                for element in value.utf8.split(separator: UInt8(ascii: ",")) {
                    let coding = ASCII.trimmingWhitespace(element)
                    if !coding.isEmpty { codings.append(coding) }
                }
            }
            let chunked = "chunked".utf8
            // §6.3 item 4: chunked must be the final coding, otherwise the length is unknown: 400.
            guard let last = codings.last, ASCII.equalsIgnoringCase(last, chunked) else {
                return .failure(.malformedRequest("chunked is not the final transfer coding"))
            }
            let others = codings.dropLast()
            if others.contains(where: { ASCII.equalsIgnoringCase($0, chunked) }) {
                return .failure(.malformedRequest("chunked applied more than once"))
            }
            // §6.1: a transfer coding the server does not understand gets 501.
            return others.isEmpty ? .success(.chunked) : .failure(.unsupportedTransferEncoding)
        }
        switch framing.contentLength {
        case nil:
            return .success(.noBody)
        case .failure(let error)?:
            return .failure(error)
        case .success(let length)?:
            if length > limits.maxBodyBytes {
                return .failure(.bodyTooLarge(limit: limits.maxBodyBytes))
            }
            return .success(length == 0 ? .noBody : .contentLength(length))
        }
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
    }
}
