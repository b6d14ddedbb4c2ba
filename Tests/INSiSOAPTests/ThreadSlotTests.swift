#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import INSiSOAP

/// The per-thread slot of the event reader pool: each thread gets back what it left, no other
/// thread gets it, and what a thread left is released when the thread ends.
@Suite("Thread slot")
struct ThreadSlotTests {
    final class Object: Sendable {}

    /// What a thread hands back to the test's thread, written before the thread ends and read
    /// after `pthread_join` (which orders the two).
    final class Outcome<Value>: @unchecked Sendable {
        var value: Value?
    }

    /// Runs `body` on a new thread and returns once that thread has ended, its thread-specific
    /// values destroyed (`pthread_join` returns after the destructors ran).
    static func onNewThread(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        #expect(created == 0)
        if created == 0 { pthread_join(thread, nil) }
    }

    @Test("a thread takes back what it left, once")
    func takesBackItsOwn() {
        let slot = ThreadSlot<Object>()
        #expect(slot.take() == nil)
        let object = Object()
        #expect(slot.put(object))
        #expect(!slot.put(Object()), "one value per thread")
        #expect(slot.isFilled)
        #expect(slot.take() === object)
        #expect(slot.take() == nil)
    }

    @Test("another thread does not get what this one left, and finds its own slot empty")
    func otherThreadsDoNotShare() {
        let slot = ThreadSlot<Object>()
        let object = Object()
        #expect(slot.put(object))
        let seen = Outcome<(taken: Object?, put: Bool)>()
        Self.onNewThread {
            let taken = slot.take()
            seen.value = (taken, slot.put(Object()))
        }
        #expect(seen.value?.taken == nil)
        #expect(seen.value?.put == true)
        #expect(slot.take() === object)
    }

    @Test("what a thread left is released when the thread ends")
    func releasedAtThreadExit() {
        let slot = ThreadSlot<Object>()
        final class Watch: @unchecked Sendable { weak var object: Object? }
        let watch = Watch()
        let put = Outcome<Bool>()
        Self.onNewThread {
            let object = Object()
            watch.object = object
            put.value = slot.put(object)
        }
        #expect(put.value == true)
        #expect(watch.object == nil)
    }

    @Test("the reader pool gives each thread back the reader it gave, and another thread a new one")
    func poolKeepsReadersPerThread() {
        let pool = INSiRequestEventReader.Pool(capacity: 4)
        let reader = pool.take(limits: XMLSafetyLimits())
        pool.give(reader)
        let seen = Outcome<INSiRequestEventReader>()
        Self.onNewThread {
            let taken = pool.take(limits: XMLSafetyLimits())
            seen.value = taken
            pool.give(taken)
        }
        #expect(seen.value != nil)
        #expect(seen.value !== reader)
        #expect(pool.take(limits: XMLSafetyLimits()) === reader)
        // With no room at all, nothing is kept, per thread or shared.
        let none = INSiRequestEventReader.Pool(capacity: 0)
        let first = none.take(limits: XMLSafetyLimits())
        none.give(first)
        #expect(none.take(limits: XMLSafetyLimits()) !== first)
        #expect(none.count == 0)
    }

    @Test("a reader given back while the thread's slot is filled goes to the shared list, for any thread, reset")
    func secondReaderIsShared() throws {
        let pool = INSiRequestEventReader.Pool(capacity: 4)
        let first = pool.take(limits: XMLSafetyLimits())
        let second = pool.take(limits: XMLSafetyLimits())
        #expect(first !== second)
        // The second holds a document's values when it comes back.
        let request = Array(PlainXMLScannerTests.benchmarkRequest.utf8)
        #expect(request.withUnsafeBufferPointer { PlainXMLScanner.scan($0, into: second) })
        pool.give(first)
        pool.give(second)
        #expect(pool.count == 2)
        let seen = Outcome<(reader: INSiRequestEventReader, empty: Bool)>()
        Self.onNewThread {
            let taken = pool.take(limits: XMLSafetyLimits())
            seen.value = (taken, taken.holdsNothing)
        }
        let taken = try #require(seen.value)
        #expect(taken.reader === second)
        #expect(taken.empty)
        #expect(pool.take(limits: XMLSafetyLimits()) === first)
    }
}
