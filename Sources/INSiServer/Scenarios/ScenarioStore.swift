import Foundation
import INSiSOAP
import Synchronization

/// The active scenarios, in evaluation order. One lock: a call takes it once to find and
/// consume the scenario that applies.
public final class ScenarioStore: Sendable {
    private struct State {
        var scenarios: [Scenario] = []
        var nextNumber = 1
        var sequence = 0
        /// Insertion order, so that equal priorities keep "oldest first".
        var order: [String: Int] = [:]
    }

    // Protects the list, the counter and the order: read and changed from every event loop and the admin API.
    private let state = Mutex(State())
    // How many scenarios the list holds, stored under the lock at each change: every call asks
    // whether there is any, and taking the lock to know wrote its line from both event loops.
    private let count = Atomic<Int>(0)

    public init() {}

    /// Every scenario, in evaluation order.
    public var all: [Scenario] { state.withLock { $0.scenarios } }

    public var isEmpty: Bool { count.load(ordering: .acquiring) == 0 }

    /// Runs a change of the list under the lock, and keeps `count` up to date.
    private func change<Result>(_ body: (inout State) -> Result) -> Result {
        state.withLock { state in
            let result = body(&state)
            // Stored only when it changed: a call that uses a scenario comes here, and a store
            // would move the line every call reads between the cores for nothing.
            if count.load(ordering: .relaxed) != state.scenarios.count {
                count.store(state.scenarios.count, ordering: .releasing)
            }
            return result
        }
    }

    /// An id no scenario has: `s1`, `s2`...
    func newID() -> String {
        state.withLock { state in
            while state.order["s\(state.nextNumber)"] != nil { state.nextNumber += 1 }
            defer { state.nextNumber += 1 }
            return "s\(state.nextNumber)"
        }
    }

    /// Adds (or replaces, same id) a validated scenario; returns it with its id.
    @discardableResult
    public func put(_ scenario: Scenario) -> Scenario {
        var scenario = scenario
        if scenario.id == nil || scenario.id?.isEmpty == true { scenario.id = newID() }
        return change { state in
            let id = scenario.id ?? ""
            if state.order[id] == nil {
                state.order[id] = state.sequence
                state.sequence += 1
            }
            state.scenarios.removeAll { $0.id == id }
            state.scenarios.append(scenario)
            let order = state.order
            state.scenarios.sort {
                let (a, b) = ($0.priority ?? 0, $1.priority ?? 0)
                return a != b ? a > b : (order[$0.id ?? ""] ?? 0) < (order[$1.id ?? ""] ?? 0)
            }
            return scenario
        }
    }

    public func get(_ id: String) -> Scenario? { state.withLock { $0.scenarios.first { $0.id == id } } }

    @discardableResult
    public func delete(_ id: String) -> Bool {
        change { state in
            let before = state.scenarios.count
            state.scenarios.removeAll { $0.id == id }
            state.order[id] = nil
            return state.scenarios.count != before
        }
    }

    public func clear() {
        change { $0 = State() }
    }

    /// The first scenario matching the request, taken for this call: a scenario with a count
    /// has one application used at once (it goes away at 0), in the same step as the match, so
    /// that two calls can never both use its last application. Returns the scenario as it was
    /// matched, and whether its count changed (the change log must then be told).
    func claim(for request: INSiRequest) -> (scenario: Scenario, counted: Bool)? {
        change { state in
            guard let index = state.scenarios.firstIndex(where: { $0.isEnabled && ($0.match ?? ScenarioMatch()).matches(request) }) else { return nil }
            let scenario = state.scenarios[index]
            guard let times = scenario.times else { return (scenario, false) }
            if times <= 1 {
                state.scenarios.remove(at: index)
                state.order[scenario.id ?? ""] = nil
            } else {
                state.scenarios[index].times = times - 1
            }
            return (scenario, true)
        }
    }
}
