import CLibXML2

/// libxml2 parser contexts kept between parses: creating one allocates its dictionary and
/// buffers, about 4 µs of the 1.5 KB request's parse, and a context can be reset and reused.
///
/// Only a context whose parse succeeded comes back, and only while its name dictionary stays
/// small: the dictionary keeps every name, prefix and namespace URI it has seen (a URI can be
/// a megabyte long), so a context that met many or long names is freed rather than kept
/// growing.
final class ParserContextPool: Sendable {
    static let shared = ParserContextPool(capacity: 16)

    /// A context owned by the pool while in it, and by exactly one parse once taken.
    private struct Context: @unchecked Sendable {
        let pointer: xmlParserCtxtPtr
    }

    private let contexts: ReusePool<Context>
    /// Most distinct names a kept context may have interned (a request uses about 60), and
    /// most bytes they may take.
    private let maxDictionaryEntries = 512
    private let maxDictionaryBytes = 64 * 1024

    init(capacity: Int) {
        contexts = ReusePool(capacity: capacity)
    }

    /// A kept context reset for a new document, or `create()`'s when none is left.
    func take(orCreate create: () -> xmlParserCtxtPtr?) -> xmlParserCtxtPtr? {
        if let reused = contexts.take() {
            if xmlCtxtResetPush(reused.pointer, nil, 0, nil, nil) == 0 { return reused.pointer }
            xmlFreeParserCtxt(reused.pointer)
        }
        return create()
    }

    /// Returns a context after a parse; `succeeded` false frees it.
    func give(_ context: xmlParserCtxtPtr, succeeded: Bool) {
        context.pointee.userData = nil
        if succeeded && xmlDictSize(context.pointee.dict) <= maxDictionaryEntries
            && xmlDictGetUsage(context.pointee.dict) <= maxDictionaryBytes {
            if contexts.give(Context(pointer: context)) { return }
        }
        xmlFreeParserCtxt(context)
    }
}
