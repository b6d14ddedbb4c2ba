/// Deterministic synthetic reference bases, for benchmarks and load tests: valid matricules and
/// keys consistent with sex, birth month and place; realistic names with a documented share of
/// special shapes; homonym groups (so that 02 occurs); lunar dates; people born abroad; NIA;
/// Corsican births; INSHISTO; Vitale families with twins.
///
/// Holds the whole base in memory; `SyntheticGenerator` hands identities out one at a time for
/// writers that must not (a million-identity seed file).
public struct SyntheticBase: Sendable {
    /// The shares of special cases, documented in docs/reference/seed-format.md.
    public enum Share {
        /// Birth names `A-B` (a hyphen between two names).
        public static let hyphenatedName = 0.06
        /// Birth names `A--B` (the double hyphen of a double name since 2005).
        public static let doubleHyphenName = 0.02
        /// Birth names `A B` (two names with a space).
        public static let spacedName = 0.03
        /// Birth names with an apostrophe (`D'ALMEIDA`).
        public static let apostropheName = 0.01
        /// Identities drawn as the homonym of a recent one: same birth name, sex, birth date and
        /// first first name (other first names drawn again); the birth place is the same half of
        /// the time. A search by the first first name alone gives 02.
        public static let homonym = 0.03
        /// Lunar birth dates: unknown day (half of them) or unknown month and day.
        public static let lunarDate = 0.01
        /// People born abroad (COG `99xxx`, matricule department 99).
        public static let bornAbroad = 0.05
        /// Active INS that are a NIA (OID `.9`).
        public static let nia = 0.01
        /// Identities with one INSHISTO (a previous matricule, with its dates).
        public static let history = 0.02
        /// Draws that make a Vitale family: the ouvrant droit and a child, or twins.
        public static let family = 0.05
        /// Share of families whose children are twins (same birth date and place, ranks 1 and 2).
        public static let twins = 0.2
    }

    public let identities: [Identity]
    public let cards: [VitaleCard]

    /// Generates `count` identities from `seed`; the same arguments always give the same base.
    /// `progress` receives the number of identities made so far, every 10,000.
    public init(count: Int, seed: UInt64 = 1, progress: ((Int) -> Void)? = nil) {
        var generator = SyntheticGenerator(seed: seed)
        var identities: [Identity] = []
        identities.reserveCapacity(count)
        generator.generate(count: count) { identity in
            identities.append(identity)
            if let progress, identities.count % 10_000 == 0 { progress(identities.count) }
        }
        self.identities = identities
        self.cards = generator.cards
    }
}
