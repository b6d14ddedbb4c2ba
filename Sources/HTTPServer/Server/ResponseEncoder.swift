/// Serialises responses into a connection's output buffer, adding the framing headers the
/// application left out. Each event loop owns one (it holds the loop's date cache).
package struct ResponseEncoder {
    private let serverLine: [UInt8]
    private var dateCache = DateCache()

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    package init(serverName: String) {
        serverLine = Array("Server: \(serverName)\r\n".utf8)
    }

    /// Appends `response` to `output` and returns whether the connection must close after it.
    ///
    /// - Parameters:
    ///   - isHEAD: the request was HEAD: Content-Length describes the body but none is sent
    ///     (RFC 9110 §9.3.2).
    ///   - keepAlive: the server is willing to keep the connection; the response can still
    ///     ask for close with its own `Connection: close`.
    package mutating func encode(_ response: HTTPResponse, isHEAD: Bool, keepAlive: Bool, into output: inout [UInt8]) -> Bool {
        let status = response.status
        let sendsBody = !isHEAD && !HTTPStatus.forbidsBody(status)
        output.reserveCapacity(output.count + 256 + (sendsBody ? response.body.count : 0))
        // The head is written in a buffer on the stack, then appended at once: appended piece by
        // piece, a dozen appends cost about 1,600 instructions an answer.
        let close = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HeadBuffer.capacity) { room in
            var head = HeadBuffer(room)
            defer { head.flush(into: &output) }
            return writeHead(response, keepAlive: keepAlive, into: &head, output: &output)
        }
        if sendsBody {
            output.append(contentsOf: response.body)
        }
        return close
    }

    private mutating func writeHead(_ response: HTTPResponse, keepAlive: Bool, into head: inout HeadBuffer, output: inout [UInt8]) -> Bool {
        let status = response.status
        // The server always speaks HTTP/1.1, also to 1.0 clients (RFC 9110 §6.2).
        head.write(Self.version, output: &output)
        head.writeDecimal(status, output: &output)
        head.write(Self.space, output: &output)
        head.write(HTTPStatus.reasonPhrase(status), output: &output)
        head.write(Self.crlf, output: &output)

        var close = !keepAlive
        var hasContentLength = false
        var hasTransferEncoding = false
        var hasConnection = false
        var hasDate = false
        var hasServer = false
        for field in response.headers {
            switch field.name.utf8.count {
            case 4: hasDate = hasDate || HTTPHeaders.namesEqual(field.name, "Date")
            case 6: hasServer = hasServer || HTTPHeaders.namesEqual(field.name, "Server")
            case 10:
                if HTTPHeaders.namesEqual(field.name, "Connection") {
                    if HTTPHeaders.list(field.value, contains: "close") {
                        close = true
                    } else if close {
                        // The server closes this connection: a handler's keep-alive would be a lie.
                        continue
                    }
                    hasConnection = true
                }
            case 14: hasContentLength = hasContentLength || HTTPHeaders.namesEqual(field.name, "Content-Length")
            case 17: hasTransferEncoding = hasTransferEncoding || HTTPHeaders.namesEqual(field.name, "Transfer-Encoding")
            default: break
            }
            head.write(field.name, output: &output)
            head.write(Self.colonSpace, output: &output)
            head.write(field.value, output: &output)
            head.write(Self.crlf, output: &output)
        }
        if !hasContentLength && !hasTransferEncoding && !HTTPStatus.forbidsBody(status) {
            head.write(Self.contentLengthPrefix, output: &output)
            head.writeDecimal(response.body.count, output: &output)
            head.write(Self.crlf, output: &output)
        }
        if !hasConnection {
            head.write(close ? Self.connectionClose : Self.connectionKeepAlive, output: &output)
        }
        if !hasDate {
            dateCache.currentLine().withUnsafeBufferPointer { head.write($0, output: &output) }
        }
        if !hasServer {
            serverLine.withUnsafeBufferPointer { head.write($0, output: &output) }
        }
        head.write(Self.crlf, output: &output)
        return close
    }

    // Constants in the binary rather than arrays made at run time: an array shared by the
    // event loops is retained and released by each on every answer, and its reference count
    // went from core to core.
    private static var version: StaticString { "HTTP/1.1 " }
    private static var space: StaticString { " " }
    private static var crlf: StaticString { "\r\n" }
    private static var colonSpace: StaticString { ": " }
    private static var contentLengthPrefix: StaticString { "Content-Length: " }
    private static var connectionClose: StaticString { "Connection: close\r\n" }
    private static var connectionKeepAlive: StaticString { "Connection: keep-alive\r\n" }

}

/// A response head being written: bytes gathered in memory on the stack, handed to the output
/// in one append when full and at the end. A head longer than the room (a handler's long
/// headers) is still written whole and in order: the room is handed over when the next piece
/// does not fit, and a piece longer than the whole room is appended directly after it.
private struct HeadBuffer {
    /// Room for the usual head (about 170 bytes for an INSi answer) and many more fields.
    static let capacity = 1_024

    private let room: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    init(_ room: UnsafeMutableBufferPointer<UInt8>) {
        self.room = room
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, output: inout [UInt8]) {
        guard let source = bytes.baseAddress, !bytes.isEmpty, let base = room.baseAddress else { return }
        if bytes.count > room.count - count {
            flush(into: &output)
            guard bytes.count <= room.count else { return output.append(contentsOf: bytes) }
        }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func write(_ text: StaticString, output: inout [UInt8]) {
        write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), output: &output)
    }

    mutating func write(_ text: String, output: inout [UInt8]) {
        // Native and small strings in place; any other made contiguous first.
        if text.utf8.withContiguousStorageIfAvailable({ write($0, output: &output) }) != nil { return }
        var text = text
        text.withUTF8 { write($0, output: &output) }
    }

    /// The decimal digits of a non-negative integer.
    mutating func writeDecimal(_ value: Int, output: inout [UInt8]) {
        ASCII.withDecimalDigits(value) { write($0, output: &output) }
    }

    /// Appends what is gathered to `output` and empties the room.
    mutating func flush(into output: inout [UInt8]) {
        guard count > 0, let base = room.baseAddress else { return }
        output.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }
}
