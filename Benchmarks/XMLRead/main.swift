// Measures reading one INSi request, the first step of every call: the hardened XML reader on
// each engine (libxml2's SAX2 API directly, FoundationXML's XMLParser), then the whole request
// reader (XML + SOAP checks + fields). Run through Benchmarks/xml-read.sh (release build);
// prints a Markdown table of the CPU cost per request (best of 15 rounds).
import Foundation
import INSiSOAP

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.lazy.compactMap(Int.init).first ?? 4_000
// Naming an engine measures only that one (handy under a profiler).
let engines = XMLReadEngine.allCases.filter { arguments.contains($0.rawValue) }.nilIfEmpty ?? XMLReadEngine.allCases
let rounds = 15

// The shape the HTTP benchmark sends: every header of the contract, a traits body.
var headers = SOAPHeaders()
headers.messageID = "uuid:5f0c2f56-7d1e-4b59-a1f0-0e3c9d2b6a11"
headers.lps = ContexteLPS(id: "7b0f6c1e-0c55-4a8c-8f0e-2d4f1f6a9b02", time: "2026-11-23T10:00:00.000Z", emitter: "810000000001",
                          idam: "TESTIDAM0001", idamR: "4", version: "1.0.0", instance: "a7c3f1d2-1111-4c2b-9e3a-0b5e6d7c8f90",
                          name: "urn:lps:bench:1.0.0")
headers.bam = ContexteBAM(id: "5d1c1a0e-3f59-4a59-9d0e-6b2f3f1d9a01", time: "2026-11-23T10:00:00.000Z", emitter: "810000000001",
                          insuredNumber: nil, beneficiaryBirthDate: nil, beneficiaryRank: nil)
let traits = TraitsSearchRequest(birthName: "DE LA FONTAINE-MARTIN", firstNames: ["JEAN-PIERRE", "LOUIS"], sex: "M",
                                 birthDate: "1978-04-12", birthPlace: "75056")
let request = INSiRequestWriter.write(INSiRequest(headers: headers, body: .traits(traits)))
let contentType = INSiRequestWriter.contentType(for: .traitsSearch)

/// CPU time of this thread: steadier than wall time on a shared VM, where steal time comes and goes.
func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// The fastest of the rounds: interference only ever adds time.
func nanoseconds(_ body: () -> Bool) -> Double {
    var times: [Double] = []
    for _ in 0..<rounds {
        let start = threadCPUNanoseconds()
        for _ in 0..<count { precondition(body(), "the benchmark request was refused") }
        times.append(Double(threadCPUNanoseconds() - start) / Double(count))
    }
    return times.min() ?? 0
}

func succeeded<T, E>(_ result: Result<T, E>) -> Bool {
    if case .success = result { return true }
    return false
}

print("Request of \(request.count) bytes, \(count) reads per round, thread CPU time, best of \(rounds) rounds.\n")
print("| step | engine | µs per request |")
print("|---|---|---:|")
for engine in engines {
    let xml = nanoseconds { succeeded(SafeXMLReader.read(request, engine: engine)) }
    print("| SafeXMLReader.read | \(engine.rawValue) | \(String(format: "%.1f", xml / 1_000)) |")
}
for engine in engines {
    let whole = nanoseconds { succeeded(INSiRequestReader.read(request, contentType: contentType, engine: engine)) }
    print("| INSiRequestReader.read | \(engine.rawValue) | \(String(format: "%.1f", whole / 1_000)) |")
}

extension Array {
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
