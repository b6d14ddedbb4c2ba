import Foundation
import Glibc
import Synchronization

/// Turns SIGINT/SIGTERM (or other signals) into a callback, called once (for the first signal),
/// on a background thread rather than in signal-handler context, so it may do anything (e.g.
/// start a graceful shutdown).
///
/// A real handler is installed with sigaction; it only writes the signal number to a pipe that a
/// relay thread reads. (A Dispatch signal source is not reliable on Linux: it reads a signalfd
/// while the signal is ignored, so a signal taken by any thread that does not block it is lost.)
/// `cancel()` (or releasing the trap) restores the default action once no trap wants the signal.
public final class SignalTrap: Sendable {
    private let id: UInt64

    public init(signals: [Int32] = [SIGINT, SIGTERM], _ onSignal: @escaping @Sendable (Int32) -> Void) {
        let fired = Atomic<Bool>(false)
        let callback: @Sendable (Int32) -> Void = { [fired = Box(fired)] number in
            guard !fired.value.exchange(true, ordering: .acquiringAndReleasing) else { return }
            onSignal(number)
        }
        id = SignalRelay.shared.register(signals: signals, callback: callback)
    }

    /// Stops trapping.
    public func cancel() {
        SignalRelay.shared.unregister(id)
    }

    deinit {
        SignalRelay.shared.unregister(id)
    }
}

/// Holds a non-copyable atomic so that a closure can capture it.
private final class Box: Sendable {
    let value: Atomic<Bool>
    init(_ value: consuming Atomic<Bool>) { self.value = value }
}

/// Write end of the relay pipe, read by the signal handler (an atomic load and write(2) are
/// async-signal-safe). Initialised before any handler is installed.
private let relayWriteFD = Atomic<Int32>(-1)

private func relaySignal(_ number: Int32) {
    let savedErrno = errno
    let fd = relayWriteFD.load(ordering: .relaxed)
    if fd >= 0 {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(fd, &byte, 1)
    }
    errno = savedErrno
}

/// The process-wide pipe, relay thread and registry behind every ``SignalTrap``.
private final class SignalRelay: Sendable {
    static let shared = SignalRelay()

    private struct Registration {
        var signals: [Int32]
        var callback: @Sendable (Int32) -> Void
    }

    /// Registered traps by id, and the next id; read by the relay thread for each signal.
    private let registry = Mutex<(next: UInt64, traps: [UInt64: Registration])>((next: 1, traps: [:]))

    private init() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        let (readFD, writeFD) = (fds[0], fds[1])
        _ = fcntl(readFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeFD, F_SETFD, FD_CLOEXEC)
        // Never block inside a signal handler: if the pipe is full, signals are pending anyway.
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
        relayWriteFD.store(writeFD, ordering: .releasing)
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readFD, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                deliver(Int32(byte))
            }
        }
        thread.name = "signal-relay"
        thread.start()
    }

    func register(signals: [Int32], callback: @escaping @Sendable (Int32) -> Void) -> UInt64 {
        let id = registry.withLock { registry in
            let id = registry.next
            registry.next += 1
            registry.traps[id] = Registration(signals: signals, callback: callback)
            return id
        }
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = relaySignal
            sigemptyset(&action.sa_mask)
            // Restart interrupted system calls, so that a trapped signal does not surface as
            // EINTR all over the process.
            action.sa_flags = Int32(SA_RESTART)
            sigaction(number, &action, nil)
        }
        return id
    }

    func unregister(_ id: UInt64) {
        registry.withLock { registry in
            guard let removed = registry.traps.removeValue(forKey: id) else { return }
            for number in removed.signals where !registry.traps.values.contains(where: { $0.signals.contains(number) }) {
                signal(number, SIG_DFL)
            }
        }
    }

    private func deliver(_ number: Int32) {
        let callbacks = registry.withLock { registry in
            registry.traps.values.filter { $0.signals.contains(number) }.map(\.callback)
        }
        for callback in callbacks {
            callback(number)
        }
    }
}
