import Foundation
import Glibc
import TLSTestClient

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A response as read off the wire by ``TestClient``.
typealias TestResponse = TLSTestResponse

/// A blocking TCP client with deadlines on every read, for talking raw HTTP to the server.
///
/// Reads wait with poll(2) up to a deadline (and SO_RCVTIMEO as a safety net), so a test that
/// expects bytes that never come fails instead of hanging.
final class TestClient {
    let fd: Int32
    private var pending: [UInt8] = []
    private(set) var sawEOF = false

    init(port: Int, timeout: Duration = .seconds(5)) throws {
        fd = try loopbackConnection(port: port, timeout: timeout)
    }

    deinit {
        Glibc.close(fd)
    }

    /// True when a connection to `port` is accepted by the kernel.
    static func canConnect(port: Int) -> Bool {
        (try? TestClient(port: port)) != nil
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw TestFailure("send failed: errno \(errno)")
            }
            offset += count
        }
    }

    /// Sends FIN: the server sees end of stream but can still answer.
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
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
    func readResponse(isHEAD: Bool = false, timeout: Duration = .seconds(5)) -> TestResponse? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (response, length) = parse(isHEAD: isHEAD, complete: sawEOF) {
                pending.removeFirst(length)
                return response
            }
            if !fill(until: deadline) {
                if let (response, length) = parse(isHEAD: isHEAD, complete: true) {
                    pending.removeFirst(length)
                    return response
                }
                return nil
            }
        }
    }

    /// Reads everything until the server closes; nil if it did not close before the deadline.
    func readUntilClosed(timeout: Duration = .seconds(5)) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while fill(until: deadline) {}
        guard sawEOF else { return nil }
        defer { pending.removeAll() }
        return pending
    }

    /// True if the server closes the connection before the deadline (bytes are discarded).
    func waitForClose(timeout: Duration = .seconds(5)) -> Bool {
        readUntilClosed(timeout: timeout) != nil
    }

    private func parse(isHEAD: Bool, complete: Bool) -> (TestResponse, Int)? {
        TestResponse.parse(pending, isHEAD: isHEAD, complete: complete)
    }
}
