import Foundation
import Glibc

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A response as read off the wire by ``TestClient``.
struct TestResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking TCP client with deadlines on every read, for talking raw HTTP to the server.
///
/// Reads wait with poll(2) up to a deadline (and SO_RCVTIMEO as a safety net), so a test that
/// expects bytes that never come fails instead of hanging.
final class TestClient {
    let fd: Int32
    private var pending: [UInt8] = []
    private(set) var sawEOF = false

    init(port: Int, timeout: Duration = .seconds(5)) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        self.fd = fd
        var time = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            // No close here: the object is fully initialised, so deinit runs and closes it.
            // Closing twice could close a descriptor another thread has just been given.
            throw TestFailure("connect to port \(port) failed: errno \(errno)")
        }
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
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard pending.count >= 4,
              let headEnd = (0...(pending.count - 4)).first(where: { pending[$0..<($0 + 4)].elementsEqual(terminator) })
        else { return nil }
        let head = String(decoding: pending[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        if isHEAD || (100..<200).contains(status) || status == 204 || status == 304 {
            return (response, bodyStart)
        }
        if let lengthText = response.header("Content-Length"), let length = Int(lengthText) {
            guard pending.count - bodyStart >= length else { return nil }
            response.body = Array(pending[bodyStart..<(bodyStart + length)])
            return (response, bodyStart + length)
        }
        // No length: the body runs to the end of the connection.
        guard complete else { return nil }
        response.body = Array(pending[bodyStart...])
        return (response, pending.count)
    }
}
