import Foundation

/// Writes a seed file as it goes, one record per line, so that a million identities never
/// become one giant string: bytes are buffered and flushed every 1 MiB.
///
/// Call `write(_:)` for each identity, then `finish(cards:)` once.
public final class SeedWriter {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var identities = 0
    private var finished = false

    static let flushSize = 1 << 20

    /// Creates (or truncates) the file and writes the header.
    public init(path: String) throws(SeedWriteError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SeedWriteError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        buffer.reserveCapacity(SeedWriter.flushSize + 4_096)
        append("{\n  \"format\": \"\(SeedFile.formatName)\",\n  \"version\": \(SeedFile.currentVersion),\n  \"identities\": [")
    }

    deinit { close(descriptor) }

    /// Appends one identity record.
    public func write(_ identity: Identity) throws(SeedWriteError) {
        append(identities == 0 ? "\n    " : ",\n    ")
        identities += 1
        append("{")
        if let note = identity.note { member("note", note, last: false) }
        member("birthName", identity.traits.birthName, last: false)
        append("\"firstNames\": [")
        for (index, name) in identity.traits.firstNames.enumerated() {
            if index > 0 { append(", ") }
            string(name)
        }
        append("], ")
        member("sex", identity.traits.sex.rawValue, last: false)
        member("birthDate", identity.traits.birthDate.text, last: false)
        if let place = identity.traits.birthPlace { member("birthPlace", place.code, last: false) }
        if !identity.keyCheck { append("\"keyCheck\": false, ") }
        append("\"ins\": ")
        ins(identity.ins, withKey: true)
        if !identity.history.isEmpty {
            append(", \"history\": [")
            for (index, past) in identity.history.enumerated() {
                if index > 0 { append(", ") }
                ins(past, withKey: true)
            }
            append("]")
        }
        append("}")
        try flushIfFull()
    }

    /// Writes the Vitale cards and the end of the document, and flushes.
    public func finish(cards: [VitaleCard]) throws(SeedWriteError) {
        append(identities == 0 ? "],\n  \"vitaleCards\": [" : "\n  ],\n  \"vitaleCards\": [")
        for (index, card) in cards.enumerated() {
            append(index == 0 ? "\n    {" : ",\n    {")
            if let note = card.note { member("note", note, last: false) }
            append("\"ouvrantDroit\": {")
            member("matricule", card.ouvrantDroit.value, last: false)
            member("key", card.ouvrantDroitKey, last: true)
            append("}, \"beneficiaries\": [")
            for (position, beneficiary) in card.beneficiaries.enumerated() {
                if position > 0 { append(", ") }
                append("{")
                member("matricule", beneficiary.matricule.value, last: false)
                member("birthDate", beneficiary.birthDate.text, last: false)
                append("\"rank\": \(beneficiary.rank)}")
            }
            append("]}")
            try flushIfFull()
        }
        append(cards.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
        try flush()
        finished = true
    }

    private func ins(_ ins: INS, withKey: Bool) {
        append("{")
        member("matricule", ins.matricule.value, last: false)
        if withKey { member("key", ins.key, last: false) }
        let dated = ins.dateStart != nil || ins.dateEnd != nil
        member("oid", ins.oid.rawValue, last: !dated)
        if let start = ins.dateStart { member("dateStart", start.text, last: ins.dateEnd == nil) }
        if let end = ins.dateEnd { member("dateEnd", end.text, last: true) }
        append("}")
    }

    private func member(_ key: String, _ value: String, last: Bool) {
        append("\"")
        append(key)
        append("\": ")
        string(value)
        if !last { append(", ") }
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    private func string(_ value: String) {
        buffer.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                append("\\u00" + (hex.count == 1 ? "0" : "") + hex)
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    private func flushIfFull() throws(SeedWriteError) {
        if buffer.count >= SeedWriter.flushSize { try flush() }
    }

    private func flush() throws(SeedWriteError) {
        var offset = 0
        let failure: String? = buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw SeedWriteError(path: path, reason: failure) }
    }
}

/// A seed file that could not be written.
public struct SeedWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write the seed file \(path): \(reason)" }
}
