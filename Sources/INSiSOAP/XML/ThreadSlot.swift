#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One object per thread, left by a thread for its own next use: what a pool shared by the
/// event loops keeps per loop, so that an object (and the memory it holds) stays with the
/// thread, and in the cache of the core, that last used it.
///
/// Why not a shared list alone: taken and given back through one list, the same few objects
/// went from loop to loop, and every use of one (each retain of it, each write to its buffers)
/// moved its cache lines from the other core. With the event readers (and a few shared
/// constants) passed that way, two threads calling at once cost 15.1 to 15.2 µs a call where
/// one cost 12.7 to 12.9 (`insi-sim-call-bench --threads 2`, medians); with each reader kept
/// by its thread, 13.1 to 13.9 against 12.0 to 12.9.
///
/// An object left in a slot is released when its thread exits.
final class ThreadSlot<Value: AnyObject>: @unchecked Sendable {
    // Sendable: the key is set once, in `init`; each thread reads and writes only its own value
    // through it.
    private let before = CacheLinePadding()
    private let key: pthread_key_t
    // The key is read on every use, by every thread: kept off its neighbours' cache lines.
    private let after = CacheLinePadding()

    init() {
        var key = pthread_key_t()
        // The destructor runs on an exiting thread whose value is not nil: it releases it.
        #if canImport(Glibc)
        let created = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        #else
        let created = pthread_key_create(&key) { pointer in
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        #endif
        precondition(created == 0, "pthread_key_create failed (\(created)): the process has used up its thread-specific keys")
        self.key = key
    }

    deinit {
        // This thread's value is released here; those other threads still hold are not (the
        // system runs no destructor on a deleted key): only pools made for a test are ever
        // freed, and they hold one small object per thread that used them.
        _ = take()
        pthread_key_delete(key)
    }

    /// What this thread left here, taken out; nil when it left nothing.
    func take() -> Value? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        pthread_setspecific(key, nil)
        return Unmanaged<Value>.fromOpaque(pointer).takeRetainedValue()
    }

    /// Leaves `value` for this thread's next `take`; false when the thread already left one (or
    /// the system could not store it).
    func put(_ value: Value) -> Bool {
        guard pthread_getspecific(key) == nil else { return false }
        let retained = Unmanaged.passRetained(value)
        guard pthread_setspecific(key, retained.toOpaque()) == 0 else {
            retained.release()
            return false
        }
        return true
    }

    /// True when this thread left a value here.
    var isFilled: Bool { pthread_getspecific(key) != nil }
}
