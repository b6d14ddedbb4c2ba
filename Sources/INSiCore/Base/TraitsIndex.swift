import Foundation

/// The traits index of a ``ReferenceBase``: from a ``TraitsIndexKey`` to the slots of the
/// identities that share it, homonyms included.
///
/// An open-addressing table of 8-byte entries (linear probing, at most half full), searched
/// with a hash of the key's bytes. It replaced a `Dictionary` from the key to the head of a
/// chain of slots: on a million identities, a search through the dictionary read its occupancy
/// bitmap, its keys, its values and the chain's next slot, four places far apart in memory, and
/// hashed the name with SipHash. Here a search reads one or two neighbouring entries, then the
/// identities they name, whose keys the caller checks.
///
/// The table holds the low 32 bits of each key's hash: enough to find an entry's home again when
/// the table grows (a table of more than 2³² positions, far beyond any base, would use only the
/// first 2³² as homes, and still be right), and to pass over most other keys' entries without
/// reading their identities. Equal hashes do not mean equal keys: the caller checks each
/// candidate identity's key.
///
/// The hash is not seeded: only the base's content shapes the table, and only the seed file and
/// the admin API write the base; a request only probes where its own key leads.
struct TraitsIndex: Sendable {
    private struct Entry {
        /// The low 32 bits of the key's hash.
        var tag: UInt32
        /// The identity's slot; ``TraitsIndex/empty`` or ``TraitsIndex/removed`` otherwise.
        var slot: Int32
    }

    private static let empty: Int32 = -1
    /// Left by a removal, so that probes go on past it; dropped when the table is rebuilt.
    private static let removed: Int32 = -2

    private var entries: [Entry]
    /// Entries naming a slot.
    private(set) var count = 0
    /// Entries left by removals.
    private(set) var removedCount = 0

    /// A table ready for `keys` entries without growing.
    init(keys: Int = 0) {
        entries = Array(repeating: Entry(tag: 0, slot: Self.empty), count: Self.tableSize(for: keys))
    }

    /// The slots filed under `hash`, in table order; the caller checks each one's key.
    @inline(__always)
    func forEachCandidate(hash: UInt64, _ body: (Int32) -> Void) {
        let tag = UInt32(truncatingIfNeeded: hash)
        entries.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            var position = Int(truncatingIfNeeded: tag) & mask
            while true {
                let entry = table[position]
                if entry.slot == Self.empty { return }
                if entry.tag == tag && entry.slot >= 0 { body(entry.slot) }
                position = (position + 1) & mask
            }
        }
    }

    /// Positions in the table (a power of two).
    var positions: Int { entries.count }

    /// Files `slot` under `hash`. Slots are unique: the caller never files one twice.
    mutating func insert(slot: Int32, hash: UInt64) {
        precondition(slot >= 0, "a slot is an index in the base")
        if (count + removedCount + 1) * 2 > entries.count {
            // Doubled when the live entries pass a quarter, else rebuilt at its size without the
            // removed ones: either way at most a quarter full after, so that as many changes
            // again come before the next rebuild. (Rebuilt at exactly half full, a base
            // replacing identities at that size would be rebuilt at every replacement.)
            rebuild(size: (count + 1) * 4 > entries.count ? entries.count * 2 : entries.count)
        }
        let tag = UInt32(truncatingIfNeeded: hash)
        let reusesRemoved = entries.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var position = Int(truncatingIfNeeded: tag) & mask
            // The first free entry, removed or empty: it lies on the probe of every key filed
            // here, and no duplicate of `slot` can lie further on, as slots are unique.
            while table[position].slot >= 0 { position = (position + 1) & mask }
            let reuses = table[position].slot == Self.removed
            table[position] = Entry(tag: tag, slot: slot)
            return reuses
        }
        if reusesRemoved { removedCount -= 1 }
        count += 1
    }

    /// Takes `slot`, filed under `hash`, out of the table; false when it was not there. The
    /// entry is found by its slot alone, which no other entry holds.
    @discardableResult
    mutating func remove(slot: Int32, hash: UInt64) -> Bool {
        let tag = UInt32(truncatingIfNeeded: hash)
        let found = entries.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var position = Int(truncatingIfNeeded: tag) & mask
            while table[position].slot != Self.empty {
                if table[position].slot == slot {
                    table[position].slot = Self.removed
                    return true
                }
                position = (position + 1) & mask
            }
            return false
        }
        if found {
            count -= 1
            removedCount += 1
        }
        return found
    }

    /// A power of two at least twice `keys` (and at least 16): the table stays at most half full.
    private static func tableSize(for keys: Int) -> Int {
        var size = 16
        while size < keys * 2 { size *= 2 }
        return size
    }

    /// Files every entry again in a table of `size` entries, without the removed ones.
    private mutating func rebuild(size: Int) {
        let old = entries
        entries = Array(repeating: Entry(tag: 0, slot: Self.empty), count: size)
        count = 0
        removedCount = 0
        for entry in old where entry.slot >= 0 {
            insert(slot: entry.slot, hash: UInt64(entry.tag))
        }
    }

    // MARK: Hashing

    /// The hash of a key: the sex and the date, then the name's UTF-8 eight bytes at a time.
    ///
    /// A name with non-ASCII characters is hashed in its composed form (NFC), as `String`
    /// compares names by canonical equivalence: "É" written as one character or as "E" and an
    /// accent is the same name, and must lead to the same entries.
    static func hash(_ key: TraitsIndexKey) -> UInt64 {
        let date = UInt64(key.birthDate.year) << 16 | UInt64(key.birthDate.month) << 8 | UInt64(key.birthDate.day)
        let sex: UInt64 = switch key.sex {
        case .male: 1
        case .female: 2
        case .indeterminate: 3
        }
        // Mixed before the name: XORed with the name's first word unmixed, a sex or a date
        // could cancel a difference in the name's first bytes (NARTIN, male, hashed as
        // MARTIN, female).
        let start = mix(0x9E37_79B9_7F4A_7C15, date << 8 | sex)
        var (state, ascii) = mix(start, utf8Of: key.nameKey)
        if !ascii {
            (state, _) = mix(start, utf8Of: key.nameKey.precomposedStringWithCanonicalMapping)
        }
        // MurmurHash3's finalizer: every bit of the state reaches the low 32 bits kept.
        state ^= state >> 33
        state &*= 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state &*= 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return state
    }

    /// `state` with the name's UTF-8 mixed in, and whether the name was all ASCII.
    private static func mix(_ start: UInt64, utf8Of text: String) -> (UInt64, ascii: Bool) {
        var state = start
        var highBits: UInt64 = 0
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            if let base = bytes.baseAddress {
                while offset + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self).littleEndian
                    highBits |= word
                    state = mix(state, word)
                    offset += 8
                }
            }
            var last: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                last |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            highBits |= last
            // The length in the last word's free top byte: "AB" and "AB\0" differ.
            state = mix(state, last ^ UInt64(truncatingIfNeeded: bytes.count) << 56)
        }
        return (state, highBits & 0x8080_8080_8080_8080 == 0)
    }

    @inline(__always)
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        var value = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        return value
    }
}
