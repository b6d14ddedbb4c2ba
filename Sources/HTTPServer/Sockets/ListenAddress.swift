import Glibc

/// The address a server binds for a host name or literal: the first result of getaddrinfo with
/// AI_PASSIVE, exactly what ``HTTPServer/start()`` binds. Lets a caller decide from the real
/// address, not from the spelling of the host ("127.example.org" is not loopback; "localhost"
/// is).
public struct ListenAddress: Sendable, CustomStringConvertible {
    let family: Int32
    private let storage: sockaddr_storage
    private let length: socklen_t

    /// Resolves `host` as the server would to listen on it.
    public static func resolve(host: String, port: Int = 0) throws(HTTPServerStartError) -> ListenAddress {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .cannotResolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        var storage = sockaddr_storage()
        let length = min(first.pointee.ai_addrlen, socklen_t(MemoryLayout<sockaddr_storage>.size))
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length)))
        }
        return ListenAddress(family: first.pointee.ai_family, storage: storage, length: length)
    }

    func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// True when only this machine can reach the address: 127.0.0.0/8, ::1, or an IPv4-mapped
    /// 127.x address.
    public var isLoopback: Bool {
        withUnsafeBytes(of: storage) { raw -> Bool in
            switch family {
            case AF_INET:
                let address = raw.load(as: sockaddr_in.self).sin_addr.s_addr
                return UInt32(bigEndian: address) >> 24 == 127
            case AF_INET6:
                let bytes = withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
                let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
                let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
                return bytes == loopback || (Array(bytes.prefix(12)) == mappedPrefix && bytes[12] == 127)
            default:
                return false
            }
        }
    }

    /// "127.0.0.1:8080" or "[::1]:8080".
    public var description: String { SocketAddress.describe(storage) }

    /// The address without the port: "127.0.0.1" or "::1".
    public var ip: String {
        let text = description
        guard let colon = text.lastIndex(of: ":") else { return text }
        return String(text[..<colon]).trimmingBrackets()
    }
}

extension String {
    fileprivate func trimmingBrackets() -> String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
