// POST /lps answered with the canned answer (PEER_ANSWER, a file read once) on 127.0.0.1:PEER_PORT.
// The request body is read, as a real handler would; nothing is parsed. Defaults otherwise.
import Foundation
import Hummingbird

let environment = ProcessInfo.processInfo.environment
guard let port = environment["PEER_PORT"].flatMap(Int.init), let path = environment["PEER_ANSWER"],
      let answer = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("usage: PEER_PORT=N PEER_ANSWER=FILE peer\n".utf8))
    exit(64)
}
let body = ByteBuffer(bytes: answer)
let router = Router()
router.post("lps") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/soap+xml; charset=utf-8"], body: .init(byteBuffer: body))
}
router.get("health") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
