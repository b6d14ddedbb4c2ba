import Glibc
@testable import HTTPServer
import Logging
import Testing

/// The inbox's closing, which decides whether a connection handed to a loop that is stopping
/// is served, refused back to its sender, or closed: never lost.
@Suite("Event loop inbox")
struct EventLoopHandleTests {
    private func makeHandle() throws -> EventLoopHandle {
        EventLoopHandle(index: 0, epoll: try Epoll.create(), wakeup: try WakeupFD.create(), logger: Logger(label: "inbox-tests"))
    }

    /// A descriptor standing for a connection's socket.
    private func descriptor() throws -> Int32 {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        return fd
    }

    private func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }

    @Test func aLoopWithAConnectionWaitingDoesNotExit() throws {
        let handle = try makeHandle()
        let fd = try descriptor()
        #expect(handle.submit(.adopt(socket: Socket(fd: fd), remoteAddress: "test", listenerIndex: 0)))
        #expect(!handle.closeInboxIfEmpty(), "a connection handed over waits: the loop must stay to take it")
        var messages: [LoopMessage] = []
        handle.takeMessages(into: &messages)
        #expect(messages.count == 1)
        #expect(handle.closeInboxIfEmpty())
        Glibc.close(fd)
        handle.close()
    }

    @Test func aClosedInboxRefusesSoTheSenderKeepsTheConnection() throws {
        let handle = try makeHandle()
        #expect(handle.closeInboxIfEmpty())
        let fd = try descriptor()
        #expect(!handle.submit(.adopt(socket: Socket(fd: fd), remoteAddress: "test", listenerIndex: 0)))
        #expect(isOpen(fd), "refused, the connection is still its sender's")
        Glibc.close(fd)
        handle.close()
        let exited = handle.exited.load(ordering: .relaxed)
        #expect(exited, "other loops no longer pick it")
    }

    @Test func closingReturnsTheConnectionsLeftWaiting() throws {
        let handle = try makeHandle()
        let fd = try descriptor()
        #expect(handle.submit(.adopt(socket: Socket(fd: fd), remoteAddress: "test", listenerIndex: 0)))
        let left = handle.close()
        guard case .adopt(let socket, _, _)? = left.first else {
            Issue.record("the waiting connection is not returned: \(left.count) messages")
            return
        }
        #expect(socket.fd == fd)
        Glibc.close(fd)
        #expect(!handle.submit(.shutdown(grace: .seconds(1))))
    }

    @Test func theWakeUpDescriptorIsClosedOnce() throws {
        let handle = try makeHandle()
        #expect(handle.closeInboxIfEmpty())
        // Likely reuses the eventfd's number: a second close of it would close this one.
        let reused = try descriptor()
        handle.close()
        #expect(isOpen(reused))
        Glibc.close(reused)
    }
}
