import Foundation

/// A certificate subject as a list of RDNs, each a set of (attribute type OID, value), in the
/// certificate's order. Compared whatever the spelling: `2.5.4.42=OLIVIER+CN=00B6087510` and
/// `GN=OLIVIER+CN=00B6087510` name the same subject.
public struct DistinguishedName: Sendable, Equatable, CustomStringConvertible {
    public struct Attribute: Sendable, Equatable, Hashable {
        public var oid: String
        public var value: String
    }

    /// RDNs in the certificate's order (the last is written first in RFC 4514 text).
    public var rdns: [[Attribute]]

    public init(rdns: [[Attribute]]) {
        self.rdns = rdns
    }

    /// From the C side's lines `oid<TAB>value<TAB>set`.
    init(entries: String) {
        var rdns: [[Attribute]] = []
        var currentSet: Substring?
        for line in entries.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let attribute = Attribute(oid: String(fields[0]), value: String(fields[1]))
            if fields[2] == currentSet, !rdns.isEmpty {
                rdns[rdns.count - 1].append(attribute)
            } else {
                rdns.append([attribute])
                currentSet = fields[2]
            }
        }
        self.rdns = rdns
    }

    /// Keywords of the attribute types a card subject uses, and their OIDs.
    static let keywords: [(keyword: String, oid: String)] = [
        ("CN", "2.5.4.3"), ("SN", "2.5.4.4"), ("C", "2.5.4.6"), ("L", "2.5.4.7"), ("ST", "2.5.4.8"),
        ("O", "2.5.4.10"), ("OU", "2.5.4.11"), ("T", "2.5.4.12"), ("GN", "2.5.4.42"), ("GIVENNAME", "2.5.4.42"),
        ("TITLE", "2.5.4.12"), ("SURNAME", "2.5.4.4"),
    ]

    /// Parses RFC 4514-style text: RDNs separated by `,` (last RDN first), attributes of one
    /// RDN by `+`, types as keywords or dotted OIDs, `\` escaping. nil when it is not one.
    public init?(text: String) {
        var rdns: [[Attribute]] = []
        var current: [Attribute] = []
        var part = ""
        var escaped = false
        func finishAttribute() -> Bool {
            guard let equals = part.firstIndex(of: "=") else { return false }
            let type = part[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
            let value = String(part[part.index(after: equals)...])
            let oid = type.first?.isNumber == true ? type : Self.keywords.first { $0.keyword == type }?.oid
            guard let oid, !oid.isEmpty else { return false }
            current.append(Attribute(oid: oid, value: value))
            part = ""
            return true
        }
        for character in text {
            if escaped {
                part.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "+" {
                guard finishAttribute() else { return nil }
            } else if character == "," {
                guard finishAttribute() else { return nil }
                rdns.append(current)
                current = []
            } else {
                part.append(character)
            }
        }
        guard !escaped, finishAttribute() else { return nil }
        rdns.append(current)
        self.rdns = rdns.reversed()
    }

    /// Equal RDNs in the same order; the attributes of one RDN in any order.
    public static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool {
        lhs.rdns.count == rhs.rdns.count && zip(lhs.rdns, rhs.rdns).allSatisfy { Set($0) == Set($1) }
    }

    /// RFC 4514 text as the CPx assertions carry it: last RDN first; givenName as its OID
    /// `2.5.4.42`, the others by keyword (`2.5.4.42=OLIVIER+CN=00B6087510+SN=DUPONT,T=Infirmier,C=FR`).
    public var description: String {
        rdns.reversed().map { rdn in
            rdn.map { attribute in
                let keyword = attribute.oid == "2.5.4.42" ? nil : Self.keywords.first { $0.oid == attribute.oid }?.keyword
                return "\(keyword ?? attribute.oid)=\(Self.escape(attribute.value))"
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for (index, character) in value.enumerated() {
            if ",+\"\\<>;=".contains(character) || (index == 0 && (character == "#" || character == " ")) {
                out.append("\\")
            }
            out.append(character)
        }
        return out
    }
}
