import Dispatch
import Glibc
import HTTPServer
import Synchronization
import Testing

@Suite("Signal trap")
struct SignalTrapTests {
    @Test func callsBackOnceForTheFirstSignal() {
        let calls = Atomic<Int>(0)
        let called = DispatchSemaphore(value: 0)
        let trap = SignalTrap(signals: [SIGUSR2]) { signal in
            #expect(signal == SIGUSR2)
            calls.add(1, ordering: .relaxed)
            called.signal()
        }
        kill(getpid(), SIGUSR2)
        #expect(called.wait(timeout: .now() + 60) == .success)
        kill(getpid(), SIGUSR2)
        // A second callback would come as fast as the first one did; give it that chance.
        #expect(called.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        #expect(calls.load(ordering: .relaxed) == 1)
        trap.cancel()
    }
}
