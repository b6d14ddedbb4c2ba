import CSystemLinux
import Glibc

/// The epoll flags the server uses, as `UInt32` masks.
enum EpollEvents {
    static let input = UInt32(EPOLLIN.rawValue)
    static let output = UInt32(EPOLLOUT.rawValue)
    static let error = UInt32(EPOLLERR.rawValue)
    static let hangUp = UInt32(EPOLLHUP.rawValue)
    static let readHangUp = UInt32(EPOLLRDHUP.rawValue)
    static let exclusive = UInt32(EPOLLEXCLUSIVE.rawValue)
    static let edgeTriggered = UInt32(EPOLLET.rawValue)
}

/// An epoll instance; each event loop owns one.
struct Epoll: Sendable {
    let fd: Int32

    static func create() throws(SocketError) -> Epoll {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError.lastError("epoll_create1") }
        return Epoll(fd: fd)
    }

    /// Watches `descriptor` for `events`; the event data is the descriptor itself.
    func add(_ descriptor: Int32, events: UInt32) throws(SocketError) {
        try control(EPOLL_CTL_ADD, descriptor, events: events)
    }

    func remove(_ descriptor: Int32) {
        try? control(EPOLL_CTL_DEL, descriptor, events: 0)
    }

    private func control(_ operation: Int32, _ descriptor: Int32, events: UInt32) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.fd = descriptor
        guard epoll_ctl(fd, operation, descriptor, &event) == 0 else { throw SocketError.lastError("epoll_ctl") }
    }

    /// Waits for events; returns how many were stored in `buffer` (0 on timeout or signal).
    func wait(into buffer: EpollEventBuffer, timeoutMilliseconds: Int32) throws(SocketError) -> Int {
        let count = epoll_wait(fd, buffer.events, Int32(buffer.capacity), timeoutMilliseconds)
        if count >= 0 { return Int(count) }
        if errno == EINTR { return 0 }
        throw SocketError.lastError("epoll_wait")
    }

    func close() {
        _ = Glibc.close(fd)
    }
}

/// Storage for the events one epoll_wait returns. Owned and used by a single loop thread.
final class EpollEventBuffer {
    let capacity: Int
    let events: UnsafeMutablePointer<epoll_event>

    init(capacity: Int) {
        self.capacity = capacity
        events = .allocate(capacity: capacity)
        events.initialize(repeating: epoll_event(), count: capacity)
    }

    deinit {
        events.deallocate()
    }

    func events(at index: Int) -> UInt32 {
        events[index].events
    }

    func descriptor(at index: Int) -> Int32 {
        events[index].data.fd
    }
}
