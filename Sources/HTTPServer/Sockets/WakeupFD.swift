import CSystemLinux
import Glibc

/// An eventfd that lets other threads wake an event loop blocked in epoll_wait.
struct WakeupFD: Sendable {
    let fd: Int32

    static func create() throws(SocketError) -> WakeupFD {
        let fd = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard fd >= 0 else { throw SocketError.lastError("eventfd") }
        return WakeupFD(fd: fd)
    }

    func signal() {
        var one: UInt64 = 1
        // EAGAIN means the counter is saturated, so the loop is going to wake anyway.
        _ = withUnsafeBytes(of: &one) { write(fd, $0.baseAddress, 8) }
    }

    /// Resets the counter so that the level-triggered registration stops firing.
    func drain() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, 8) }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
