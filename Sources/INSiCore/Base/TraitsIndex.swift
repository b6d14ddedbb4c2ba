/// The traits index of a ``ReferenceBase``: from a ``TraitsIndexKey`` to the slots of the
/// identities that share it, homonyms included.
///
/// An open-addressing table of 8-byte entries (linear probing, at most half full), searched
/// with a hash of the key's bytes. It replaced a `Dictionary` from the key to the head of a
/// chain of slots: on a million identities, a search through the dictionary read its occupancy
/// bitmap, its keys, its values and the chain's next slot, four places far apart in memory, and
/// hashed the name with SipHash. Here a search reads one or two neighbouring entries, then the
/// identities they name.
///
/// The table holds the low 32 bits of each key's hash, which are enough to find an entry's home
/// when the table grows (slots are `Int32`, so it never holds 2³¹ entries) and to pass over most
/// other keys' entries without reading their identities. Equal hashes do not mean equal keys: the
/// caller checks each candidate identity's key.
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
    private var removedCount = 0

    /// A table ready for `capacity` keys without growing.
    init(capacity: Int = 0) {
        entries = Array(repeating: Entry(tag: 0, slot: Self.empty), count: Self.tableSize(for: capacity))
    }

    /// The slots filed under `hash`, in table order; the caller checks each one's key.
    @inline(__always)
    func forEachCandidate(hash: UInt64, _ body: (Int32) -> Void) {
        let tag = UInt32(truncatingIfNeeded: hash)
        entries.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            var position = Int(tag) & mask
            while true {
                let entry = table[position]
                if entry.slot == Self.empty { return }
                if entry.tag == tag && entry.slot >= 0 { body(entry.slot) }
                position = (position + 1) & mask
            }
        }
    }

    /// Files `slot` under `hash`.
    mutating func insert(slot: Int32, hash: UInt64) {
        if (count + removedCount + 1) * 2 > entries.count {
            rebuild(size: Self.tableSize(for: count + 1))
        }
        let tag = UInt32(truncatingIfNeeded: hash)
        entries.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var position = Int(tag) & mask
            // The first free entry, removed or empty: the probe of every key filed here passes it.
            while table[position].slot >= 0 { position = (position + 1) & mask }
            if table[position].slot == Self.removed { removedCount -= 1 }
            table[position] = Entry(tag: tag, slot: slot)
        }
        count += 1
    }

    /// Takes `slot`, filed under `hash`, out of the table; false when it was not there.
    @discardableResult
    mutating func remove(slot: Int32, hash: UInt64) -> Bool {
        let tag = UInt32(truncatingIfNeeded: hash)
        let found = entries.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var position = Int(tag) & mask
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

    /// The hash of a key: its name's UTF-8, eight bytes at a time, with the sex and the date.
    static func hash(_ key: TraitsIndexKey) -> UInt64 {
        let date = UInt64(key.birthDate.year) << 16 | UInt64(key.birthDate.month) << 8 | UInt64(key.birthDate.day)
        let sex: UInt64 = switch key.sex {
        case .male: 1
        case .female: 2
        case .indeterminate: 3
        }
        var state = 0x9E37_79B9_7F4A_7C15 ^ (date << 8 | sex)
        var name = key.nameKey
        name.withUTF8 { bytes in
            var offset = 0
            if let base = bytes.baseAddress {
                while offset + 8 <= bytes.count {
                    state = mix(state, UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self).littleEndian)
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
            state = mix(state, last ^ UInt64(bytes.count) << 56)
        }
        // MurmurHash3's finalizer: every bit of the state reaches the low 32 bits kept.
        state ^= state >> 33
        state &*= 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state &*= 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return state
    }

    @inline(__always)
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        var value = (state ^ word) &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        return value
    }
}
