/// The bearer token of the admin API, compared in constant time.
public struct AdminToken: Sendable {
    private let bytes: [UInt8]

    public init(_ token: String) {
        bytes = Array(token.utf8)
    }

    /// True when `header` is `Bearer <token>`: the scheme in any case (RFC 9110 §11.1), one or
    /// more spaces, then the token. The time taken does not depend on where the candidate
    /// differs, nor on its length beyond the token's own.
    func accepts(authorization header: String) -> Bool {
        let scheme = Array("bearer".utf8)
        let candidate = Array(header.utf8)
        guard candidate.count > scheme.count,
              candidate[0..<scheme.count].map({ $0 | (($0 &- 65) < 26 ? 0x20 : 0) }).elementsEqual(scheme),
              candidate[scheme.count] == UInt8(ascii: " ") else { return false }
        let sent = candidate[scheme.count...].drop { $0 == UInt8(ascii: " ") }
        var difference = UInt8(sent.count == bytes.count ? 0 : 1)
        for index in 0..<bytes.count {
            let other = index < sent.count ? sent[sent.startIndex + index] : 0
            difference |= bytes[index] ^ other
        }
        return difference == 0
    }
}
