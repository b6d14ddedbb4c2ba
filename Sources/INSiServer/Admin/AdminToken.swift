/// The bearer token of the admin API, compared in constant time.
public struct AdminToken: Sendable {
    private let bytes: [UInt8]

    public init(_ token: String) {
        bytes = Array(token.utf8)
    }

    /// True when `header` is `Bearer <token>`. The time taken does not depend on where the
    /// candidate differs, nor on its length beyond the token's own.
    func accepts(authorization header: String) -> Bool {
        let prefix = Array("Bearer ".utf8)
        let candidate = Array(header.utf8)
        guard candidate.count >= prefix.count, candidate[0..<prefix.count].elementsEqual(prefix) else { return false }
        let sent = candidate[prefix.count...]
        var difference = UInt8(sent.count == bytes.count ? 0 : 1)
        for index in 0..<bytes.count {
            let other = index < sent.count ? sent[sent.startIndex + index] : 0
            difference |= bytes[index] ^ other
        }
        return difference == 0
    }

    /// True for addresses only this machine can reach.
    public static func isLoopback(_ host: String) -> Bool {
        let trimmed = host.trimmingCharacters(in: ["[", "]"])
        return trimmed == "localhost" || trimmed == "::1" || trimmed.hasPrefix("127.")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
