internal import CLibCurl
internal import COpenSSL
import Foundation
import Synchronization

/// Runs every libcurl transfer of the process on one thread of its own, through one multi
/// handle: no blocking call on Swift's cooperative threads, connections kept alive between
/// calls, and a transfer dropped the moment its caller gives up. The thread exits when no
/// transfer is left and starts again with the next one.
final class CurlLoop: @unchecked Sendable {
    static let shared = CurlLoop()

    /// `curl_global_init` must run once before any other libcurl call, not concurrently with one.
    static let libraryReady: Bool = insi_curl_global_init() == CURLE_OK

    /// How many idle connections the process keeps for later calls (libcurl's cache).
    static let idleConnections = 32

    // Unchecked: `multi` is driven by one thread at a time, the one `State.running` stands for
    // (it is handed over under the mutex); `curl_multi_wakeup` is the only call libcurl allows
    // from other threads.
    private let multi: UnsafeMutableRawPointer?

    private struct State {
        /// Transfers handed over, not yet added to the multi handle.
        var pending: [CurlTransfer] = []
        /// Whether a thread runs the loop.
        var running = false
    }

    // Protects the handover of transfers and of the multi handle between threads.
    private let state = Mutex(State())

    private init() {
        multi = CurlLoop.libraryReady ? curl_multi_init() : nil
        // A fixed connection cache: by default libcurl keeps 4 idle connections per transfer in
        // progress, so with several clients in the process a client's idle keep-alive connection
        // was dropped as soon as the others made a few calls, and its next call paid a new
        // handshake. Bounded, so the process keeps at most this many idle connections.
        if let multi { _ = insi_curl_multi_set_long(multi, CURLMOPT_MAXCONNECTS, CurlLoop.idleConnections) }
    }

    /// Queues a transfer, starting the loop's thread when none runs.
    func start(_ transfer: CurlTransfer) {
        guard let multi else {
            transfer.finish(.failure(.connection(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not be initialised")))
            return
        }
        let spawn = state.withLock { state -> Bool in
            state.pending.append(transfer)
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if spawn {
            Thread.detachNewThread { self.run() }
        } else {
            curl_multi_wakeup(multi)
        }
    }

    /// Makes the loop look at its transfers now (one was cancelled).
    func wake() {
        if let multi { curl_multi_wakeup(multi) }
    }

    private func run() {
        guard let multi else { return }
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let added = state.withLock { state -> [CurlTransfer]? in
                if state.pending.isEmpty && active.isEmpty {
                    state.running = false
                    return nil
                }
                defer { state.pending.removeAll() }
                return state.pending
            }
            // Past `running = false`, another thread may own the multi handle: not one more call.
            guard let added else { return }
            for transfer in added {
                let code = curl_multi_add_handle(multi, transfer.handle)
                if code == CURLM_OK {
                    active[transfer.handle] = transfer
                } else {
                    transfer.finish(.failure(.connection(code: Int(code.rawValue),
                                                         message: "libcurl refused the transfer: \(String(cString: curl_multi_strerror(code)))")))
                }
            }
            for (handle, transfer) in active where transfer.isCancelled {
                // Removing the handle closes its connection mid-handshake or mid-answer.
                curl_multi_remove_handle(multi, handle)
                active[handle] = nil
                transfer.finish(.failure(.cancelled))
            }
            var running: Int32 = 0
            // OpenSSL queues its errors per thread, and libcurl leaves some there (a connection
            // closed mid-handshake queues "shutdown while in init"); when a later transfer fails
            // it reports the oldest error of the queue, which was then another transfer's (a
            // wrong PKCS#12 password read as something else). Every transfer runs on this thread.
            ERR_clear_error()
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                // The message is invalid once its handle is removed: read it first.
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                active.removeValue(forKey: handle)?.complete(code)
            }
            if !active.isEmpty {
                // Returns on socket activity, on libcurl's own timers, or on `curl_multi_wakeup`.
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
    }
}
