import Glibc

/// An epoll instance; each event loop owns one.
struct Epoll: Sendable {
    let fd: Int32

    static func create() throws(SocketError) -> Epoll {
        guard let functions = LinuxAPI.functions else {
            throw SocketError.failed(operation: "epoll_create1", errno: ENOSYS)
        }
        let fd = functions.epollCreate1(LinuxAPI.EPOLL_CLOEXEC)
        guard fd >= 0 else { throw SocketError.lastError("epoll_create1") }
        return Epoll(fd: fd)
    }

    /// Watches `descriptor` for `events`; the event data is the descriptor itself.
    func add(_ descriptor: Int32, events: UInt32) throws(SocketError) {
        try control(LinuxAPI.EPOLL_CTL_ADD, descriptor, events: events)
    }

    func remove(_ descriptor: Int32) {
        try? control(LinuxAPI.EPOLL_CTL_DEL, descriptor, events: 0)
    }

    private func control(_ operation: Int32, _ descriptor: Int32, events: UInt32) throws(SocketError) {
        guard let functions = LinuxAPI.functions else {
            throw SocketError.failed(operation: "epoll_ctl", errno: ENOSYS)
        }
        // Built byte by byte because struct epoll_event is packed on x86_64 (see LinuxAPI).
        var storage: (UInt64, UInt64) = (0, 0)
        let result = withUnsafeMutableBytes(of: &storage) { raw -> Int32 in
            raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt64(UInt32(bitPattern: descriptor)), toByteOffset: LinuxAPI.epollDataOffset, as: UInt64.self)
            return functions.epollCtl(fd, operation, descriptor, raw.baseAddress)
        }
        guard result == 0 else { throw SocketError.lastError("epoll_ctl") }
    }

    /// Waits for events; returns how many were stored in `buffer` (0 on timeout or signal).
    func wait(into buffer: EpollEventBuffer, timeoutMilliseconds: Int32) throws(SocketError) -> Int {
        guard let functions = LinuxAPI.functions else {
            throw SocketError.failed(operation: "epoll_wait", errno: ENOSYS)
        }
        let count = functions.epollWait(fd, buffer.raw, Int32(buffer.capacity), timeoutMilliseconds)
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
    let raw: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.capacity = capacity
        raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * LinuxAPI.epollEventSize, alignment: 8)
    }

    deinit {
        raw.deallocate()
    }

    func events(at index: Int) -> UInt32 {
        raw.loadUnaligned(fromByteOffset: index * LinuxAPI.epollEventSize, as: UInt32.self)
    }

    func descriptor(at index: Int) -> Int32 {
        let data = raw.loadUnaligned(fromByteOffset: index * LinuxAPI.epollEventSize + LinuxAPI.epollDataOffset, as: UInt64.self)
        return Int32(truncatingIfNeeded: data)
    }
}
