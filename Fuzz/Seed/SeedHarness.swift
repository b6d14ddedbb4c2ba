#if DEBUG || FUZZING
import Foundation
import FuzzSupport
@testable import INSiCore

/// The seed file reader (`SeedParser` under `SeedFile.load`), held to what JSONDecoder makes of
/// the same bytes (the way seeds were read before, and the reference in SeedLoadingTests).
///
/// API used: `SeedFile.load(data:progress:)` and `.load(path:progress:)`, `SeedFile` (Codable)
/// and `.base()`, JSONDecoder and JSONSerialization, `SeedError(decoding:)` (internal), `SeedWriter`, `ReferenceBase.identities`
/// and `.cards`.
///
/// Invariants:
/// 1. a load either gives a base or throws a `SeedError` that is not about reading a file (the
///    type system guarantees the error type; the harness checks the case and the message);
/// 2. the byte reader and JSONDecoder agree: both load, with the same identities and cards, or
///    both refuse (except where JSONDecoder loads a document with an error in a value it skips:
///    then JSONSerialization, which reads every value, must refuse it too, or it must hold a
///    trailing comma, which both Foundation readers accept and RFC 8259 does not; a key twice
///    in one object is refused on purpose);
/// 3. a loaded base written by `SeedWriter` loads again to the same identities and cards.
enum SeedHarness {
    static let scratchPath: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/insi-sim-fuzz-seed-\(getpid()).json"
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        let data = Data(input)
        let loaded: Result<ReferenceBase, SeedError>
        do {
            loaded = .success(try SeedFile.load(data: data, progress: .none))
        } catch {
            loaded = .failure(error)
            if case .unreadable = error { fuzzCheck(false, "an in-memory load reported \(error)") }
            fuzzCheck(!error.description.isEmpty, "an error without a message")
        }
        let decoded: Result<ReferenceBase, SeedError>
        do {
            decoded = .success(try JSONDecoder().decode(SeedFile.self, from: data).base())
        } catch let error as DecodingError {
            decoded = .failure(SeedError(decoding: error))
        } catch let error as SeedError {
            decoded = .failure(error)
        } catch {
            decoded = .failure(.malformedJSON("\(error)"))
        }
        let text = fuzzDescribe(input, limit: 600)
        switch (loaded, decoded) {
        case (.success(let base), .success(let reference)):
            fuzzCheck(base.identities == reference.identities, "identities differ from JSONDecoder's for \(text)")
            fuzzCheck(base.cards == reference.cards, "cards differ from JSONDecoder's for \(text)")
            roundTrip(base, text)
        case (.failure, .failure):
            break
        case (.success, .failure(let error)):
            fuzzCheck(false, "loaded what JSONDecoder refuses (\(error)): \(text)")
        case (.failure(let error), .success):
            // JSONDecoder checks only what it decodes: it skips an unknown key's value holding
            // bytes that are not UTF-8 or raw control characters, which RFC 8259 makes invalid
            // JSON. JSONSerialization, which reads every value, settles it, except for trailing
            // commas, which both accept and RFC 8259 does not.
            // A key twice in one object is refused on purpose (JSONDecoder keeps the first).
            fuzzCheck(!isWellFormedJSON(data) || hasTrailingComma(data) || error.description.contains("appears twice"),
                      "refused (\(error)) what JSONDecoder loads and JSONSerialization reads: \(text)")
        }
    }

    static func isWellFormedJSON(_ data: Data) -> Bool {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }

    /// A `,` followed by `}` or `]` (white space between), outside strings.
    static func hasTrailingComma(_ data: Data) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; afterComma = false
            case UInt8(ascii: ","): afterComma = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
            case 0x20, 0x09, 0x0A, 0x0D: break
            default: afterComma = false
            }
        }
        return false
    }

    static func roundTrip(_ base: ReferenceBase, _ text: String) {
        do {
            let writer = try SeedWriter(path: scratchPath)
            for identity in base.identities { try writer.write(identity) }
            try writer.finish(cards: base.cards)
            let again = try SeedFile.load(path: scratchPath, progress: .none)
            fuzzCheck(again.identities == base.identities && again.cards == base.cards,
                      "the base written by SeedWriter loads differently, from \(text)")
        } catch {
            fuzzCheck(false, "the base written by SeedWriter does not load again (\(error)), from \(text)")
        }
    }
}

@main enum Main {
    static func main() { FuzzMain.run("fuzz-seed", SeedHarness.run) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SeedHarness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
#else
import FuzzSupport

@main enum Main {
    static func main() { FuzzMain.notBuilt("fuzz-seed") }
}
#endif
