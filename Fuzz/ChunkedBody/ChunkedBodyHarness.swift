#if DEBUG || FUZZING
import FuzzSupport
@testable import HTTPServer

/// The chunked body decoder on its own, fed one input as reads may split it.
///
/// Internal API used (keep in step with Sources/HTTPServer): `ChunkedBodyDecoder()`,
/// `.decode(_:into:limits:consumed:)`, `ChunkedBodyDecoder.Result`, `HTTPServerConfiguration.Limits`
/// (built in `Configuration.limits` only) and `HTTPServerError.status`.
///
/// Invariants, for small limits and for the defaults:
/// 1. the same outcome, bytes consumed and body whether the bytes come at once, one by one or
///    in random pieces (a limit error may stand in for another error, never for a success);
/// 2. after `needMoreData` the decoder has nothing left to do with the bytes it holds;
/// 3. the decoder agrees with `ReferenceChunkedBody` (written from RFC 9112 §7.1): it completes
///    exactly when the reference does, with the same body and length; it refuses only what the
///    reference refuses; it waits only where the reference cannot decide either; its body is
///    never longer than the bytes it consumed.
enum ChunkedBodyHarness {
    /// The server validates chunk extensions and trailer lines (issue 10): the decoder must
    /// refuse what RFC 9112's grammar refuses.
    static let requireRFC9112Syntax = true

    struct Configuration {
        var body: Int
        var chunkLine: Int
        var trailer: Int

        static let small = Configuration(body: 64, chunkLine: 10, trailer: 40)
        static let defaults = Configuration(body: 1024 * 1024, chunkLine: 4 * 1024, trailer: 32 * 1024)

        /// The one place the harness names the limits type.
        var limits: HTTPServerConfiguration.Limits {
            var limits = HTTPServerConfiguration.Limits()
            limits.maxHeaderBytes = trailer
            limits.maxBodyBytes = body
            limits.maxChunkLineBytes = chunkLine
            return limits
        }

        var reference: ReferenceChunkedBody.Limits {
            ReferenceChunkedBody.Limits(maxBodyBytes: body, maxChunkLineBytes: chunkLine, maxTrailerBytes: trailer)
        }
    }

    enum Outcome: Equatable {
        case waiting
        case done
        case failure(status: Int, description: String)

        var isFailure: Bool {
            if case .failure = self { return true }
            return false
        }

        var isLimitFailure: Bool {
            guard case .failure(let status, let description) = self else { return false }
            return status == 413 || status == 431 || description.contains("too long")
        }
    }

    struct Run: Equatable, CustomStringConvertible {
        var outcome = Outcome.waiting
        var consumed = 0
        var body: [UInt8] = []

        var description: String { "\(outcome) after \(consumed) bytes, body \(fuzzDescribe(body))" }
    }

    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        for configuration in [Configuration.small, .defaults] {
            let whole = feed(bytes, pieces: Fragmentation.whole.pieces(of: input), configuration)
            check(whole, bytes, configuration)
            for fragmentation in [Fragmentation.random, .bytewise] {
                let split = feed(bytes, pieces: fragmentation.pieces(of: input), configuration)
                // Two failures may differ when one is a limit: it may show before or after another error.
                let excused = whole.outcome.isLimitFailure || split.outcome.isLimitFailure
                    ? whole.outcome.isFailure && split.outcome.isFailure : false
                fuzzCheck(split == whole || excused,
                          "\(fragmentation) pieces give \(split), the whole input \(whole), for \(fuzzDescribe(bytes))")
            }
        }
    }

    static func feed(_ input: [UInt8], pieces: [Int], _ configuration: Configuration) -> Run {
        let limits = configuration.limits
        var decoder = ChunkedBodyDecoder()
        var pending: [UInt8] = []
        var run = Run()
        var offset = 0
        for length in pieces {
            pending.append(contentsOf: input[offset..<(offset + length)])
            offset += length
            var consumed = 0
            let result = pending.withUnsafeBufferPointer { decoder.decode($0, into: &run.body, limits: limits, consumed: &consumed) }
            fuzzCheck(consumed >= 0 && consumed <= pending.count, "consumed \(consumed) of \(pending.count) bytes")
            pending.removeFirst(consumed)
            run.consumed += consumed
            switch result {
            case .needMoreData:
                var again = decoder
                var body = run.body
                var more = 0
                let next = pending.withUnsafeBufferPointer { again.decode($0, into: &body, limits: limits, consumed: &more) }
                fuzzCheck(next == .needMoreData && more == 0,
                          "needMoreData although \(pending.count) pending bytes still give \(next), consumed \(more)")
            case .done:
                run.outcome = .done
                return run
            case .failure(let error):
                run.outcome = .failure(status: error.status, description: error.description)
                return run
            }
        }
        return run
    }

    static func check(_ run: Run, _ input: [UInt8], _ configuration: Configuration) {
        fuzzCheck(run.body.count <= run.consumed, "a \(run.body.count)-byte body from \(run.consumed) bytes")
        let reference = ReferenceChunkedBody.read(input[...], syntax: requireRFC9112Syntax ? .rfc9112 : .framing,
                                                  limits: configuration.reference)
        let context = "decoder: \(run); reference: \(reference); input \(fuzzDescribe(input))"
        switch (run.outcome, reference) {
        case (.done, .complete(let body, let length)):
            fuzzCheck(run.body == body && run.consumed == length, "different bodies. \(context)")
        case (.failure, .invalid):
            break
        case (.waiting, .incomplete(let body)):
            fuzzCheck(run.body == body, "different partial bodies. \(context)")
        case (.waiting, .invalid(_, _, let decidable)):
            fuzzCheck(!decidable, "waits although the bytes already decide. \(context)")
        default:
            fuzzCheck(false, "disagreement. \(context)")
        }
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-chunked-body", ChunkedBodyHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ChunkedBodyHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-chunked-body") }
}
#endif
