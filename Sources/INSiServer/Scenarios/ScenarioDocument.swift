import INSiSOAP

/// An XML document a scenario answers verbatim: given inline (`xml`) or as a file (`file`,
/// relative to the data directory or the `Resources/` folder). Its bytes go out as they are,
/// except the value of each `messageID="…"` attribute, which becomes the request's MessageID
/// (the `siram:Erreur` of a recorded fault carries the MessageID of the call it answers).
public struct ScenarioDocument: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case inline(String)
        /// A relative path under the data directory or `Resources/`.
        case file(String)
    }

    public var source: Source
    /// HTTP status; 500 when the document is a SOAP fault, else 200, when nil.
    public var status: Int?
    /// The bytes, once read (at once for an inline document, when the scenario is checked for a file).
    private(set) var content: Content?

    public init(source: Source, status: Int? = nil) {
        self.source = source
        self.status = status
        if case .inline(let text) = source { content = Content(Array(text.utf8)) }
    }

    /// The document with its file read through `files`; an inline one is returned as is.
    func resolved(with files: ScenarioFiles) throws(ScenarioError) -> ScenarioDocument {
        guard case .file(let name) = source else { return self }
        var copy = self
        copy.content = Content(try files.document(name))
        return copy
    }

    /// Where the document comes from, for the journal.
    var sourceText: String {
        switch source {
        case .inline(let text): return "inline (\(text.utf8.count) bytes)"
        case .file(let name): return name
        }
    }

    /// The status to answer with.
    var httpStatus: Int { status ?? (content?.isFault == true ? 500 : 200) }

    /// What the document answers ("00", "fault"...); nil when a file was never read.
    var code: String? { content?.code }

    /// The bytes to answer, with `messageID` put in; nil when a file was never read.
    func bytes(messageID: String?) -> [UInt8]? { content?.bytes(messageID: messageID) }

    public static func == (lhs: ScenarioDocument, rhs: ScenarioDocument) -> Bool {
        lhs.source == rhs.source && lhs.status == rhs.status
    }

    /// The document cut around the values of its `messageID` attributes.
    struct Content: Sendable {
        let original: [UInt8]
        /// Where each `messageID` value starts and ends in `original`.
        let messageIDs: [Range<Int>]
        /// What the document answers, as the journal writes it: its CodeCR, "fault", or
        /// "document" when it is no INSi answer.
        let code: String

        init(_ bytes: [UInt8]) {
            original = bytes
            messageIDs = Content.attributeValues(named: Array(" messageID=".utf8), in: bytes)
            switch INSiResponseReader.read(bytes) {
            case .success(.fault): code = "fault"
            case .success(.result(let result)): code = result.code
            case .failure: code = "document"
            }
        }

        var isFault: Bool { code == "fault" }

        func bytes(messageID: String?) -> [UInt8] {
            guard let messageID, !messageIDs.isEmpty else { return original }
            var out: [UInt8] = []
            out.reserveCapacity(original.count + messageID.utf8.count * messageIDs.count)
            var position = 0
            for range in messageIDs {
                out += original[position..<range.lowerBound]
                let quote = original[range.lowerBound - 1]
                var escaped = XMLEscaping.escape(messageID, for: .attribute)
                if quote == UInt8(ascii: "'") { escaped = escaped.replacingOccurrences(of: "'", with: "&apos;") }
                out += escaped.utf8
                position = range.upperBound
            }
            out += original[position...]
            return out
        }

        /// The value ranges of every `name"…"` or `name'…'` in `bytes` (a plain scan: the
        /// document is the scenario author's, and may not even be well-formed).
        static func attributeValues(named name: [UInt8], in bytes: [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            var index = 0
            while index + name.count < bytes.count {
                guard bytes[index..<(index + name.count)].elementsEqual(name) else {
                    index += 1
                    continue
                }
                let quote = bytes[index + name.count]
                let start = index + name.count + 1
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"),
                      let end = bytes[start...].firstIndex(of: quote) else {
                    index += 1
                    continue
                }
                ranges.append(start..<end)
                index = end + 1
            }
            return ranges
        }
    }
}

extension ScenarioDocument {
    init(_ fields: ScenarioFields) throws {
        let xml = try fields.optional(.xml, String.self)
        let file = try fields.optional(.file, String.self)
        let status = try fields.optional(.status, Int.self)
        if let status, !(100...599).contains(status) { throw fields.error(.status, "must be an HTTP status 100-599") }
        switch (xml, file) {
        case (let text?, nil):
            guard !text.isEmpty else { throw fields.error(.xml, "is empty") }
            self.init(source: .inline(text), status: status)
        case (nil, let name?):
            self.init(source: .file(name), status: status)
        case (_?, _?):
            throw fields.error(.file, "a document effect takes xml (the document inline) or file (its path), not both")
        case (nil, nil):
            throw fields.error(.xml, "a document effect needs xml (the document inline) or file (a path under the data directory or Resources/)")
        }
    }

    func encode(to container: inout KeyedEncodingContainer<AnyKey>) throws {
        switch source {
        case .inline(let text): try container.encode(text, forKey: AnyKey(ScenarioEffect.Field.xml))
        case .file(let name): try container.encode(name, forKey: AnyKey(ScenarioEffect.Field.file))
        }
        try container.encodeIfPresent(status, forKey: AnyKey(ScenarioEffect.Field.status))
    }
}
