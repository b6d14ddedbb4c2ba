import Foundation
import HTTPServer

/// The web console's files (`Resources/ui`: hand-written HTML, CSS and JavaScript, no build step),
/// read once at start-up and served at `/ui/`. Only these names are served.
public struct ConsoleFiles: Sendable {
    /// Largest file kept: the console is a few small files.
    static let maxFileBytes = 512 * 1024

    /// File name -> (content type, bytes).
    private let files: [String: (type: String, bytes: [UInt8])]

    /// Why the console could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the folder; nil when there is none (a build without the console's files).
    public init?(directory: URL) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        var files: [String: (type: String, bytes: [UInt8])] = [:]
        for name in names {
            guard let type = Self.contentType(of: name) else { continue }
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else { throw LoadError(description: "cannot read \(url.path)") }
            guard data.count <= Self.maxFileBytes else { throw LoadError(description: "\(url.path) is larger than \(Self.maxFileBytes) bytes") }
            files[name] = (type, Array(data))
        }
        guard files["index.html"] != nil else { throw LoadError(description: "\(directory.path) has no index.html") }
        self.files = files
    }

    /// The answer to `GET path` under `/ui`.
    func response(path: String) -> HTTPResponse {
        if path == "/ui" {
            var response = HTTPResponse(status: 301)
            response.headers.add("Location", "/ui/")
            return response
        }
        var name = String(path.dropFirst("/ui/".count))
        if name.isEmpty { name = "index.html" }
        guard let file = files[name] else {
            return .text(404, "no such console file: \(name)\n")
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", file.type)
        headers.add("Cache-Control", "no-cache")
        // Everything comes from this server: the console works offline and loads nothing else.
        headers.add("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        headers.add("X-Content-Type-Options", "nosniff")
        return HTTPResponse(status: 200, headers: headers, body: file.bytes)
    }

    static func contentType(of name: String) -> String? {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return nil
    }
}
