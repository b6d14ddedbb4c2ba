// POST /lps answered with the canned answer (PEER_ANSWER, a file read once) on 127.0.0.1:PEER_PORT.
// The request body is collected, as a real handler would; nothing is parsed. The production
// environment, as deployed (its default log level drops the per-request route line).
import Foundation
import Vapor

let environment = ProcessInfo.processInfo.environment
guard let port = environment["PEER_PORT"].flatMap(Int.init), let path = environment["PEER_ANSWER"],
      let answer = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("usage: PEER_PORT=N PEER_ANSWER=FILE peer\n".utf8))
    exit(64)
}
var env = Environment(name: "production", arguments: ["peer"])
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = port
let body = ByteBuffer(bytes: answer)
app.on(.POST, "lps", body: .collect(maxSize: "1mb")) { _ -> Response in
    Response(status: .ok, headers: ["Content-Type": "application/soap+xml; charset=utf-8"], body: .init(buffer: body))
}
app.get("health") { _ in "ok" }
do {
    try await app.execute()
} catch {
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
