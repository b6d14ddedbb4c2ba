import Foundation

/// A response read off a connection (TLS or plain) by the tests' clients.
public struct HTTPTestResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first response of `bytes` and the bytes it takes, or nil when it is not all there.
    /// `complete`: the connection ended, so a body without a length ends with the bytes.
    public static func parse(_ bytes: [UInt8], isHEAD: Bool, complete: Bool) -> (HTTPTestResponse, Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
              let headEnd = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(terminator) }) else { return nil }
        var lines = String(decoding: bytes[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = HTTPTestResponse(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        if isHEAD || (100..<200).contains(status) || status == 204 || status == 304 {
            return (response, bodyStart)
        }
        if let text = response.header("Content-Length"), let length = Int(text) {
            guard bytes.count - bodyStart >= length else { return nil }
            response.body = Array(bytes[bodyStart..<(bodyStart + length)])
            return (response, bodyStart + length)
        }
        // No length: the body runs to the end of the connection.
        guard complete else { return nil }
        response.body = Array(bytes[bodyStart...])
        return (response, bytes.count)
    }
}
