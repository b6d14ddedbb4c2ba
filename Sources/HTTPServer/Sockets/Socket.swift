import CSystemLinux
import Glibc

/// A non-blocking socket descriptor with the few calls the server needs.
///
/// It is a plain value and does not close itself: exactly one owner (the listener, or the
/// connection on its event loop) calls `close()`, which keeps ownership obvious.
struct Socket: Sendable {
    let fd: Int32

    /// Reads into `buffer`; returns 0 at end of stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SocketError.lastError("recv")
        }
    }

    /// Writes what it can of `bytes`; returns the number of bytes written.
    /// MSG_NOSIGNAL: a peer that went away must give EPIPE, never a SIGPIPE.
    func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> Int {
        while true {
            let count = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SocketError.lastError("send")
        }
    }

    /// Sends FIN after the data already queued, while still allowing reads.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    func close() {
        // Linux always releases the descriptor, even when close reports EINTR: never retry.
        _ = Glibc.close(fd)
    }

    /// Responses are written in one piece; Nagle would only delay them.
    func setNoDelay() {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Accepts one pending connection, non-blocking and close-on-exec from the start.
    /// Returns nil when no connection is pending.
    func accept() throws(SocketError) -> (socket: Socket, remoteAddress: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        while true {
            let client = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { csystem_accept4(fd, $0, &length, flags) }
            }
            if client >= 0 {
                return (Socket(fd: client), SocketAddress.describe(storage))
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return nil
            case ECONNABORTED, EPROTO:
                // The client gave up while in the backlog: nothing to accept, keep going.
                continue
            default:
                throw SocketError.lastError("accept4")
            }
        }
    }

    /// The port the socket is bound to.
    func localPort() -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return SocketAddress.port(of: storage)
    }

    /// Creates a non-blocking listening socket on `host`:`port`.
    static func listen(host: String, port: Int, backlog: Int) throws(HTTPServerStartError) -> Socket {
        let address = try ListenAddress.resolve(host: host, port: port)
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(SocketError.lastError("socket")) }
        let socket = Socket(fd: fd)
        var one: Int32 = 1
        // Restarting the simulator must not fail because of connections in TIME_WAIT.
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.family == AF_INET6 {
            // "::" should accept IPv4 clients too, whatever the system default is.
            var zero: Int32 = 0
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        }
        if address.withSocketAddress({ bind(fd, $0, $1) }) != 0 {
            let code = errno
            socket.close()
            switch code {
            case EADDRINUSE: throw .addressInUse(host: host, port: port)
            case EACCES, EPERM: throw .permissionDenied(host: host, port: port)
            case EADDRNOTAVAIL: throw .addressNotAvailable(host: host)
            default: throw .system(SocketError.classify(code, "bind"))
            }
        }
        if Glibc.listen(fd, Int32(clamping: backlog)) != 0 {
            let code = errno
            socket.close()
            if code == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            throw .system(SocketError.classify(code, "listen"))
        }
        return socket
    }
}
