import Foundation

/// Runs blocking work (waiting for a child process, a semaphore, a socket) on a thread of its
/// own, so that the cooperative pool (two threads on a 2-core machine) stays free for the
/// server and the clients under test. Assertions stay in the calling test: `body` returns data.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Starts `body` on a thread of its own at once and returns a task that waits for its result:
/// the work does not wait for the cooperative pool to get to it, which on two cores busy with
/// other tests may take seconds (`Task { try await offPool { … } }` would).
public func startOffPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> Task<T, any Error> {
    let (stream, continuation) = AsyncThrowingStream<T, any Error>.makeStream()
    Thread {
        continuation.yield(with: Result { try body() })
        continuation.finish()
    }.start()
    return Task {
        for try await value in stream { return value }
        throw CancellationError()
    }
}
