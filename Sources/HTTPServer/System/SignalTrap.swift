import Dispatch
import Glibc
import Synchronization

/// Turns SIGINT/SIGTERM into a callback, called once (for the first signal), on a Dispatch queue
/// rather than in signal-handler context, so it may do anything (e.g. start a graceful shutdown).
public final class SignalTrap: Sendable {
    /// The dispatch sources; kept so that they stay alive as long as the trap.
    private let sources: Mutex<[any DispatchSourceSignal]>
    /// Set by the first signal so that the callback runs only once.
    private let fired = Atomic<Bool>(false)

    public init(signals: [Int32] = [SIGINT, SIGTERM], _ onSignal: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "insi-sim.signal-trap")
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            // The default action (terminate) must be off, or the process dies before Dispatch
            // sees the signal.
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = Mutex(sources)
        self.sources.withLock { sources in
            for (source, number) in zip(sources, signals) {
                source.setEventHandler { [weak self] in
                    guard let self, !self.fired.exchange(true, ordering: .acquiringAndReleasing) else { return }
                    onSignal(number)
                }
                source.resume()
            }
        }
    }

    /// Stops trapping (the signals stay ignored).
    public func cancel() {
        sources.withLock { sources in
            sources.forEach { $0.cancel() }
        }
    }

    deinit {
        sources.withLock { sources in
            sources.forEach { $0.cancel() }
        }
    }
}
