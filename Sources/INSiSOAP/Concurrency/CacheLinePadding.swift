/// 128 bytes never written, placed around what several threads read on every call (or what one
/// thread writes), so that no other object's fields share its cache lines: two lines, as
/// processors fetch lines in adjacent pairs. A line one thread writes and another reads moves
/// between their cores at each write.
package struct CacheLinePadding: Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    package init() {}
}
