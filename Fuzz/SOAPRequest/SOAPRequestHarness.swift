#if DEBUG || FUZZING
import FuzzSupport
@testable import INSiSOAP

/// The SOAP request reader: the libxml2 SAX path the server runs, held to FoundationXML's
/// `XMLParser` (the reference engine) on the same bytes.
///
/// API used: `SafeXMLReader.read(_:limits:engine:)`, `PlainXMLScanner.scan(_:into:)`,
/// `INSiRequestReader.parts(of:limits:engine:plainScanner:pool:)` (internal) and
/// `.read(_:contentType:limits:engine:)`, `INSiRequestWriter.write(_:)`,
/// `INSiResponseWriter.fault(_:)`, `INSiResponseReader.read(_:httpStatus:)`,
/// `ContentType.parameter(_:in:)` and `.parameter(_:in:comparedWith:)`.
///
/// Invariants:
/// 1. whatever libxml2 accepts, FoundationXML accepts too, with the same tree and the same
///    envelope parts (headers, operation, every field of both bodies);
/// 2. both engines give the same request, or the same fault, for any Content-Type;
/// 3. a request read is written back by `INSiRequestWriter` and read again to the same body;
/// 4. the fault answered for a refused request is well-formed XML that reads back as that fault
///    (what a client's parser sees, whatever bytes the request held), texts trimmed as the
///    reader trims them and characters XML cannot carry replaced by U+FFFD;
/// 5. whatever `PlainXMLScanner` takes (the request path's first reader), libxml2 alone accepts
///    too and reads to the same envelope parts: the scanner declines, never differs;
/// 6. an event reader reused from the pool (after whatever document came before) reads as a new
///    one does;
/// 7. the input read as a Content-Type header: `ContentType.parameter(_:in:comparedWith:)`
///    answers what `parameter(_:in:)` reads (absent when it is nil, the same bytes exactly when
///    its bytes are the expected ones, else its value).
enum SOAPRequestHarness {
    static let limits = XMLSafetyLimits()
    /// Keeps no reader: every read through it starts with a new one.
    static let newReaders = INSiRequestEventReader.Pool(capacity: 0)
    static let contentTypes: [String?] = [
        nil,
        INSiRequestWriter.contentType(for: .traitsSearch),
        INSiRequestWriter.contentType(for: .vitaleSearch),
        "application/soap+xml; charset=UTF-8; action=\"urn:unknown\"",
    ]

    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        checkContentType(bytes)
        let scanned = INSiRequestEventReader(limits: limits)
        if bytes.withUnsafeBufferPointer({ PlainXMLScanner.scan($0, into: scanned) }) {
            let alone = INSiRequestReader.parts(of: bytes, limits: limits, engine: .libxml2, plainScanner: false)
            let parts = scanned.takeParts()
            fuzzCheck(alone == .success(parts), "the plain scanner read \(parts), libxml2 alone \(alone), for \(fuzzDescribe(bytes))")
        }
        let tree = SafeXMLReader.read(bytes, limits: limits, engine: .libxml2)
        if case .success = tree {
            let reference = SafeXMLReader.read(bytes, limits: limits, engine: .foundationXML)
            fuzzCheck(tree == reference, "trees differ: libxml2 \(tree), FoundationXML \(reference), for \(fuzzDescribe(bytes))")
        }
        let parts = INSiRequestReader.parts(of: bytes, limits: limits, engine: .libxml2)
        let fresh = INSiRequestReader.parts(of: bytes, limits: limits, engine: .libxml2, pool: newReaders)
        fuzzCheck(parts == fresh, "a reused reader read \(parts), a new one \(fresh), for \(fuzzDescribe(bytes))")
        guard case .success = parts else {
            checkFault(INSiRequestReader.read(bytes, contentType: nil), bytes)
            return
        }
        let referenceParts = INSiRequestReader.parts(of: bytes, limits: limits, engine: .foundationXML)
        fuzzCheck(parts == referenceParts, "envelope parts differ: libxml2 \(parts), FoundationXML \(referenceParts), for \(fuzzDescribe(bytes))")

        let contentType = contentTypes[Int(fuzzHash(input) % UInt64(contentTypes.count))]
        let request = INSiRequestReader.read(bytes, contentType: contentType, limits: limits, engine: .libxml2)
        let reference = INSiRequestReader.read(bytes, contentType: contentType, limits: limits, engine: .foundationXML)
        fuzzCheck(request == reference, "requests differ: libxml2 \(request), FoundationXML \(reference), for \(fuzzDescribe(bytes))")
        switch request {
        case .success(let read):
            let written = INSiRequestWriter.write(read)
            let again = INSiRequestReader.read(written, contentType: nil)
            guard case .success(let reread) = again else {
                fuzzCheck(false, "the request written back is refused: \(again); written \(fuzzDescribe(written, limit: 2000))")
                return
            }
            fuzzCheck(reread.body == read.body, "the body changes when written and read again: \(read.body) became \(reread.body)")
        case .failure:
            checkFault(request, bytes)
        }
    }

    /// Invariant 7, against the operation's action and against the value read itself.
    static func checkContentType(_ bytes: [UInt8]) {
        let header = String(decoding: bytes.prefix(1_024), as: UTF8.self)
        let read = ContentType.parameter("action", in: header)
        for expected in [INSiOperation.traitsSearch.action, read ?? ""] {
            let compared = ContentType.parameter("action", in: header, comparedWith: expected)
            let same = read.map { Array($0.utf8) == Array(expected.utf8) }
            switch compared {
            case .absent: fuzzCheck(read == nil, "action absent, but parameter(_:in:) read \(String(describing: read)) in \(header.debugDescription)")
            case .sameBytes: fuzzCheck(same == true, "same bytes as \(expected.debugDescription), but read \(String(describing: read)) in \(header.debugDescription)")
            case .other(let value):
                fuzzCheck(same == false && read.map { Array($0.utf8) == Array(value.utf8) } == true,
                          "other \(value.debugDescription) against \(expected.debugDescription), read \(String(describing: read)) in \(header.debugDescription)")
            }
        }
    }

    static func checkFault(_ result: Result<INSiRequest, INSiFault>, _ input: [UInt8]) {
        guard case .failure(let fault) = result else { return }
        // A SOAP 1.1 request gets a SOAP 1.1 VersionMismatch (SOAP 1.2 Part 1, §5.4.7), which an
        // INSi client (SOAP 1.2 only) is not meant to read: its shape is checked by the tests.
        guard fault.envelope == .soap12 else { return }
        let written = INSiResponseWriter.fault(fault)
        let answer = INSiResponseReader.read(written, httpStatus: fault.httpStatus)
        // The reader trims element texts (not attributes): a text's outer white space is not kept.
        // Characters XML cannot carry are written as U+FFFD (XMLEscaping says so).
        func carried(_ text: String) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.map {
                ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0xFFFE || $0.value == 0xFFFF ? "\u{FFFD}" : $0
            }))
        }
        var expected = fault
        expected.reason = carried(fault.reason).trimmingXMLSpace()
        expected.detailText = fault.detailText.map { carried($0).trimmingXMLSpace() }
        expected.subcode = fault.subcode.map { carried($0).trimmingXMLSpace() }
        expected.detailCode = fault.detailCode.map(carried)
        expected.messageID = fault.messageID.map(carried)
        fuzzCheck(answer == .success(.fault(expected)),
                  "the fault \(fault) reads back as \(answer) from \(fuzzDescribe(written, limit: 2000)); request \(fuzzDescribe(input))")
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-soap-request", SOAPRequestHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SOAPRequestHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-soap-request") }
}
#endif
