/// The parser under ``SafeXMLReader``. Both run the same byte screen and limits and build the
/// same tree from every document both accept; the tests hold them to identical results. They
/// differ on two documents `XMLParser` is lenient with and libxml2's SAX path refuses: an
/// element after the root, and a prefix no declaration binds.
public enum XMLReadEngine: String, Sendable, CaseIterable {
    /// libxml2's SAX2 interface called directly: the default, several times cheaper per message.
    case libxml2
    /// FoundationXML's `XMLParser` (libxml2 plus Foundation's per-event bridging).
    case foundationXML
}
