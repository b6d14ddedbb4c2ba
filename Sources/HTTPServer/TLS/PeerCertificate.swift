import Foundation

/// The particulars of a client certificate, as a journal or a rule needs them.
public struct PeerCertificate: Sendable, Equatable, Codable {
    /// The subject as an RFC 4514 string, most specific first: "CN=INSI-AUTO,O=Editeur,C=FR".
    public var subject: String
    /// The issuer, in the same form.
    public var issuer: String
    /// The serial number in upper-case hexadecimal, without separators.
    public var serial: String
    public var notBefore: Date
    public var notAfter: Date
    /// The subject's common name (CN); nil when the subject has none.
    public var commonName: String?

    public init(subject: String, issuer: String, serial: String, notBefore: Date, notAfter: Date, commonName: String?) {
        self.subject = subject
        self.issuer = issuer
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.commonName = commonName
    }

    private enum CodingKeys: String, CodingKey {
        case subject, issuer, serial, notBefore, notAfter, commonName
    }

    // Dates as ISO 8601 text, whatever date strategy the encoder has: a journal line is read by people.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        self.init(subject: try container.decode(String.self, forKey: .subject), issuer: try container.decode(String.self, forKey: .issuer),
                  serial: try container.decode(String.self, forKey: .serial), notBefore: try date(.notBefore),
                  notAfter: try date(.notAfter), commonName: try container.decodeIfPresent(String.self, forKey: .commonName))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(serial, forKey: .serial)
        try container.encode(ISO8601DateFormatter().string(from: notBefore), forKey: .notBefore)
        try container.encode(ISO8601DateFormatter().string(from: notAfter), forKey: .notAfter)
        try container.encodeIfPresent(commonName, forKey: .commonName)
    }
}
