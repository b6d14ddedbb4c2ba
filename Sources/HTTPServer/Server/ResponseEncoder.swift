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

        // The server always speaks HTTP/1.1, also to 1.0 clients (RFC 9110 §6.2).
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        ASCII.appendDecimal(status, to: &output)
        output.append(ASCII.space)
        output.append(contentsOf: HTTPStatus.reasonPhrase(status).utf8)
        Self.append(Self.crlf, to: &output)

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
            output.append(contentsOf: field.name.utf8)
            Self.append(Self.colonSpace, to: &output)
            output.append(contentsOf: field.value.utf8)
            Self.append(Self.crlf, to: &output)
        }
        if !hasContentLength && !hasTransferEncoding && !HTTPStatus.forbidsBody(status) {
            Self.append(Self.contentLengthPrefix, to: &output)
            ASCII.appendDecimal(response.body.count, to: &output)
            Self.append(Self.crlf, to: &output)
        }
        if !hasConnection {
            Self.append(close ? Self.connectionClose : Self.connectionKeepAlive, to: &output)
        }
        if !hasDate {
            output.append(contentsOf: dateCache.currentLine())
        }
        if !hasServer {
            output.append(contentsOf: serverLine)
        }
        Self.append(Self.crlf, to: &output)
        if sendsBody {
            output.append(contentsOf: response.body)
        }
        return close
    }

    // Constants in the binary rather than arrays made at run time: an array shared by the
    // event loops is retained and released by each on every answer, and its reference count
    // went from core to core.
    private static var crlf: StaticString { "\r\n" }
    private static var colonSpace: StaticString { ": " }
    private static var contentLengthPrefix: StaticString { "Content-Length: " }
    private static var connectionClose: StaticString { "Connection: close\r\n" }
    private static var connectionKeepAlive: StaticString { "Connection: keep-alive\r\n" }

    @inline(__always)
    private static func append(_ text: StaticString, to output: inout [UInt8]) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }
}
