import INSiCore
import Synchronization

/// The one owner of the reference base while the server runs. Searches and changes take the
/// lock for the time of one search or one change: both are index lookups, so it is short.
public final class BaseStore: Sendable {
    // Protects the base: searches read it from every event loop, the admin API changes it.
    private let base: Mutex<ReferenceBase>

    public init(_ base: ReferenceBase) {
        self.base = Mutex(base)
    }

    public var count: Int { base.withLock { $0.count } }

    public var nameMatching: NameMatching { base.withLock { $0.nameMatching } }

    public func search(_ query: TraitsQuery) -> SearchResult { base.withLock { $0.search(query) } }

    public func search(_ query: VitaleQuery) -> SearchResult { base.withLock { $0.search(query) } }

    public func identity(matricule: Matricule) -> Identity? { base.withLock { $0.identity(matricule: matricule) } }

    /// Replaces the whole base (reset to the seed).
    public func replace(with newBase: ReferenceBase) { base.withLock { $0 = newBase } }

    /// Runs `body` with exclusive access to the base (for changes and listings).
    public func withBase<T: Sendable, E: Error>(_ body: (inout ReferenceBase) throws(E) -> T) throws(E) -> T {
        try base.withLock { (base: inout ReferenceBase) throws(E) -> T in try body(&base) }
    }
}
