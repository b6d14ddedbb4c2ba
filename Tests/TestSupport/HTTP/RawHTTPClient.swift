import Foundation
import Glibc

/// A blocking HTTP/1.1 client over a plain socket, for tests that need to see exactly what
/// crosses the wire. Every read waits with poll(2) up to a deadline (SO_RCVTIMEO stays as a
/// safety net), so a test that expects bytes that never come fails instead of hanging.
///
/// It blocks: a test in an `async` context calls it through ``offPool(_:)``, so that the
/// cooperative pool stays free for the server under test.
public final class RawHTTPClient {
    public typealias Response = HTTPTestResponse

    public let fd: Int32
    private var pending: [UInt8] = []
    public private(set) var sawEOF = false

    /// How long a read waits, at most, when the caller gives no deadline: a guard against a
    /// hang, no bound on the server. Only a test that fails anyway (the bytes never come) waits
    /// that long. Generous because a server may be waiting on the test itself (a held request
    /// the test releases), and the test on a thread of the cooperative pool, which the tests
    /// running beside it on two cores may keep busy for tens of seconds.
    public static let patience: Duration = .seconds(120)

    public init(port: Int, timeout: Duration = RawHTTPClient.patience) throws {
        fd = try loopbackConnection(port: port, timeout: timeout)
    }

    deinit {
        Glibc.close(fd)
    }

    /// True when a connection to `port` is accepted by the kernel.
    public static func canConnect(port: Int) -> Bool {
        (try? RawHTTPClient(port: port)) != nil
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        guard Self.sendAll(fd: fd, bytes) else { throw TestFailure("send failed: errno \(errno)") }
    }

    /// Writes every byte; false when the peer is gone. Usable from another thread (the fd is an Int32).
    public static func sendAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Sends FIN: the server sees end of stream but can still answer.
    public func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Sends a POST and reads its response.
    public func post(_ path: String, body: [UInt8], headers: [(String, String)] = []) throws -> Response {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try send(Array((head + "\r\n").utf8) + body)
        return try response()
    }

    /// Sends a GET and reads its response.
    public func get(_ target: String, headers: [(String, String)] = []) throws -> Response {
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try send(head + "\r\n")
        return try response()
    }

    /// Reads more bytes into `pending`; false at EOF/reset or when the deadline passes.
    private func fill(until deadline: ContinuousClock.Instant) -> Bool {
        guard !sawEOF else { return false }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return false }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: remaining.components.seconds * 1000
            + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno == EINTR { return fill(until: deadline) }
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            // 0 is an orderly close; ECONNRESET also ends the stream.
            if count == 0 || errno != EAGAIN { sawEOF = true }
            return false
        }
        pending.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads one response. Returns nil if the connection ended (or the deadline passed) before a
    /// complete response arrived.
    public func readResponse(isHEAD: Bool = false, timeout: Duration = RawHTTPClient.patience) -> Response? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (response, length) = Response.parse(pending, isHEAD: isHEAD, complete: sawEOF) {
                pending.removeFirst(length)
                return response
            }
            if !fill(until: deadline) {
                if let (response, length) = Response.parse(pending, isHEAD: isHEAD, complete: true) {
                    pending.removeFirst(length)
                    return response
                }
                return nil
            }
        }
    }

    /// Reads one response, or throws saying why there was none.
    public func response(isHEAD: Bool = false) throws -> Response {
        guard let response = readResponse(isHEAD: isHEAD) else {
            throw TestFailure(sawEOF ? "the connection ended before a complete response (\(pending.count) bytes)"
                                     : "no complete response within \(Self.patience)")
        }
        return response
    }

    /// Reads everything until the server closes; nil if it did not close before the deadline.
    public func readUntilClosed(timeout: Duration = RawHTTPClient.patience) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while fill(until: deadline) {}
        guard sawEOF else { return nil }
        defer { pending.removeAll() }
        return pending
    }

    /// True if the server closes the connection before the deadline (bytes are discarded).
    public func waitForClose(timeout: Duration = RawHTTPClient.patience) -> Bool {
        readUntilClosed(timeout: timeout) != nil
    }
}
