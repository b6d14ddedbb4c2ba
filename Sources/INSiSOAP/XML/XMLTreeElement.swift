/// A parsed XML element: namespace-aware, small, and enough for SOAP messages.
public struct XMLTreeElement: Sendable, Equatable {
    /// Local name (no prefix).
    public var name: String
    /// Namespace URI ("" when none).
    public var namespace: String
    /// Attributes by qualified name as written (`code`, `xml:lang`).
    public var attributes: [String: String]
    public var children: [XMLTreeElement]
    /// Character data directly inside this element, untrimmed.
    public var text: String

    public init(name: String, namespace: String, attributes: [String: String] = [:], children: [XMLTreeElement] = [], text: String = "") {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child with this name and namespace.
    public func child(_ name: String, _ namespace: String) -> XMLTreeElement? {
        children.first { $0.name == name && $0.namespace == namespace }
    }

    /// Every child with this name and namespace, in order.
    public func children(_ name: String, _ namespace: String) -> [XMLTreeElement] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }

    /// The text with surrounding XML white space (space, tab, CR, LF) removed.
    public var value: String { text.trimmingXMLSpace() }

    /// The trimmed text of a child, nil when the child is absent.
    public func value(of name: String, _ namespace: String) -> String? {
        child(name, namespace)?.value
    }
}
