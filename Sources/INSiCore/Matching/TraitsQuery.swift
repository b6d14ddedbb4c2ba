/// A search by identity traits (`RECSANSVITALE`), validated.
public struct TraitsQuery: Sendable, Hashable {
    /// As sent (trimmed); compared under the base's name rule.
    public var birthName: String
    /// The first names, one per element: a request's space-separated `Prenom` values are split.
    public var firstNames: [String]
    public var sex: Sex
    public var birthDate: LunarDate
    public var birthPlace: COG?

    public init(birthName: String, firstNames: [String], sex: Sex, birthDate: LunarDate, birthPlace: COG? = nil) {
        self.birthName = birthName
        self.firstNames = firstNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
    }

    /// Longest birth name or first-name list accepted: far above any real name, low enough to
    /// keep a hostile request from costing anything.
    public static let maxNameLength = 200

    /// Validates the raw wire values of a request, in the order of the contract.
    ///
    /// - Parameter firstNames: every `Prenom` element as sent; each may hold several names
    ///   separated by spaces (clients do both).
    public static func validate(
        birthName: String?, firstNames: [String], sex: String?, birthDate: String?, birthPlace: String?
    ) throws(SearchInputError) -> TraitsQuery {
        let name = try validName(birthName, field: .birthName)
        var needsSplit = false
        for value in firstNames {
            guard value.utf8.count <= maxNameLength || (value.utf8.count <= 4 * maxNameLength && value.count <= maxNameLength) else {
                throw .invalid(.firstName, String(value.prefix(40)), "longer than \(maxNameLength) characters")
            }
            if let bad = controlCharacter(in: value, allowingLineBreaks: true) {
                throw .invalid(.firstName, value, "holds the control character U+\(String(bad.value, radix: 16, uppercase: true))")
            }
            if !needsSplit && value.utf8.contains(where: isSpaceByte) { needsSplit = true }
        }
        // Most requests send one name per element: the array they came in is kept, not copied.
        let names = needsSplit
            ? firstNames.flatMap { value in
                value.utf8.contains(where: isSpaceByte)
                    ? value.utf8.split(whereSeparator: isSpaceByte).map { String(decoding: $0, as: UTF8.self) } : [value]
            }
            : firstNames
        guard !names.isEmpty else { throw .missing(.firstName) }
        guard let sexText = nonEmpty(sex) else { throw .missing(.sex) }
        guard let parsedSex = Sex(wire: sexText) else { throw .invalid(.sex, sexText, "expected M, F or I") }
        guard let dateText = nonEmpty(birthDate) else { throw .missing(.birthDate) }
        guard let date = LunarDate(dateText) else {
            throw .invalid(.birthDate, dateText, "expected YYYY-MM-DD with a possible date (00 allowed for an unknown month or day)")
        }
        var place: COG?
        if let placeText = nonEmpty(birthPlace) {
            guard let cog = COG(placeText) else {
                throw .invalid(.birthPlace, placeText, "expected a 5-character INSEE COG (digits, 2A/2B for Corsica, 99xxx abroad)")
            }
            place = cog
        }
        return TraitsQuery(birthName: name, firstNames: names, sex: parsedSex, birthDate: date, birthPlace: place)
    }

    static func isSpaceByte(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text else { return nil }
        // The usual case, nothing to trim, costs no copy. The ends read from the bytes in place
        // (the view's `last` cost about 75 instructions).
        let ends = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.first.map { ($0, bytes[bytes.count - 1]) } }
        guard let (first, last) = ends ?? text.utf8.first.map({ ($0, text.utf8.last ?? $0) }) else { return nil }
        if first < 0x80 && last < 0x80 && !isSpaceByte(first) && !isSpaceByte(last) { return text }
        let trimmed = NameMatching.trimmed(text)
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// The first control character, looked for byte by byte while the text is ASCII.
    static func controlCharacter(in text: String, allowingLineBreaks: Bool) -> Unicode.Scalar? {
        // A native string's bytes read as a buffer (its view, iterated, checks at every byte how
        // the string is stored): the ASCII answer, or nil to look at the scalars.
        let asciiAnswer = text.utf8.withContiguousStorageIfAvailable { asciiControl(in: $0, allowingLineBreaks: allowingLineBreaks) }
            ?? asciiControl(in: text.utf8, allowingLineBreaks: allowingLineBreaks)
        if let asciiAnswer { return asciiAnswer }
        return text.unicodeScalars.first {
            $0.properties.generalCategory == .control && !(allowingLineBreaks && ($0 == "\t" || $0 == "\n" || $0 == "\r"))
        }
    }

    /// For ASCII text: `.some(control)` or `.some(nil)` when there is none; nil when the text
    /// is not all ASCII.
    private static func asciiControl<Bytes: Collection<UInt8>>(in bytes: Bytes, allowingLineBreaks: Bool) -> Unicode.Scalar?? {
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte < 0x20 || byte == 0x7F {
                if allowingLineBreaks && (byte == 0x09 || byte == 0x0A || byte == 0x0D) { continue }
                return .some(Unicode.Scalar(byte))
            }
        }
        return .some(nil)
    }

    static func validName(_ raw: String?, field: SearchInputError.Field) throws(SearchInputError) -> String {
        guard let name = nonEmpty(raw) else { throw .missing(field) }
        // Characters, but bytes too: one character may carry any number of combining marks.
        guard name.utf8.count <= maxNameLength || (name.utf8.count <= 4 * maxNameLength && name.count <= maxNameLength) else {
            throw .invalid(field, String(name.prefix(40)), "longer than \(maxNameLength) characters")
        }
        if let bad = controlCharacter(in: name, allowingLineBreaks: false) {
            throw .invalid(field, name, "holds the control character U+\(String(bad.value, radix: 16, uppercase: true))")
        }
        return name
    }
}
