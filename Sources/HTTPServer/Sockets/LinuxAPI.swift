import Glibc

/// Linux-only calls that Swift's Glibc module does not export.
///
/// The Glibc module map leaves out <sys/epoll.h> and <sys/eventfd.h>, and hides accept4 behind
/// _GNU_SOURCE. A C shim target would fix that but this module must stay pure Swift, so the
/// functions are looked up in libc by name once, and the constants are copied from the headers
/// (they are part of the kernel ABI and never change).
enum LinuxAPI {
    typealias EpollCreate1 = @convention(c) (Int32) -> Int32
    typealias EpollCtl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias EventFD = @convention(c) (UInt32, Int32) -> Int32
    typealias Accept4 = @convention(c) (
        Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
    ) -> Int32

    /// The resolved functions; nil only on a libc without them (not Linux/glibc).
    struct Functions {
        let epollCreate1: EpollCreate1
        let epollCtl: EpollCtl
        let epollWait: EpollWait
        let eventfd: EventFD
        let accept4: Accept4
    }

    /// Resolved once, on first use (Swift runs the initializer of a static exactly once).
    static let functions: Functions? = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        func lookup<F>(_ name: String, as type: F.Type) -> F? {
            guard let symbol = dlsym(handle, name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        }
        guard let epollCreate1 = lookup("epoll_create1", as: EpollCreate1.self),
              let epollCtl = lookup("epoll_ctl", as: EpollCtl.self),
              let epollWait = lookup("epoll_wait", as: EpollWait.self),
              let eventfd = lookup("eventfd", as: EventFD.self),
              let accept4 = lookup("accept4", as: Accept4.self)
        else { return nil }
        return Functions(
            epollCreate1: epollCreate1, epollCtl: epollCtl, epollWait: epollWait,
            eventfd: eventfd, accept4: accept4
        )
    }()

    // <sys/epoll.h>
    static let EPOLLIN: UInt32 = 0x001
    static let EPOLLOUT: UInt32 = 0x004
    static let EPOLLERR: UInt32 = 0x008
    static let EPOLLHUP: UInt32 = 0x010
    static let EPOLLRDHUP: UInt32 = 0x2000
    static let EPOLLEXCLUSIVE: UInt32 = 1 << 28
    static let EPOLLET: UInt32 = 1 << 31
    static let EPOLL_CTL_ADD: Int32 = 1
    static let EPOLL_CTL_DEL: Int32 = 2
    static let EPOLL_CTL_MOD: Int32 = 3
    static let EPOLL_CLOEXEC: Int32 = 0o2000000

    // <sys/eventfd.h>
    static let EFD_CLOEXEC: Int32 = 0o2000000
    static let EFD_NONBLOCK: Int32 = 0o4000

    /// struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16).
    #if arch(x86_64)
    static let epollEventSize = 12
    static let epollDataOffset = 4
    #else
    static let epollEventSize = 16
    static let epollDataOffset = 8
    #endif
}
