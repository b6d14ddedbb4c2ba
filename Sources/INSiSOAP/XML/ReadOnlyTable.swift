/// Values copied once into memory that is never freed and only read after: the lookup tables of
/// the scanner and of the event reader. Held in a stored property and read through a plain
/// pointer, such a table costs neither the one-time-initialisation check of a `static let`
/// array on every read nor a retain that the event loops would share.
struct ReadOnlyTable<Element: Sendable>: @unchecked Sendable {
    // Sendable: written once, in `init`, before any other thread can see it; only read after.
    let base: UnsafePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        let memory = UnsafeMutablePointer<Element>.allocate(capacity: max(elements.count, 1))
        memory.initialize(from: elements, count: elements.count)
        base = UnsafePointer(memory)
        count = elements.count
    }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }
}
