/// The parser under ``SafeXMLReader``. Both run the same byte screen and limits and build the
/// same tree; the tests hold them to identical results.
public enum XMLReadEngine: String, Sendable, CaseIterable {
    /// libxml2's SAX2 interface called directly: the default, several times cheaper per message.
    case libxml2
    /// FoundationXML's `XMLParser` (libxml2 plus Foundation's per-event bridging).
    case foundationXML
}
