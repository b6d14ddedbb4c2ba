import Foundation

/// What a thread hands to the test's thread: set once by the thread, read after ``wait()`` (so
/// that checks run on the test's own thread).
public final class ThreadResult<Value: Sendable>: @unchecked Sendable {
    // `value` is written once, before `done` is signalled, and read after the wait.
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    public init() {}

    /// Runs `body` on a new thread at once; ``wait()`` returns what it returned.
    public static func start(_ body: @escaping @Sendable () -> Value) -> ThreadResult {
        let result = ThreadResult()
        Thread { result.set(body()) }.start()
        return result
    }

    public func set(_ value: Value) {
        self.value = value
        done.signal()
    }

    /// Waits for the value, then returns it.
    public func wait() -> Value {
        done.wait()
        // Set before `done` was signalled.
        return value!
    }
}
