internal import CLibCurl
import Foundation
import Synchronization

/// One exchange as a libcurl easy handle, set up from a ``TransportRequest``, run by
/// ``CurlLoop``, read back into a ``TransportResponse`` or a ``TransportFailure``.
final class CurlTransfer: @unchecked Sendable {
    // Unchecked: the handle, its header list, error buffer and the bytes received are set up here,
    // then touched only by the loop's thread (libcurl's write callback runs there) until the
    // transfer finishes; `cancelled` and `continuation` are behind their mutexes.
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var received: [UInt8] = []
    private var overflowed = false
    private let context: CurlFailureContext

    /// Set by the caller's task, read by the loop, which then drops the transfer.
    private let cancelled = Mutex(false)
    private let continuation = Mutex<CheckedContinuation<Result<TransportResponse, TransportFailure>, Never>?>(nil)

    /// Larger than any INSi answer or admin reply by far; beyond it the peer is not INSi and
    /// the bytes are not kept.
    static let answerLimit = 8 << 20

    init(_ request: TransportRequest, credentials: TLSCredentials?) throws(TransportFailure) {
        guard CurlLoop.libraryReady, let handle = curl_easy_init() else {
            throw .connection(code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not be initialised (out of memory?)")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        context = CurlFailureContext(url: request.url, credentials: credentials)
        var problems: [CURLcode] = []
        func set(_ code: CURLcode) { if code != CURLE_OK { problems.append(code) } }

        set(insi_curl_set_string(handle, CURLOPT_URL, request.url.absoluteString))
        set(insi_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        // Signals are process-wide; libcurl must not use them from its thread.
        set(insi_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(insi_curl_set_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
        set(insi_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(request.backstop.milliseconds.rounded(.up))))
        set(insi_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(insi_curl_set_write_function(handle, curlWrite, Unmanaged.passUnretained(self).toOpaque()))
        switch request.method {
        case .get:
            break
        case .post:
            set(insi_curl_set_long(handle, CURLOPT_POST, 1))
        case .delete:
            set(insi_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE"))
        }
        if let body = request.body ?? (request.method == .post ? [] : nil) {
            set(insi_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            // Never a null pointer: libcurl would then read the body from standard input.
            set(body.isEmpty ? insi_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                : body.withUnsafeBytes { insi_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) })
        }
        // "Expect:" empty: no 100-continue round trip before the body.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        set(insi_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        TLSSetup.apply(credentials, to: handle, set)
        if let problem = problems.first {
            throw .connection(code: Int(problem.rawValue),
                              message: "libcurl refused an option (\(String(cString: curl_easy_strerror(problem)))): this libcurl is too old (7.85 or later is needed)")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    // MARK: - The caller's side

    /// Hands the transfer to the loop; `finish` resumes the continuation once.
    func run(on loop: CurlLoop) async -> Result<TransportResponse, TransportFailure> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                self.continuation.withLock { $0 = continuation }
                loop.start(self)
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
            loop.wake()
        }
    }

    var isCancelled: Bool { cancelled.withLock { $0 } }

    // MARK: - The loop's side

    fileprivate func append(_ data: UnsafeRawBufferPointer) -> Int {
        guard received.count + data.count <= CurlTransfer.answerLimit else {
            overflowed = true
            // Anything but the count given makes libcurl stop with CURLE_WRITE_ERROR.
            return 0
        }
        received.append(contentsOf: data)
        return data.count
    }

    /// The transfer ended with `code`: its answer, or why there is none.
    func complete(_ code: CURLcode) {
        guard code == CURLE_OK else {
            if overflowed {
                finish(.failure(.connection(code: Int(code.rawValue), message:
                    "the answer from \(context.url.absoluteString) is larger than \(CurlTransfer.answerLimit >> 20) MiB: it is not an INSi answer")))
                return
            }
            let message = String(cString: errorBuffer)
            finish(.failure(context.failure(code: code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message)))
            return
        }
        var status = 0
        _ = insi_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var contentType: UnsafeMutablePointer<CChar>?
        _ = insi_curl_get_string(handle, CURLINFO_CONTENT_TYPE, &contentType)
        finish(.success(TransportResponse(status: status, contentType: contentType.map { String(cString: $0) }, body: received)))
    }

    func finish(_ result: Result<TransportResponse, TransportFailure>) {
        continuation.withLock { continuation in
            continuation?.resume(returning: result)
            continuation = nil
        }
    }
}

/// libcurl's write callback: the bytes go to the transfer whose address is the context.
private func curlWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.append(UnsafeRawBufferPointer(start: data, count: size * count))
}
