/// The parameters of a request target's query (`a=1&b=x%20y`), percent-decoded, `+` as space.
struct QueryString {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query else { return }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryString.decode(String(parts[0]))
            let value = parts.count > 1 ? QueryString.decode(String(parts[1])) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// Percent-decodes; `+` is a space only in a query (`plusIsSpace`), not in a path. A
    /// malformed escape (`%zz`) is kept as it is.
    static func decode(_ text: String, plusIsSpace: Bool = true) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
               let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
                continue
            }
            bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
