/// Bounds on what the XML reader accepts, so a hostile message costs little.
public struct XMLSafetyLimits: Sendable, Equatable {
    /// Largest document, in bytes (the HTTP layer caps bodies earlier too).
    public var maxBytes: Int
    /// Deepest element nesting. A SOAP request to INSi nests about 6 levels.
    public var maxDepth: Int
    /// Most elements in one document.
    public var maxElements: Int
    /// Longest text of one element.
    public var maxTextBytes: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32, maxElements: Int = 2_000, maxTextBytes: Int = 64 * 1024) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxTextBytes = maxTextBytes
    }
}
