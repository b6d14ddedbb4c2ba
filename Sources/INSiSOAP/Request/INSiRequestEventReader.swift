import CLibXML2
import Foundation

/// Reads an INSi request straight from libxml2's SAX events, keeping only the fields the
/// request reader uses: no tree, no string for an element nobody asks for.
///
/// It yields the same ``EnvelopeParts`` as reading the tree (``EnvelopeParts/init(tree:)``),
/// with the tree's rules: the first element of a name counts (`Prenom` excepted, every one is
/// kept), values are the element's own text trimmed, elements in other namespaces or places
/// are passed over. The tests hold the two to identical results.
final class INSiRequestEventReader: SAXHandler {
    @exclusivity(unchecked) private(set) var parts = EnvelopeParts()
    /// The nodes met once already: only the first of a name counts, as with `child(_:_:)`.
    @exclusivity(unchecked) private var seen: UInt64 = 0
    /// Text of the leaf being read: the first `leafCount` of the `leafRoom` bytes at `leafText`.
    /// Appending a run is a copy and emptying it a store, where an array's own
    /// `append(contentsOf:)` and `removeAll(keepingCapacity:)` were a tenth of the reader's time;
    /// and memory of the reader's own rather than an array, which each access through the object
    /// retained and released (about 35 reference-count changes a request).
    @exclusivity(unchecked) private var leafText: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var leafRoom = 128
    @exclusivity(unchecked) private var leafCount = 0
    /// The most bytes of `leafText` written since the last reset: zeroed then, so that a reader
    /// waiting in the pool keeps no value of the document it read.
    @exclusivity(unchecked) private var leafWritten = 0
    @exclusivity(unchecked) private var namespaces = NamespaceCache()
    /// The elements read under each node, held by the reader: read through the static, every
    /// element opened checked its one-time initialisation twice (50 calls of `swift_once` a
    /// request).
    private let childTable = Node.childTable
    /// True while `parts` holds nothing read (new, reset or taken).
    @exclusivity(unchecked) private var partsFresh = true

    override init(limits: XMLSafetyLimits) {
        leafText = .allocate(capacity: leafRoom)
        leafText.initialize(repeating: 0, count: leafRoom)
        super.init(limits: limits)
    }

    deinit {
        leafText.update(repeating: 0, count: min(leafWritten, leafRoom))
        leafText.deallocate()
    }

    override func reset(limits: XMLSafetyLimits) {
        super.reset(limits: limits)
        // After a whole parse most of this is already empty, and emptying an empty array or
        // resetting fresh parts is not free: only what holds something is emptied.
        if !partsFresh { parts = EnvelopeParts() }
        partsFresh = true
        seen = 0
        leafCount = 0
        if leafWritten > 0 {
            leafText.update(repeating: 0, count: min(leafWritten, leafRoom))
            leafWritten = 0
        }
        namespaces.removeAll()
    }

    /// The parts read, moved out once the parse is over: reading `parts` would copy each of
    /// its strings (a retain each) for the reader to release them a moment later.
    func takeParts() -> EnvelopeParts {
        var taken = EnvelopeParts()
        swap(&taken, &parts)
        partsFresh = true
        return taken
    }

    override func didStartElement(localName: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?,
                                  attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int, parent: UInt8?) -> UInt8 {
        // Each element's tag is its node.
        guard let parent = parent.map({ Node(rawValue: $0) ?? .ignored }) else {
            partsFresh = false
            parts.rootName = String(cString: localName)
            parts.rootNamespace = namespaces.string(at: uri)
            return (parts.rootName == "Envelope" && parts.rootNamespace == INSiNamespace.soap12 ? Node.envelope : .ignored).rawValue
        }
        let namespace = namespaces.namespace(at: uri)
        var node = Node.ignored
        switch parent {
        case .ignored:
            break
        case .body:
            parts.bodyChildCount += 1
            guard parts.bodyChildCount == 1 else { break }
            parts.payloadName = String(cString: localName)
            parts.payloadNamespace = namespaces.string(at: uri)
            if namespace == .recSans && parts.payloadName == "RECSANSVITALE" {
                node = .traits
                parts.traits = TraitsSearchRequest(birthName: nil, firstNames: [], sex: nil, birthDate: nil)
            } else if namespace == .recVit && parts.payloadName == "RECVITALE" {
                node = .vitale
                parts.vitale = VitaleSearchRequest(ouvrantDroit: nil, birthDate: nil)
            }
        case .security:
            // The first Assertion, in whatever namespace (the check says which it should be).
            if localName.isNamed("Assertion") && parts.headers.samlAssertion == nil {
                node = .assertion
                openedAssertion(namespace: namespaces.string(at: uri), attributes: attributes, attributeCount: attributeCount)
            }
        default:
            for index in childTable.ranges[Int(parent.rawValue)] {
                let candidate = childTable.children[index]
                guard candidate.namespace == namespace && localName.isNamed(candidate.name) else { continue }
                let bit: UInt64 = 1 << candidate.node.rawValue
                if candidate.node != .traitsFirstName {
                    guard seen & bit == 0 else { break }
                    seen |= bit
                }
                node = candidate.node
                opened(node, attributes: attributes, attributeCount: attributeCount)
                break
            }
        }
        return node.rawValue
    }

    /// Marks the presence of what was opened (an empty element still counts as given).
    private func opened(_ node: Node, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int) {
        switch node {
        case .header: parts.hasHeader = true
        case .body: parts.hasBody = true
        case .lps: parts.headers.lps = ContexteLPS()
        case .bam: parts.headers.bam = ContexteBAM()
        case .security: parts.headers.hasSecurity = true
        case .beneficiaryMatricule: parts.vitale?.beneficiary = WireMatricule(number: nil)
        case .ouvrantDroitMatricule: parts.vitale?.ouvrantDroit = WireMatricule(number: nil)
        case .idam:
            // The unprefixed `R` attribute, as the tree's `attributes["R"]`.
            // Written only when given: reading the old value copied the whole ContexteLPS.
            if let r = unprefixedAttribute("R", attributes, attributeCount) { parts.headers.lps?.idamR = r }
        case .assertionSubject: parts.headers.samlAssertion?.hasSubject = true
        case .assertionSignature: parts.headers.samlAssertion?.hasSignature = true
        default: break
        }
    }

    private func openedAssertion(namespace: String, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int) {
        parts.headers.samlAssertion = SAMLAssertionHeader(
            namespace: namespace, id: unprefixedAttribute("ID", attributes, attributeCount),
            version: unprefixedAttribute("Version", attributes, attributeCount),
            issueInstant: unprefixedAttribute("IssueInstant", attributes, attributeCount))
    }

    /// The value of the last unprefixed attribute `name` (libxml2 gives five pointers per attribute:
    /// local name, prefix, URI, value start, value end), as the tree's `attributes[name]`.
    private func unprefixedAttribute(_ name: StaticString, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                                     _ attributeCount: Int) -> String? {
        guard attributeCount > 0, let attributes else { return nil }
        var value: String?
        for index in 0..<attributeCount {
            let base = index * 5
            guard let local = attributes[base], attributes[base + 1] == nil, local.isNamed(name),
                  let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
            value = attributeValue(start, end)
        }
        return value
    }

    override func didEndElement(tag: UInt8) {
        guard let node = Node(rawValue: tag), node.isLeaf else { return }
        // Trimmed on the bytes: one string made, of the value itself; none for an action of the
        // contract, which is the constant's own string.
        let text = leafText
        var start = 0
        var end = leafCount
        while start < end && text[start].isXMLSpace { start += 1 }
        while end > start && text[end - 1].isXMLSpace { end -= 1 }
        let bytes = UnsafeBufferPointer(start: text + start, count: end - start)
        let value = (node == .action ? Self.knownAction(bytes) : nil) ?? String(decoding: bytes, as: UTF8.self)
        leafCount = 0
        switch node {
        case .messageID: parts.headers.messageID = value
        case .action: parts.headers.action = value
        case .lpsID: parts.headers.lps?.id = value
        case .lpsTime: parts.headers.lps?.time = value
        case .lpsEmitter: parts.headers.lps?.emitter = value
        case .idam: parts.headers.lps?.idam = value
        case .softwareVersion: parts.headers.lps?.version = value
        case .softwareInstance: parts.headers.lps?.instance = value
        case .softwareName: parts.headers.lps?.name = value
        case .bamID: parts.headers.bam?.id = value
        case .bamTime: parts.headers.bam?.time = value
        case .bamEmitter: parts.headers.bam?.emitter = value
        case .insuredNumber: parts.headers.bam?.insuredNumber = value
        case .beneficiaryBirthDate: parts.headers.bam?.beneficiaryBirthDate = value
        case .beneficiaryRank: parts.headers.bam?.beneficiaryRank = value
        case .traitsBirthName: parts.traits?.birthName = value
        case .traitsFirstName: parts.traits?.firstNames.append(value)
        case .traitsSex: parts.traits?.sex = value
        case .traitsBirthDate: parts.traits?.birthDate = value
        case .traitsBirthPlace: parts.traits?.birthPlace = value
        case .beneficiaryNumber: parts.vitale?.beneficiary?.number = value
        case .beneficiaryKey: parts.vitale?.beneficiary?.key = value
        case .beneficiaryType: parts.vitale?.beneficiary?.type = value
        case .ouvrantDroitNumber: parts.vitale?.ouvrantDroit?.number = value
        case .ouvrantDroitKey: parts.vitale?.ouvrantDroit?.key = value
        case .ouvrantDroitType: parts.vitale?.ouvrantDroit?.type = value
        case .vitaleBirthName: parts.vitale?.birthName = value
        case .vitaleBirthDate: parts.vitale?.birthDate = value
        case .vitaleRank: parts.vitale?.rank = value
        case .assertionIssuer: parts.headers.samlAssertion?.issuer = value
        default: break
        }
    }

    /// At least twice the room, zeroed beyond what it holds; the old room is zeroed as it is
    /// freed (a value read must not stay in freed memory either).
    private func growLeafText(toHold count: Int) {
        let room = max(2 * leafRoom, count)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: room)
        grown.initialize(from: leafText, count: leafRoom)
        (grown + leafRoom).initialize(repeating: 0, count: room - leafRoom)
        leafText.update(repeating: 0, count: leafRoom)
        leafText.deallocate()
        leafText = grown
        leafRoom = room
    }

    /// The contract's action spelled by `bytes`, as its constant.
    private static func knownAction(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        for (action, spelling) in actions where spelling.count == bytes.count {
            // Compared as buffers: the string's view, iterated, was a call's worth of generic steps per byte.
            if spelling.withUnsafeBufferPointer({ $0.baseAddress.map { memcmp($0, base, bytes.count) == 0 } ?? false }) { return action }
        }
        return nil
    }

    /// Each operation's action, and its bytes.
    private static let actions: [(String, [UInt8])] = INSiOperation.allCases.map { ($0.action, Array($0.action.utf8)) }

    override func didReceiveText(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) {
        guard let node = Node(rawValue: tag), node.isLeaf else { return }
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if leafCount + bytes.count > leafRoom {
            // Bounded by the handler's text limit, checked before this is called.
            growLeafText(toHold: leafCount + bytes.count)
        }
        (leafText + leafCount).update(from: source, count: bytes.count)
        leafCount += bytes.count
        leafWritten = max(leafWritten, leafCount)
    }
}

extension INSiRequestEventReader {
    /// Readers kept between requests: a new one costs several allocations (the object, its
    /// stack of open elements, its buffers, the scanner's room) and as many frees, about as much
    /// as reading the document's elements. A reader comes back after its parse and is reset
    /// then, emptied of what the document left in it.
    ///
    /// Each thread first gets back the reader it gave last (``ThreadSlot``): an event loop
    /// reads every request with the same reader, in memory its core holds, where readers
    /// passed from loop to loop moved their memory between the cores on every use. The shared
    /// list holds a reader given back by a thread whose slot is already filled (one that read
    /// two documents at once); a reader left in a slot is freed when its thread ends.
    ///
    /// Only a reader whose storage stayed small is kept: a document with a megabyte of text in
    /// a value, or nested deep, must not leave that much memory pinned in the pool.
    final class Pool: Sendable {
        static let shared = Pool(capacity: 16)

        /// A reader owned by the pool while in it, and by exactly one parse once taken.
        private struct Kept: @unchecked Sendable {
            let reader: INSiRequestEventReader
        }

        // Read by every event loop on every request: kept off the cache lines of whatever is
        // allocated next to the pool (the lines other threads write moved at each read).
        private let before = CacheLinePadding()
        private let readers: ReusePool<Kept>
        /// The reader each thread gave back last, when the pool keeps any (capacity above 0).
        private let ownReader: ThreadSlot<INSiRequestEventReader>?
        private let after = CacheLinePadding()
        /// Largest value buffer and deepest nesting a kept reader may have grown to.
        static let maxKeptTextBytes = 4_096
        static let maxKeptDepth = 64
        /// Largest scan room (``SAXHandler/scanRoom(byteCount:)``) a kept reader may hold: room
        /// for documents of about 60 KB.
        static let maxKeptScanBytes = 64 * 1_024

        init(capacity: Int) {
            readers = ReusePool(capacity: capacity)
            ownReader = capacity > 0 ? ThreadSlot() : nil
        }

        /// A kept reader, as new, for `limits` (the one this thread gave back last, if any); or
        /// a new one.
        func take(limits: XMLSafetyLimits) -> INSiRequestEventReader {
            guard let reader = ownReader?.take() ?? readers.take()?.reader else { return INSiRequestEventReader(limits: limits) }
            reader.use(limits)
            return reader
        }

        /// Hands a reader back once its parse is over. It is reset here, so that the pool never
        /// holds what a document left in it (a refused document's values); a reader the pool
        /// has no room for is freed.
        func give(_ reader: INSiRequestEventReader) {
            guard reader.isSmall else { return }
            reader.reset(limits: reader.limits)
            if ownReader?.put(reader) == true { return }
            _ = readers.give(Kept(reader: reader))
        }

        /// Readers in the pool that this thread could take (tests).
        var count: Int { readers.count + (ownReader?.isFilled == true ? 1 : 0) }
    }

    /// True when the reader holds nothing of a document: what ``Pool`` keeps (tests).
    var holdsNothing: Bool {
        partsFresh && parts == EnvelopeParts() && seen == 0 && leafCount == 0
            && UnsafeBufferPointer(start: leafText, count: leafRoom).allSatisfy { $0 == 0 } && depth == 0 && failure == nil && context == nil
    }

    /// Whether this reader's storage stayed small enough to keep (see ``Pool``).
    var isSmall: Bool {
        leafRoom <= Pool.maxKeptTextBytes && openRoom <= Pool.maxKeptDepth
            && scanRoomBytes <= Pool.maxKeptScanBytes
    }

    /// Where an element sits in the request; the leaves carry a value.
    enum Node: UInt8 {
        case ignored, envelope, header, body
        case messageID, action
        case lps, lpsID, lpsTime, lpsEmitter, software, idam, softwareVersion, softwareInstance, softwareName
        case bam, bamID, bamTime, bamEmitter, coverage, insured, insuredID, insuredNumber
        case beneficiary, beneficiaryBirthDate, beneficiaryRank
        case security
        case traits, traitsBirthName, traitsFirstName, traitsSex, traitsBirthDate, traitsBirthPlace
        case vitale, beneficiaryMatricule, beneficiaryNumber, beneficiaryKey, beneficiaryType
        case ouvrantDroitMatricule, ouvrantDroitNumber, ouvrantDroitKey, ouvrantDroitType
        case vitaleBirthName, vitaleBirthDate, vitaleRank
        case assertion, assertionIssuer, assertionSubject, assertionSignature

        var isLeaf: Bool {
            switch self {
            case .messageID, .action, .lpsID, .lpsTime, .lpsEmitter, .idam, .softwareVersion, .softwareInstance, .softwareName,
                 .bamID, .bamTime, .bamEmitter, .insuredNumber, .beneficiaryBirthDate, .beneficiaryRank,
                 .traitsBirthName, .traitsFirstName, .traitsSex, .traitsBirthDate, .traitsBirthPlace,
                 .beneficiaryNumber, .beneficiaryKey, .beneficiaryType, .ouvrantDroitNumber, .ouvrantDroitKey, .ouvrantDroitType,
                 .vitaleBirthName, .vitaleBirthDate, .vitaleRank, .assertionIssuer:
                return true
            default:
                return false
            }
        }

        struct Child: Sendable {
            let namespace: KnownNamespace
            let name: StaticString
            let node: Node
        }

        /// The elements read under each node: those of node `n` are `children[ranges[n]]` (the
        /// body and the security header are handled apart). One flat table of plain values: with
        /// an array per node, every element opened retained and released its node's array.
        static let childTable: (children: ReadOnlyTable<Child>, ranges: ReadOnlyTable<Range<Int>>) = {
            var table = [[Child]](repeating: [], count: Int(Node.assertionSignature.rawValue) + 1)
            func add(_ parent: Node, _ namespace: KnownNamespace, _ list: [(StaticString, Node)]) {
                table[Int(parent.rawValue)] = list.map { Child(namespace: namespace, name: $0.0, node: $0.1) }
            }
            add(.envelope, .soap, [("Header", .header), ("Body", .body)])
            table[Int(Node.header.rawValue)] = [
                Child(namespace: .wsa, name: "MessageID", node: .messageID), Child(namespace: .wsa, name: "Action", node: .action),
                Child(namespace: .ctxlps, name: "ContexteLPS", node: .lps), Child(namespace: .ctxbam, name: "ContexteBAM", node: .bam),
                Child(namespace: .wsse, name: "Security", node: .security),
            ]
            add(.lps, .ctxlps, [("Id", .lpsID), ("Temps", .lpsTime), ("Emetteur", .lpsEmitter), ("LPS", .software)])
            add(.software, .ctxlps, [("IDAM", .idam), ("Version", .softwareVersion), ("Instance", .softwareInstance), ("Nom", .softwareName)])
            add(.bam, .ctxbam, [("Id", .bamID), ("Temps", .bamTime), ("Emetteur", .bamEmitter), ("COUVERTURE", .coverage)])
            add(.coverage, .ctxbam, [("ASSURE", .insured), ("BENEFICIAIRE", .beneficiary)])
            add(.insured, .ctxbam, [("Id", .insuredID)])
            add(.insuredID, .ctxbam, [("Num", .insuredNumber)])
            add(.beneficiary, .ctxbam, [("DateNai", .beneficiaryBirthDate), ("Rang", .beneficiaryRank)])
            add(.traits, .recSans, [("NomNaissance", .traitsBirthName), ("Prenom", .traitsFirstName), ("Sexe", .traitsSex),
                                    ("DateNaissance", .traitsBirthDate), ("LieuNaissance", .traitsBirthPlace)])
            add(.vitale, .recVit, [("MatriculeIndividu", .beneficiaryMatricule), ("MatriculeOD", .ouvrantDroitMatricule),
                                   ("NomNaissance", .vitaleBirthName), ("DateNaissance", .vitaleBirthDate), ("RangNaissance", .vitaleRank)])
            add(.beneficiaryMatricule, .recVit, [("NumIdentifiant", .beneficiaryNumber), ("Cle", .beneficiaryKey), ("TypeMatricule", .beneficiaryType)])
            add(.ouvrantDroitMatricule, .recVit, [("NumIdentifiant", .ouvrantDroitNumber), ("Cle", .ouvrantDroitKey), ("TypeMatricule", .ouvrantDroitType)])
            table[Int(Node.assertion.rawValue)] = [
                Child(namespace: .saml2, name: "Issuer", node: .assertionIssuer), Child(namespace: .saml2, name: "Subject", node: .assertionSubject),
                Child(namespace: .xmldsig, name: "Signature", node: .assertionSignature),
            ]
            var children: [Child] = []
            var ranges: [Range<Int>] = []
            for list in table {
                ranges.append(children.count..<children.count + list.count)
                children.append(contentsOf: list)
            }
            return (ReadOnlyTable(children), ReadOnlyTable(ranges))
        }()
    }

    /// The namespaces of the contract, told apart once per distinct URI address.
    enum KnownNamespace: UInt8, Sendable {
        case none, other, soap, wsa, wsse, ctxlps, ctxbam, recSans, recVit, saml2, xmldsig

        static let all: [(KnownNamespace, String)] = [
            (.soap, INSiNamespace.soap12), (.wsa, INSiNamespace.wsa), (.wsse, INSiNamespace.wsse), (.ctxlps, INSiNamespace.ctxlps),
            (.ctxbam, INSiNamespace.ctxbam), (.recSans, INSiNamespace.recSans), (.recVit, INSiNamespace.recVit),
            (.saml2, INSiNamespace.saml2), (.xmldsig, INSiNamespace.xmldsig),
        ]

        /// The URI at `pointer` (NUL-terminated), compared in place: no string is made of it.
        init(uri pointer: UnsafePointer<xmlChar>) {
            let text = UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
            let length = strlen(text)
            // A native string's bytes are NUL-terminated in place: withCString copies nothing.
            for (namespace, uri) in Self.all where uri.utf8.count == length && uri.withCString({ strcmp(text, $0) == 0 }) {
                self = namespace
                return
            }
            self = .other
        }
    }

    /// Namespace URIs by the address libxml2 interned them at: a request names a handful of
    /// them on dozens of elements.
    struct NamespaceCache {
        private var entries: [(address: UnsafePointer<xmlChar>, known: KnownNamespace)] = []
        /// The entry found last: an element's namespace is mostly its previous sibling's.
        private var last: (address: UnsafePointer<xmlChar>?, known: KnownNamespace) = (nil, .none)

        init() {
            entries.reserveCapacity(8)
        }

        /// Forgets every address: another parse interns its URIs elsewhere.
        mutating func removeAll() {
            if !entries.isEmpty { entries.removeAll(keepingCapacity: true) }
            last = (nil, .none)
        }

        mutating func namespace(at pointer: UnsafePointer<xmlChar>?) -> KnownNamespace {
            guard let pointer else { return .none }
            if pointer == last.address { return last.known }
            for entry in entries where entry.address == pointer {
                last = entry
                return entry.known
            }
            let namespace = KnownNamespace(uri: pointer)
            // Past 32 URIs (never in a real request) they are compared every time rather than
            // searched in an ever longer list.
            if entries.count < 32 { entries.append((pointer, namespace)) }
            last = (pointer, namespace)
            return namespace
        }

        /// The URI as a string: the contract's own constant when it is one of them (no string
        /// is made for the envelope's and the payload's namespaces of every call).
        mutating func string(at pointer: UnsafePointer<xmlChar>?) -> String {
            guard let pointer else { return "" }
            let known = namespace(at: pointer)
            if let constant = KnownNamespace.all.first(where: { $0.0 == known })?.1 { return constant }
            return namespaceURI(pointer)
        }
    }
}

extension UnsafePointer<xmlChar> {
    /// True when this NUL-terminated name is `name`.
    @inline(__always)
    func isNamed(_ name: StaticString) -> Bool {
        // Compared here rather than by `strcmp`: most names asked about differ at their first
        // byte, and the call cost more than the comparison (a request opens about 40 elements,
        // each compared with a few candidates).
        let expected = name.utf8Start
        let count = name.utf8CodeUnitCount
        for index in 0..<count where self[index] != expected[index] {
            return false
        }
        return self[count] == 0
    }
}
