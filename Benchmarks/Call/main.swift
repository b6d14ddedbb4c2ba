// Measures the work of one call on an event loop, without its system calls: the HTTP request
// parsed from its bytes, the SOAP endpoint's answer (read, checks, search, answer, log line,
// journal, metrics) and the response encoded, on this thread. Run through Benchmarks/call.sh
// (release build, the HTTP benchmark's base and requests); prints the thread CPU time per call,
// best of the rounds, and what the calls answered.
//
// Why: a full HTTP run moves by a fifth between two runs of one build on this machine, which
// hides a change worth a few percent of a call; the thread's CPU time over thousands of calls,
// the best of 15 rounds, moves by a few percent.
import Foundation
import HTTPServer
import INSiServer
import Logging

struct Options {
    var seed: String?
    var requests: String?
    var calls = 20_000
    var rounds = 15
    var logLevel = Logger.Level.info
    var findings = true
    /// Threads calling at once, each with its own loop state, as the server's event loops do:
    /// what they cost each other through the simulator's shared state (locks, counters, the
    /// journal, the pools) shows as CPU per call above one thread's.
    var threads = 1

    init(_ arguments: ArraySlice<String>) {
        var rest = arguments
        while let argument = rest.popFirst() {
            switch argument {
            case "--seed": seed = rest.popFirst()
            case "--requests": requests = rest.popFirst()
            case "--calls": calls = rest.popFirst().flatMap(Int.init) ?? calls
            case "--rounds": rounds = rest.popFirst().flatMap(Int.init) ?? rounds
            case "--log-level": logLevel = rest.popFirst().flatMap(Logger.Level.init(rawValue:)) ?? logLevel
            case "--findings": findings = rest.popFirst() != "off"
            case "--threads": threads = max(1, rest.popFirst().flatMap(Int.init) ?? threads)
            default: Self.usage("unknown argument \(argument)")
            }
        }
        if requests == nil { Self.usage("--requests is required") }
    }

    static func usage(_ problem: String) -> Never {
        FileHandle.standardError.write(Data("""
            \(problem)
            usage: insi-sim-call-bench --requests FILE [--seed BASE.json] [--calls N] [--rounds N]
                                       [--log-level info|warning|...] [--findings on|off] [--threads N]
            FILE: one request per line, "T|xml" or "V|xml" (Benchmarks/http/make-requests.py)

            """.utf8))
        exit(2)
    }
}

let options = Options(CommandLine.arguments.dropFirst())

/// The requests as wrk sends them (`wrk.format` in Benchmarks/http/requests.lua).
func httpRequests(_ path: String) -> [[UInt8]] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { Options.usage("cannot read \(path)") }
    let actions = [
        "T": "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite",
        "V": "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale",
    ]
    return text.split(separator: "\n").compactMap { line in
        guard line.count > 2, let action = actions[String(line.prefix(1))] else { return nil }
        let body = Array(line.dropFirst(2).utf8)
        let head = "POST /lps HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n"
            + "Content-Type: application/soap+xml; charset=utf-8; action=\"\(action)\"\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
}

let requests = httpRequests(options.requests!)
guard !requests.isEmpty else { Options.usage("no request in \(options.requests!)") }

// The server as `insi-sim serve` builds it, not started: its own log handler writing, off this
// thread, to /dev/null.
var configuration = SimulatorConfiguration()
configuration.seedPath = options.seed
configuration.judge.enabled = options.findings
let devNull = open("/dev/null", O_WRONLY)
let sink = LogSink(output: devNull)
var logger = Logger(label: "insi-sim") { ServerLogHandler(label: $0, sink: sink, level: options.logLevel) }
logger.logLevel = options.logLevel
let simulator: Simulator
do {
    simulator = try Simulator(configuration: configuration, logger: logger, logSink: sink)
} catch {
    Options.usage("the simulator could not be set up: \(error)")
}
var loop = CallLoop(endpoint: simulator.application.endpoint,
                    connection: HTTPConnectionInfo(id: 1, remoteAddress: "127.0.0.1", listener: SimulatorConfiguration.plainListenerName),
                    parser: HTTPRequestParser(limits: configuration.limits))

/// What a loop does for one call between its `recv` and its `send`.
struct CallLoop: Sendable {
    let endpoint: INSiEndpoint
    let connection: HTTPConnectionInfo
    var parser: HTTPRequestParser
    var encoder = ResponseEncoder(serverName: "insi-sim")
    var output: [UInt8] = []

    /// One call; the status of its answer (0 when there was none). Never inlined: it is what
    /// `Benchmarks/call-instructions.sh` counts, by its name.
    @inline(never)
    mutating func call(_ bytes: [UInt8]) -> Int {
        // The whole request is in `bytes`, so it comes as one `.request`; a `.head` (a body still
        // to come) is passed over as the server's connection does, for a request that would split.
        var offset = 0
        while true {
            var consumed = 0
            let event = bytes.withUnsafeBufferPointer { parser.parse(UnsafeBufferPointer(rebasing: $0[offset...]), consumed: &consumed) }
            offset += consumed
            switch consume event {
            case .head where offset < bytes.count: continue
            case .request(let head, let body) where offset == bytes.count:
                return answer(HTTPRequest(head: head, body: body, connection: connection))
            default: return 0
            }
        }
    }

    /// The endpoint's answer to `request`, encoded as the loop encodes it; its status.
    private mutating func answer(_ request: HTTPRequest) -> Int {
        guard case .response(let response) = endpoint.answerNow(request) else { return 0 }
        _ = encoder.encode(response, isHEAD: false, keepAlive: true, into: &output)
        output.removeAll(keepingCapacity: true)
        return response.status
    }
}

enum Rounds {
    /// CPU time of this thread: the log writer's and the judge's threads are not counted.
    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// One thread's rounds: the CPU time per call of each round, and the statuses of its first.
    static func run(_ loop: CallLoop, requests: [[UInt8]], firstRequest: Int, rounds: Int, calls: Int)
        -> (times: [Double], statuses: [Int: Int]) {
        var loop = loop
        var statuses: [Int: Int] = [:]
        var next = firstRequest % requests.count
        var times: [Double] = []
        for round in 0..<rounds {
            let start = threadCPUNanoseconds()
            var ok = 0
            for _ in 0..<calls {
                let status = loop.call(requests[next])
                next = next + 1 == requests.count ? 0 : next + 1
                if round == 0 { statuses[status, default: 0] += 1 }
                if status == 200 { ok += 1 }
            }
            times.append(Double(threadCPUNanoseconds() - start) / Double(calls))
            guard ok > 0 else {
                print("no call was answered 200: \(statuses)")
                exit(1)
            }
        }
        return (times, statuses)
    }
}

/// One thread's results, written by that thread before the group is left, read after the wait
/// (which orders the two).
final class ThreadResult: @unchecked Sendable {
    var times: [Double] = []
    var statuses: [Int: Int] = [:]
}

let results = (0..<options.threads).map { _ in ThreadResult() }
let (rounds, calls) = (options.rounds, options.calls)
if options.threads == 1 {
    (results[0].times, results[0].statuses) = Rounds.run(loop, requests: requests, firstRequest: 0, rounds: rounds, calls: calls)
} else {
    let group = DispatchGroup()
    // The threads start together, so that their rounds overlap: a round run alone would
    // measure one thread's cost.
    let start = DispatchSemaphore(value: 0)
    for index in 0..<options.threads {
        group.enter()
        // Each thread starts elsewhere in the requests, as wrk's connections do, with its own
        // loop state, as each event loop has (its encoder's buffers included).
        let first = index * 7_919
        let own = CallLoop(endpoint: loop.endpoint, connection: loop.connection, parser: HTTPRequestParser(limits: configuration.limits))
        let result = results[index]
        Thread { [own, requests] in
            start.wait()
            (result.times, result.statuses) = Rounds.run(own, requests: requests, firstRequest: first, rounds: rounds, calls: calls)
            group.leave()
        }.start()
    }
    for _ in 0..<options.threads { start.signal() }
    group.wait()
}
let statuses = results[0].statuses
let sorted = results.flatMap(\.times).sorted()
print("\(requests.count) requests, \(options.calls) calls per round, \(options.rounds) rounds, log level \(options.logLevel), "
      + "findings \(options.findings ? "on" : "off")" + (options.threads > 1 ? ", \(options.threads) threads at once" : ""))
print("answers of the first round by status: \(statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
print(String(format: "thread CPU per call: best %.2f µs, median %.2f µs", sorted[0] / 1_000, sorted[sorted.count / 2] / 1_000))
