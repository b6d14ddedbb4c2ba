import Foundation

/// Runs blocking work (waiting for a child process, a semaphore, a socket) on a thread of its
/// own, so that the cooperative pool (two threads on a 2-core machine) stays free for the
/// server and the clients under test. Assertions stay in the calling test: `body` returns data.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
