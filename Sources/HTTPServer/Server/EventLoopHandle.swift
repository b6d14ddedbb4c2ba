import CSystemLinux
import Glibc
import Logging
import Synchronization

/// A message for an event loop, posted from any thread.
enum LoopMessage: Sendable {
    case reply(fd: Int32, connectionID: UInt64, sequence: UInt64, action: HTTPReplyAction)
    /// The handler dropped its reply without calling it.
    case abandoned(fd: Int32, connectionID: UInt64, sequence: UInt64)
    case shutdown(grace: Duration)
    /// A connection another loop accepted and hands over, this loop holding fewer connections
    /// (``EventLoopHandle/heldConnections`` already counts it).
    case adopt(socket: Socket, remoteAddress: String, listenerIndex: Int)
}

/// The part of an event loop other threads may touch: its inbox and the eventfd that wakes it.
/// Everything else about the loop (connections, buffers) lives in `EventLoop`, on its thread only.
final class EventLoopHandle: Sendable {
    let index: Int
    let epoll: Epoll
    let wakeup: WakeupFD
    let logger: Logger

    private struct Inbox {
        var messages: [LoopMessage] = []
        /// An eventfd write is outstanding; further posts need not write again.
        var wakePending = false
        /// The loop is exiting and has closed the eventfd: posts are refused.
        var closed = false
    }

    /// Guards the message queue and the eventfd's lifetime (posting writes to it under the lock,
    /// so it cannot be closed, and its number reused, in between).
    private let inbox = Mutex(Inbox())
    /// pthread_t of the loop thread, to skip the eventfd write when the poster is the loop itself.
    private let thread = Atomic<UInt>(0)
    /// A reply given while its request is being dispatched, on the loop thread: handed to the
    /// connection as `respond` returns, without a trip through the inbox.
    let inlineReply = InlineReplySlot()
    /// Connections this loop holds, with those handed to it and not yet taken from its inbox:
    /// what a loop that accepts compares to choose the loop that gets the connection. Written
    /// by the loop (accept, close) and by loops handing it a connection; relaxed, because no
    /// other memory is published through it.
    let heldConnections = Atomic<Int>(0)
    /// Set as the loop exits: it takes no more connections (the others skip it).
    let exited = Atomic<Bool>(false)

    init(index: Int, epoll: Epoll, wakeup: WakeupFD, logger: Logger) {
        self.index = index
        self.epoll = epoll
        self.wakeup = wakeup
        self.logger = logger
    }

    /// Called by the loop's thread as it starts. Also names the thread for `top -H`, `perf` and
    /// `/proc/PID/task/*/comm` (Foundation's `Thread.name` does not reach the system on Linux).
    func markCurrentThread() {
        thread.store(UInt(pthread_self()), ordering: .releasing)
        _ = csystem_name_current_thread("http-loop-\(index)")
    }

    var isCurrentThread: Bool {
        thread.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Queues `message`; false when the loop has exited and the message was dropped. A post
    /// from the loop thread itself (a handler answering inline) does not wake it: the loop
    /// drains its inbox after every batch of events anyway.
    @discardableResult
    func submit(_ message: LoopMessage) -> Bool {
        let onLoop = isCurrentThread
        return inbox.withLock { inbox in
            guard !inbox.closed else { return false }
            inbox.messages.append(message)
            if !onLoop && !inbox.wakePending {
                inbox.wakePending = true
                wakeup.signal()
            }
            return true
        }
    }

    /// Closes the inbox if no message waits in it: true when the loop may exit. Checked and
    /// closed under the lock, so that a connection handed over meanwhile is either in the inbox
    /// (and the loop stays to take it) or refused to its sender (which keeps it).
    func closeInboxIfEmpty() -> Bool {
        inbox.withLock { inbox in
            guard inbox.messages.isEmpty else { return false }
            shut(&inbox)
            return true
        }
    }

    /// Refuses later posts and closes the eventfd, once (whichever of the two closings comes first).
    private func shut(_ inbox: inout Inbox) {
        guard !inbox.closed else { return }
        inbox.closed = true
        wakeup.close()
    }

    /// Moves the queued messages into `messages` (which must be empty), swapping storage so
    /// that neither array reallocates in steady state.
    func takeMessages(into messages: inout [LoopMessage]) {
        inbox.withLock { inbox in
            swap(&inbox.messages, &messages)
            inbox.wakePending = false
        }
    }

    /// Called by the loop as it exits: later posts are refused and the descriptors closed.
    /// Returns the messages left in the inbox (only when the loop stops on an epoll failure).
    @discardableResult
    func close() -> [LoopMessage] {
        exited.store(true, ordering: .relaxed)
        let left = inbox.withLock { inbox in
            shut(&inbox)
            defer { inbox.messages.removeAll() }
            return inbox.messages
        }
        epoll.close()
        return left
    }
}

/// Where a reply given inline (by the handler, before `respond` returns, on the loop thread)
/// waits for its connection, which takes it as `respond` returns: the inbox's lock, its message
/// and the loop's later trip to deliver it were a measurable part of a call.
///
/// `@unchecked Sendable`: only the loop thread touches it. The connection arms and disarms it
/// there, and ``ReplyContext`` checks it is on the loop thread before looking at it.
final class InlineReplySlot: @unchecked Sendable {
    /// The request whose reply is awaited (connection id and sequence); nil when not armed.
    private var armed: (connectionID: UInt64, sequence: UInt64)?
    private var action: HTTPReplyAction?

    /// Set while a connection delivers a reply taken from here: a request it reads then (one
    /// pipelined behind) is answered through the inbox, so that pipelined requests never nest
    /// deliveries one inside the other.
    var delivering = false

    /// Awaits the reply of `sequence` on `connectionID`.
    func arm(connectionID: UInt64, sequence: UInt64) {
        armed = (connectionID, sequence)
    }

    /// Keeps `action` when it is the awaited reply; false otherwise (it goes to the inbox).
    func take(_ action: HTTPReplyAction, connectionID: UInt64, sequence: UInt64) -> Bool {
        guard let armed, armed.connectionID == connectionID, armed.sequence == sequence else { return false }
        self.armed = nil
        self.action = action
        return true
    }

    /// The awaited reply if it was given, and the slot back to idle.
    func disarm() -> HTTPReplyAction? {
        armed = nil
        defer { action = nil }
        return action
    }
}
