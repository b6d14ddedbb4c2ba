// POST /lps answered with the canned answer (PEER_ANSWER, a file read once) on 127.0.0.1:PEER_PORT.
// The request body is read, as a real handler would; nothing is parsed; logging disabled.
// FlyingFox writes a response in several sends and leaves Nagle on: with keep-alive every answer
// then waits for the client's delayed ACK (~40 ms). TCP_NODELAY is set on the listening socket
// once it listens, and Linux hands it on to each accepted socket.
import FlyingFox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let environment = ProcessInfo.processInfo.environment
guard let port = environment["PEER_PORT"].flatMap(UInt16.init), let path = environment["PEER_ANSWER"],
      let answer = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("usage: PEER_PORT=N PEER_ANSWER=FILE peer\n".utf8))
    exit(64)
}
let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), logger: .disabled)
await server.appendRoute("POST /lps") { request in
    _ = try await request.bodyData
    return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/soap+xml; charset=utf-8"], body: answer)
}
await server.appendRoute("GET /health") { _ in HTTPResponse(statusCode: .ok, body: Data("ok".utf8)) }

/// Sets TCP_NODELAY on this process's listening TCP sockets (the server's one).
func setNoDelayOnListeningSockets() {
    for fd in Int32(3)..<Int32(256) {
        var listening: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening != 0 else { continue }
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }
}

let running = Task { try await server.run() }
try await server.waitUntilListening()
setNoDelayOnListeningSockets()
try await running.value
