@testable import HTTPServer
import Testing
import TestSupport

/// The connection life cycle without sockets or clocks: times are plain numbers of nanoseconds.
@Suite("Connection life cycle")
struct ConnectionLifecycleTests {
    static let second: UInt64 = 1_000_000_000
    static let timeouts: ConnectionLifecycle.Timeouts = {
        var timeouts = HTTPServerConfiguration.Timeouts()
        timeouts.request = .seconds(10)
        timeouts.idle = .seconds(60)
        timeouts.linger = .seconds(2)
        timeouts.lingerWhileStopping = .milliseconds(250)
        return ConnectionLifecycle.Timeouts(timeouts)
    }()

    func head(_ text: String = "GET / HTTP/1.1", _ headers: HTTPHeaders = ["Host": "h"]) -> HTTPRequestHead {
        let parts = text.split(separator: " ")
        return HTTPRequestHead(method: String(parts[0]), target: String(parts[1]),
                               versionMinor: parts[2].hasSuffix("1.0") ? 0 : 1, headers: headers)
    }

    @Test func idleConnectionClosesAfterTheIdleTimeoutAndNotBefore() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        #expect(lifecycle.tick(now: 59 * Self.second) == .none)
        #expect(lifecycle.tick(now: 60 * Self.second) == .close(reason: "idle timeout"))
        #expect(lifecycle.state == .closed)
    }

    @Test func aRequestMustBeCompleteWithinTheRequestTimeoutWhateverArrivesMeanwhile() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        lifecycle.requestStarted(now: 5 * Self.second)
        // More bytes of the same request do not extend the deadline.
        lifecycle.requestStarted(now: 14 * Self.second)
        #expect(lifecycle.tick(now: 14 * Self.second) == .none)
        #expect(lifecycle.tick(now: 15 * Self.second) == .answer(.requestTimeout))
    }

    @Test func keepAliveReturnsToIdleFromTheEndOfTheResponse() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        lifecycle.requestStarted(now: 1)
        lifecycle.requestReceived(head())
        #expect(lifecycle.tick(now: 3600 * Self.second) == .none, "a handler may take its time")
        #expect(lifecycle.mayKeepAlive(requestWaiting: false))
        lifecycle.responseStarted(thenClose: false, now: 100 * Self.second)
        #expect(lifecycle.responseWritten(now: 100 * Self.second) == .readNextRequest)
        #expect(lifecycle.state == .idle(since: 100 * Self.second))
        #expect(lifecycle.tick(now: 159 * Self.second) == .none)
        #expect(lifecycle.tick(now: 160 * Self.second) == .close(reason: "idle timeout"))
    }

    @Test func closeRequestsAndOldClientsLingerAfterTheirAnswer() {
        for (text, headers) in [("GET / HTTP/1.1", ["Host": "h", "Connection": "close"] as HTTPHeaders),
                                ("GET / HTTP/1.0", [:] as HTTPHeaders),
                                ("POST / HTTP/1.0", ["Connection": "keep-alive", "Transfer-Encoding": "chunked"] as HTTPHeaders)] {
            var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
            lifecycle.requestReceived(head(text, headers))
            #expect(!lifecycle.mayKeepAlive(requestWaiting: false), "\(text) \(headers)")
        }
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        lifecycle.requestReceived(head("GET / HTTP/1.0", ["Connection": "keep-alive"]))
        #expect(lifecycle.mayKeepAlive(requestWaiting: false))
        lifecycle.responseStarted(thenClose: true, now: 10)
        #expect(lifecycle.responseWritten(now: 10) == .linger)
        #expect(lifecycle.tick(now: 10 + 2 * Self.second - 1) == .none)
        #expect(lifecycle.tick(now: 10 + 2 * Self.second) == .close(reason: "lingering close: time is up"))
    }

    @Test func aStalledWriteIsClosedAfterTheIdleTimeoutWhileProgressKeepsItOpen() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        lifecycle.requestReceived(head())
        lifecycle.responseStarted(thenClose: false, now: 0)
        lifecycle.wroteBytes(now: 50 * Self.second)
        #expect(lifecycle.tick(now: 100 * Self.second) == .none)
        #expect(lifecycle.tick(now: 110 * Self.second) == .close(reason: "write stalled"))
    }

    @Test func stoppingReadsAnIdleConnectionBeforeClosingIt() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        #expect(lifecycle.serverStopping(now: 5) == .readBeforeStopping)
        // Nothing had arrived: closed.
        #expect(lifecycle.stoppedWhileIdle(hasInput: false) == .close(reason: "server stopping"))

        var busy = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        #expect(busy.serverStopping(now: 5) == .readBeforeStopping)
        // A request had arrived: it is read and answered; that answer is the last one.
        busy.requestStarted(now: 5)
        #expect(busy.stoppedWhileIdle(hasInput: true) == .none)
        busy.requestReceived(head())
        #expect(!busy.mayKeepAlive(requestWaiting: false))
        // ...unless the client already sent another request behind it (pipelining).
        #expect(busy.mayKeepAlive(requestWaiting: true))
        busy.responseStarted(thenClose: true, now: 6)
        #expect(busy.responseWritten(now: 6) == .linger)
        #expect(busy.tick(now: 6 + 250_000_000) == .close(reason: "lingering close: time is up"))
    }

    @Test func stoppingShortensALingeringClose() {
        var lifecycle = ConnectionLifecycle(timeouts: Self.timeouts, now: 0)
        lifecycle.requestReceived(head())
        lifecycle.responseStarted(thenClose: true, now: 0)
        #expect(lifecycle.responseWritten(now: 0) == .linger)
        #expect(lifecycle.serverStopping(now: 100) == .none)
        #expect(lifecycle.state == .lingering(until: 100 + 250_000_000))
    }
}
