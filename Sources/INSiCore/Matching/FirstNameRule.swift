/// The first-name rule of INSi: the request's first names match a reference list when they are
/// its first first name alone, or the complete list in order (recorded: TCHITCHI OLA gives 01,
/// TCHITCHI CATARINA gives 00 for CATARINA BELLA). A single first name other than the first, or
/// a partial list, does not match (simulator choice, documented in docs/reference/matching.md).
struct FirstNameRule {
    private let nameMatching: NameMatching
    /// Strict: the upper-cased names. Relaxed: one key of the whole sequence, because there a
    /// hyphen and a space are the same separator ("PIERRE ALAIN" is "PIERRE-ALAIN").
    private let strictNames: [String]
    private let relaxedKey: String

    init(_ names: [String], nameMatching: NameMatching) {
        self.nameMatching = nameMatching
        switch nameMatching {
        case .strict:
            // Names already canonical (the usual request) keep their array: no copy per search.
            strictNames = names.allSatisfy(NameMatching.isCanonicalASCII)
                ? names : names.map { NameMatching.isCanonicalASCII($0) ? $0 : $0.uppercased() }
            relaxedKey = ""
        case .relaxed:
            strictNames = []
            relaxedKey = nameMatching.key(names.joined(separator: " "))
        }
    }

    func matches(_ reference: [String]) -> Bool {
        guard let first = reference.first else { return false }
        switch nameMatching {
        case .strict:
            if strictNames.count == 1 { return strictNames[0] == first }
            return strictNames == reference
        case .relaxed:
            return relaxedKey == nameMatching.key(first) || relaxedKey == nameMatching.key(reference.joined(separator: " "))
        }
    }
}
