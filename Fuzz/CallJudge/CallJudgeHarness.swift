#if DEBUG || FUZZING
import Foundation
import FuzzSupport
@testable import INSiCore
@testable import INSiServer
import INSiSOAP

/// What the judge reads of a call's bytes: the contract's schema validation (libxml2 builds a
/// tree there, a parse the request reader does not make) and the per-call checks, on every
/// request the server's reader accepts.
///
/// API used: `INSiRequestReader.read(_:contentType:)`, `ContractValidator.validate(_:)`,
/// `CallChecks.findings(for:hasContentTypeAction:now:)` (internal), `TraitChecks`.
///
/// Invariants:
/// 1. validating the same bytes twice gives the same report (nothing kept between calls);
/// 2. every problem is one line, and the raw names are those of a traits body only;
/// 3. the per-call checks end, and every finding says what was wrong (a non-empty detail);
/// 4. a name written as the INS writes it earns no trait finding.
enum CallJudgeHarness {
    /// `Resources/contract` of the repository (scripts/fuzz.sh runs from its root).
    static let validator: ContractValidator = {
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Resources/contract")
        do {
            return try ContractValidator(directory: directory)
        } catch {
            fuzzPrintError("fuzz-call-judge: \(error) (run it from the repository's root)")
            exit(2)
        }
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        guard case .success(let request) = INSiRequestReader.read(bytes, contentType: nil) else { return }
        let report = validator.validate(bytes)
        fuzzCheck(report == validator.validate(bytes), "two validations of the same bytes differ: \(report) for \(fuzzDescribe(bytes))")
        fuzzCheck(report.problems.allSatisfy { !$0.contains("\n") }, "a problem on several lines: \(report.problems)")
        if case .vitale = request.body {
            fuzzCheck(report.rawNames.isEmpty, "raw names read from a Vitale body: \(report.rawNames)")
        }
        let findings = CallChecks.findings(for: request, hasContentTypeAction: true, now: 1_800_000_000)
        for finding in findings {
            fuzzCheck(!finding.detail.isEmpty, "finding \(finding.rule.rawValue) without a detail")
        }
        if case .traits(let traits) = request.body, let name = traits.birthName, TraitChecks.isWellWritten(name, kind: .birthName) {
            var found: [Finding] = []
            TraitChecks.name(name, kind: .birthName, into: &found)
            fuzzCheck(found.isEmpty, "well-written name '\(name)' earns \(found)")
        }
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-call-judge", CallJudgeHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    CallJudgeHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-call-judge") }
}
#endif
