/// Reading parameters of a `Content-Type` header value (RFC 9110 §8.3.1).
public enum ContentType {
    /// The media type, lower case, without parameters (`application/soap+xml`).
    public static func mediaType(_ header: String) -> String {
        let end = header.firstIndex(of: ";") ?? header.endIndex
        return header[..<end].trimmingWhitespace().lowercased()
    }

    /// A parameter's value, unquoted; parameter names are case-insensitive.
    public static func parameter(_ name: String, in header: String) -> String? {
        var rest = Substring(header)
        guard let first = rest.firstIndex(of: ";") else { return nil }
        rest = rest[rest.index(after: first)...]
        while !rest.isEmpty {
            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let key = trimmed[..<equals].trimmingWhitespace().lowercased()
            var valuePart = trimmed[trimmed.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var value: String
            if valuePart.first == "\"" {
                valuePart = valuePart.dropFirst()
                var collected = ""
                var escaped = false
                var end = valuePart.endIndex
                for index in valuePart.indices {
                    let character = valuePart[index]
                    if escaped { collected.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { end = index; break }
                    collected.append(character)
                }
                value = collected
                rest = end < valuePart.endIndex ? valuePart[valuePart.index(after: end)...] : valuePart[valuePart.endIndex...]
                if let semicolon = rest.firstIndex(of: ";") { rest = rest[rest.index(after: semicolon)...] } else { rest = rest[rest.endIndex...] }
            } else {
                let end = valuePart.firstIndex(of: ";") ?? valuePart.endIndex
                value = valuePart[..<end].trimmingWhitespace()
                rest = end < valuePart.endIndex ? valuePart[valuePart.index(after: end)...] : valuePart[valuePart.endIndex...]
            }
            if key == name.lowercased() { return value }
        }
        return nil
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}

extension String {
    func trimmingWhitespace() -> String { Substring(self).trimmingWhitespace() }
}
