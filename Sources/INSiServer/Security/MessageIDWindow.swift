import Foundation
import Synchronization

/// The MessageIDs of the last `capacity` calls, to refuse one used again: a fixed ring of
/// UUIDs and a set of the same, so memory stays bounded whatever the traffic.
final class MessageIDWindow: Sendable {
    private struct State {
        var ring: [UUID?]
        var members: Set<UUID> = []
        var next = 0
    }

    let capacity: Int
    /// Guards the ring and the set, shared by every event loop.
    private let state: Mutex<State>

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        state = Mutex(State(ring: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Records `id`; false when it is already among the last `capacity` recorded.
    func insert(_ id: UUID) -> Bool {
        state.withLock { state in
            guard state.members.insert(id).inserted else { return false }
            if let oldest = state.ring[state.next] { state.members.remove(oldest) }
            state.ring[state.next] = id
            state.next = (state.next + 1) % capacity
            return true
        }
    }
}
