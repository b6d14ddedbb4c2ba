import CLibXML2
import Foundation

/// Builds an ``XMLTreeElement`` from libxml2's SAX2 events (see ``SAXParser``).
enum SAXTreeReader {
    static func read(_ bytes: [UInt8], limits: XMLSafetyLimits) -> Result<XMLTreeElement, XMLReadError> {
        let builder = TreeBuilder(limits: limits)
        if let error = SAXParser.parse(bytes, into: builder) { return .failure(error) }
        guard let root = builder.root else { return .failure(.empty) }
        return .success(root)
    }
}

private final class TreeBuilder: SAXHandler {
    @exclusivity(unchecked) var stack: [XMLTreeElement] = []
    @exclusivity(unchecked) var root: XMLTreeElement?
    @exclusivity(unchecked) private var names = InternedNames()

    override init(limits: XMLSafetyLimits) {
        super.init(limits: limits)
        stack.reserveCapacity(8)
    }

    override func didStartElement(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                                  attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, parent: UInt8?) -> UInt8 {
        var element = XMLTreeElement(name: names.string(at: localName), namespace: uri.map { names.string(at: $0) } ?? "")
        if attributeCount > 0, let attributes {
            for index in 0..<attributeCount {
                let base = index * 5
                guard let name = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                let local = String(cString: name)
                let qualified = attributes[base + 1].map { String(cString: $0) + ":" + local } ?? local
                element.attributes[qualified] = attributeValue(start, end)
            }
        }
        stack.append(element)
        return 0
    }

    override func didEndElement(tag: UInt8) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    override func didReceiveText(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: bytes, as: UTF8.self)
    }
}

/// Names and namespace URIs already turned into strings, by the address libxml2 interned them
/// at (its dictionary gives one address per distinct name): a request repeats half a dozen
/// namespaces and a few names over some forty elements. Addresses and strings are kept apart
/// so that the search touches only addresses; past 64 names (never in a real request) they are
/// converted every time rather than searched in an ever longer list.
struct InternedNames {
    private var addresses: [UnsafePointer<xmlChar>] = []
    private var strings: [String] = []

    mutating func string(at pointer: UnsafePointer<xmlChar>) -> String {
        if let index = addresses.firstIndex(of: pointer) { return strings[index] }
        let string = namespaceURI(pointer)
        if addresses.count < 64 {
            addresses.append(pointer)
            strings.append(string)
        }
        return string
    }
}

/// A namespace URI (or a name: names cannot hold `&`) as SAX2 hands it over: taken from an
/// `xmlns` attribute value, it has every `&` as `&#38;` too (see `attributeValue`).
func namespaceURI(_ pointer: UnsafePointer<xmlChar>) -> String {
    let uri = String(cString: pointer)
    guard uri.utf8.contains(UInt8(ascii: "&")) else { return uri }
    return uri.replacingOccurrences(of: "&#38;", with: "&")
}

/// An attribute value as SAX2 hands it over. Without `XML_PARSE_NOENT` (the flag behind XXE),
/// libxml2 hands every `&` of the value (written `&amp;`, `&#38;` or `&#x26;`) over as `&#38;`;
/// every other reference is already replaced, and a bare `&` cannot occur.
func attributeValue(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
    let value = String(xmlBytesFrom: start, to: end)
    guard UnsafeBufferPointer(start: start, count: start.distance(to: end)).contains(UInt8(ascii: "&")) else { return value }
    return value.replacingOccurrences(of: "&#38;", with: "&")
}
