@testable import HTTPServer
import Testing

/// The response head as the encoder writes it, byte for byte, around the size of the room it
/// gathers the head in on the stack.
@Suite("Response encoder")
struct ResponseEncoderTests {
    /// The bytes `encode` appends to `output`, which already holds `before`.
    static func encoded(_ response: HTTPResponse, keepAlive: Bool = true, before: String = "") -> (String, close: Bool) {
        var encoder = ResponseEncoder(serverName: "test")
        var output = Array(before.utf8)
        let close = encoder.encode(response, isHEAD: false, keepAlive: keepAlive, into: &output)
        return (String(decoding: output, as: UTF8.self), close)
    }

    /// The head the encoder must write for `fields` (each "Name: value") and a 4-byte body.
    static func expected(_ fields: [String]) -> String {
        "HTTP/1.1 200 OK\r\n" + fields.map { $0 + "\r\n" }.joined() + "Content-Length: 4\r\nConnection: keep-alive\r\n\r\nbody"
    }

    @Test("pieces that fill the room exactly, one of exactly its size, one longer: the head goes out whole and in order",
          arguments: [-1, 0, 1])
    func aroundTheRoom(shift: Int) {
        let status = "HTTP/1.1 200 OK\r\n"
        let fixed = ["Date: Sun, 06 Nov 1994 08:49:37 GMT", "Server: fixed"]
        let fixedBytes = status.utf8.count + fixed.reduce(0) { $0 + $1.utf8.count + 2 }
        // X-Fill's line ends exactly at the room's end (then one byte before or after it).
        let fill = "X-Fill: " + String(repeating: "f", count: 1_024 - fixedBytes - "X-Fill: \r\n".utf8.count + shift)
        let fields = fixed + [fill, "X-Exact: " + String(repeating: "e", count: 1_024 - "X-Exact: ".utf8.count),
                              "X-Piece: " + String(repeating: "p", count: 1_024), "X-Over: " + String(repeating: "o", count: 1_025),
                              "X-After: last"]
        var headers = HTTPHeaders()
        for field in fields {
            let parts = field.split(separator: ":", maxSplits: 1)
            headers.add(String(parts[0]), String(parts[1].dropFirst()))
        }
        let (bytes, close) = Self.encoded(HTTPResponse(status: 200, headers: headers, body: Array("body".utf8)), before: "previous answer")
        #expect(bytes == "previous answer" + Self.expected(fields))
        #expect(!close)
    }

    @Test("the headers the server adds, and a close the handler asks for")
    func addedHeaders() {
        var headers = HTTPHeaders()
        headers.add("Connection", "close")
        let (bytes, close) = Self.encoded(HTTPResponse(status: 404, headers: headers, body: Array("none".utf8)))
        #expect(bytes.hasPrefix("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 4\r\nDate: "))
        #expect(bytes.hasSuffix(" GMT\r\nServer: test\r\n\r\nnone"))
        #expect(close)
        let (empty, _) = Self.encoded(HTTPResponse(status: 204))
        #expect(empty.hasPrefix("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nDate: "))
    }
}
