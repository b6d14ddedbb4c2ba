/// Reads an INSi request from the bytes of an HTTP body: envelope, headers, operation and body.
///
/// The operation comes from the SOAP 1.2 `action` of the Content-Type, else the `wsa:Action`
/// header, else the body element; when several are present they must agree.
public enum INSiRequestReader {
    public static func read(_ bytes: [UInt8], contentType: String?, limits: XMLSafetyLimits = XMLSafetyLimits(),
                            engine: XMLReadEngine = .libxml2) -> Result<INSiRequest, INSiFault> {
        switch parts(of: bytes, limits: limits, engine: engine) {
        case .success(let parts): return interpret(parts, contentType: contentType)
        case .failure(let error): return .failure(.unreadableXML(error))
        }
    }

    /// The envelope's parts: read from the parser's events with libxml2, from a tree with
    /// FoundationXML (the reference the tests compare the event reader with).
    ///
    /// With libxml2, ``PlainXMLScanner`` reads the document first and libxml2 reads what it
    /// declines (`plainScanner` false: libxml2 alone, for the tests that hold the two together).
    /// `pool` lends the event reader (injectable: the tests compare reused readers with new ones).
    static func parts(of bytes: [UInt8], limits: XMLSafetyLimits, engine: XMLReadEngine,
                      plainScanner: Bool = true, pool: INSiRequestEventReader.Pool = .shared) -> Result<EnvelopeParts, XMLReadError> {
        switch engine {
        case .libxml2:
            let reader = pool.take(limits: limits)
            defer { pool.give(reader) }
            if plainScanner {
                if bytes.withUnsafeBufferPointer({ PlainXMLScanner.scan($0, into: reader) }) { return .success(reader.takeParts()) }
                // Declined: the reader is spent, and starts again for libxml2.
                reader.reset(limits: limits)
            }
            if let problem = SafeXMLReader.check(bytes, limits: limits) { return .failure(problem) }
            if let error = SAXParser.parse(bytes, into: reader) { return .failure(error) }
            return .success(reader.takeParts())
        case .foundationXML:
            return SafeXMLReader.read(bytes, limits: limits, engine: .foundationXML).map(EnvelopeParts.init(tree:))
        }
    }

    /// The request the parts hold, or the fault they deserve. The parts are consumed: their
    /// headers and body move into the request instead of being copied (a retain and a release
    /// of each string).
    static func interpret(_ parts: consuming EnvelopeParts, contentType: String?) -> Result<INSiRequest, INSiFault> {
        guard parts.rootName == "Envelope" else {
            return .failure(.notSOAP("the root element is {\(parts.rootNamespace)}\(parts.rootName), not a SOAP Envelope"))
        }
        guard parts.rootNamespace == INSiNamespace.soap12 else {
            return .failure(.versionMismatch(found: parts.rootNamespace.isEmpty ? "(none)" : parts.rootNamespace))
        }
        let messageID = parts.headers.messageID
        guard parts.hasBody else {
            return .failure(.notSOAP("the envelope has no soap:Body", messageID: messageID))
        }
        guard parts.bodyChildCount == 1 else {
            return .failure(.notSOAP("soap:Body must hold exactly one element, it holds \(parts.bodyChildCount)", messageID: messageID))
        }
        guard let operation = INSiOperation(bodyNamespace: parts.payloadNamespace, name: parts.payloadName) else {
            return .failure(.unknownBodyElement(parts.payloadName, namespace: parts.payloadNamespace, messageID: messageID))
        }
        // The usual Content-Type names the body's own operation, byte for byte: nothing to check,
        // and no string made of it.
        let httpAction: String?
        switch contentType.map({ ContentType.parameter("action", in: $0, comparedWith: operation.action) }) ?? .absent {
        case .absent, .sameBytes: httpAction = nil
        case .other(let action): httpAction = action.isEmpty ? nil : action
        }
        // Two checks written out rather than a loop over an array of pairs: this runs for every call.
        if let problem = mismatch(httpAction, "the Content-Type action parameter", operation, parts, messageID)
            ?? mismatch(parts.headers.action, "wsa:Action", operation, parts, messageID) {
            return .failure(problem)
        }
        switch operation {
        case .traitsSearch:
            guard let traits = parts.traits.take() else { return .failure(.internalError("the traits body was not read", messageID: messageID)) }
            return .success(INSiRequest(headers: parts.takeHeaders(), body: .traits(traits)))
        case .vitaleSearch:
            guard let vitale = parts.vitale.take() else { return .failure(.internalError("the Vitale body was not read", messageID: messageID)) }
            return .success(INSiRequest(headers: parts.takeHeaders(), body: .vitale(vitale)))
        }
    }

    /// The fault when `action` (from `source`) is unknown or names another operation than the body's.
    private static func mismatch(_ action: String?, _ source: String, _ operation: INSiOperation, _ parts: EnvelopeParts,
                                 _ messageID: String?) -> INSiFault? {
        guard let action else { return nil }
        guard let named = INSiOperation(action: action) else {
            return .unknownAction(action, source: source, messageID: messageID)
        }
        guard named == operation else {
            return .inconsistentAction(
                "\(source) names \(named.rawValue) but the body is \(parts.payloadName) (\(operation.rawValue))", messageID: messageID)
        }
        return nil
    }
}
