import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A tiny TCP listener on 127.0.0.1 standing for a broken INSi: it accepts connections and
/// never answers (`silent`, `swallow`), or answers canned bytes once the request is read.
public final class RawListener: Sendable {
    public enum Behaviour: Sendable {
        /// Accepts and holds the connection open without a byte.
        case silent
        /// Reads the request (headers and Content-Length body), writes these bytes, closes.
        case answer([UInt8])
        /// Reads whatever comes and never writes a byte: a TLS server that accepts the
        /// connection and never answers the ClientHello. What it sees goes to `events`.
        case swallow
    }

    /// What a `swallow` listener sees, in order.
    public enum Event: Sendable, Equatable {
        case bytes([UInt8])
        /// The client closed the connection (or reset it).
        case closed
    }

    public let port: Int
    private let listenFD: Int32
    private let behaviour: Behaviour
    /// Accepted connections, closed by `stop`.
    private let connections = Mutex<[Int32]>([])
    private let stopped = Mutex(false)
    private let received = Mutex<[[UInt8]]>([])
    private let stream = AsyncStream<Event>.makeStream()

    /// Every read of a `swallow` listener, and the end of each connection.
    public var events: AsyncStream<Event> { stream.stream }

    /// Every request read (head and body), in order.
    public var requests: [[UInt8]] { received.withLock { $0 } }

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let (fd, port) = try RawListener.bindLoopback()
        guard listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        listenFD = fd
        self.port = port
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// An HTTP answer with these parts.
    public static func http(status: String, contentType: String, body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + bytes
    }

    /// A port nobody listens on, and nobody can take while the tests run: a socket bound to it
    /// and never listening, so connecting is refused. Closing that socket would let the port go
    /// back to the ephemeral pool, where, with the suite in parallel, another test's server could
    /// bind it or the connecting socket itself get it as its source port (a TCP self-connect that
    /// "succeeds"). The descriptor stays open for the test process's life: a few per run.
    public static func closedPort() throws -> Int {
        let (_, port) = try bindLoopback()
        return port
    }

    public var endpoint: URL {
        URL(string: "http://127.0.0.1:\(port)/lps")!
    }

    public var httpsEndpoint: URL {
        URL(string: "https://127.0.0.1:\(port)/lps")!
    }

    public func stop() {
        let first = stopped.withLock { value -> Bool in
            defer { value = true }
            return !value
        }
        guard first else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        if case .swallow = behaviour {
            // A reader blocked on one returns and closes it; under the lock, so that no
            // descriptor is shut down after its reader closed it (and the number was reused).
            connections.withLock { fds in fds.forEach { shutdown($0, Int32(SHUT_RDWR)) } }
        } else {
            for fd in connections.withLock({ $0 }) { close(fd) }
        }
        stream.continuation.finish()
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            guard client >= 0 else { return }
            if stopped.withLock({ $0 }) { close(client); return }
            connections.withLock { $0.append(client) }
            switch behaviour {
            case .silent:
                continue
            case .swallow:
                Thread.detachNewThread { [self] in swallow(client) }
            case .answer(let bytes):
                let request = RawListener.readRequest(client)
                received.withLock { $0.append(request) }
                bytes.withUnsafeBytes { buffer in _ = send(client, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
                shutdown(client, Int32(SHUT_WR))
            }
        }
    }

    private func swallow(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            stream.continuation.yield(.bytes(Array(buffer[0..<count])))
        }
        stream.continuation.yield(.closed)
        connections.withLock { fds in
            fds.removeAll { $0 == fd }
            close(fd)
        }
    }

    /// Reads until the end of the headers and Content-Length bytes of body.
    private static func readRequest(_ fd: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return received }
            received += buffer[0..<count]
            guard let end = received.firstRange(of: separator) else { continue }
            let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
            var length = 0
            for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            if received.count - end.upperBound >= length { return received }
        }
    }

    private static func bindLoopback() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
