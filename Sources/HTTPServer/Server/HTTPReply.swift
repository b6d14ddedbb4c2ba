import Logging
import Synchronization

/// What a handler does with a request.
public enum HTTPReplyAction: Sendable {
    /// Send this response (the server completes its framing headers).
    case response(HTTPResponse)
    /// Send these bytes exactly as they are, e.g. to simulate a broken server (truncated body,
    /// invalid status line...). With `thenClose` the connection is closed once they are written.
    case raw([UInt8], thenClose: Bool)
    /// Close the connection without answering.
    case close
}

/// Handed to the handler; must be called exactly once, from any thread, at any later time
/// (a handler may answer synchronously or after a delay, e.g. `DispatchQueue.global().asyncAfter`).
/// A second call is ignored (and logged at debug). If every copy is dropped without being
/// called, the connection is closed, since no answer can come any more.
public struct HTTPReply: Sendable {
    let context: ReplyContext

    public func callAsFunction(_ action: HTTPReplyAction) {
        context.complete(action)
    }

    /// Sends `response`; the same as `self(.response(response))`.
    public func send(_ response: HTTPResponse) {
        context.complete(.response(response))
    }
}

/// Routes one reply back to the loop owning the connection.
final class ReplyContext: Sendable {
    let loop: EventLoopHandle
    let fd: Int32
    let connectionID: UInt64
    let sequence: UInt64
    /// Set by the first call; the atomic exchange makes "exactly once" hold across threads.
    private let used = Atomic<Bool>(false)

    init(loop: EventLoopHandle, fd: Int32, connectionID: UInt64, sequence: UInt64) {
        self.loop = loop
        self.fd = fd
        self.connectionID = connectionID
        self.sequence = sequence
    }

    func complete(_ action: HTTPReplyAction) {
        if used.exchange(true, ordering: .acquiringAndReleasing) {
            loop.logger.debug("second reply ignored", metadata: ["connection": "\(connectionID)"])
            return
        }
        if loop.isCurrentThread && loop.inlineReply.take(action, connectionID: connectionID, sequence: sequence) { return }
        loop.submit(.reply(fd: fd, connectionID: connectionID, sequence: sequence, action: action))
    }

    deinit {
        if !used.load(ordering: .acquiring) {
            loop.submit(.abandoned(fd: fd, connectionID: connectionID, sequence: sequence))
        }
    }
}
