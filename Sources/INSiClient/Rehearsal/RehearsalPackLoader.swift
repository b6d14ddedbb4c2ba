import Foundation
import INSiCore

/// Reads pack files: includes (relative to the including file, cycles refused) and cases, each
/// field checked with an error naming the file, the case and the field.
struct RehearsalPackLoader {
    /// Files being read, to refuse an include cycle.
    private var reading: [String] = []
    /// Where each case id was first read, to refuse duplicates across files.
    private var seen: [String: String] = [:]

    static let caseKeys: Set<String> = [
        "id", "title", "exercises", "cnda", "kind", "operation", "request", "identity", "idam", "timeout", "scenario",
        "otherTargets", "expect", "expected", "note", "ins", "documentChecked",
    ]
    static let packKeys: Set<String> = ["format", "version", "title", "description", "include", "cases"]
    static let expectationKeys: Set<String> = [
        "code", "matricule", "key", "warnings", "attempts", "trail", "fault", "error", "status", "ins", "verification", "reasons",
    ]
    static let heldINSKeys: Set<String> = ["matricule", "key", "oid"]
    static let insUses: Set<String> = ["usable", "notUsable", "none"]
    static let traitsKeys: Set<String> = ["birthName", "firstNames", "firstNamesAsOneValue", "sex", "birthDate", "birthPlace"]
    static let vitaleKeys: Set<String> = [
        "ouvrantDroit", "ouvrantDroitKey", "birthDate", "rank", "beneficiaryMatricule", "beneficiaryKey", "birthName",
    ]
    static let warningKinds: Set<String> = ["invalidKey", "provisionalMatricule", "unknownOID", "incoherentDates", "traitsDiffer"]
    static let trailCodes: Set<String> = ["00", "01", "02", "fault", "error"]
    static let errorKinds: Set<String> = ["unexpectedStatus", "transport", "timeout", "unreadableAnswer", "cancelled"]

    /// The JSON of a file.
    func document(at url: URL) throws(RehearsalPackError) -> RehearsalJSON {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RehearsalPackError(file: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(RehearsalJSON.self, from: data)
        } catch {
            throw RehearsalPackError(file: url.path, reason: "is not valid JSON: \(RehearsalPackLoader.describe(error))")
        }
    }

    /// The cases of a pack object: its includes first, then its own cases.
    mutating func pack(_ object: [String: RehearsalJSON], at url: URL) throws(RehearsalPackError) -> [RehearsalCase] {
        let file = url.path
        if let unknown = object.keys.sorted().first(where: { !RehearsalPackLoader.packKeys.contains($0) }) {
            throw RehearsalPackError(file: file, field: unknown, reason: "unknown field (a pack has format, version, title, description, include, cases)")
        }
        guard object["format"] == .string(RehearsalPack.format) else {
            throw RehearsalPackError(file: file, field: "format", reason: "must be \"\(RehearsalPack.format)\" (found \(object["format"]?.description ?? "nothing"))")
        }
        guard object["version"] == .number(Double(RehearsalPack.version)) else {
            throw RehearsalPackError(file: file, field: "version", reason: "must be \(RehearsalPack.version) (found \(object["version"]?.description ?? "nothing"))")
        }
        reading.append(file)
        defer { reading.removeLast() }
        var cases: [RehearsalCase] = []
        if let include = object["include"] {
            guard case .array(let entries) = include else {
                throw RehearsalPackError(file: file, field: "include", reason: "must be an array of paths relative to the pack")
            }
            for (index, entry) in entries.enumerated() {
                guard case .string(let path) = entry, !path.isEmpty else {
                    throw RehearsalPackError(file: file, field: "include[\(index)]", reason: "must be a path relative to the pack")
                }
                cases += try included(path, from: url, field: "include[\(index)]")
            }
        }
        if let own = object["cases"] {
            guard case .array(let entries) = own else {
                throw RehearsalPackError(file: file, field: "cases", reason: "must be an array of cases")
            }
            cases += try caseList(entries, file: file)
        }
        guard !cases.isEmpty else {
            throw RehearsalPackError(file: file, field: "cases", reason: "the pack has no case (give cases or include)")
        }
        return cases
    }

    private mutating func included(_ path: String, from url: URL, field: String) throws(RehearsalPackError) -> [RehearsalCase] {
        let target = URL(fileURLWithPath: path, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        guard !reading.contains(target.path) else {
            throw RehearsalPackError(file: url.path, field: field, reason: "includes \(target.path), which is already being read (an include cycle)")
        }
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw RehearsalPackError(file: url.path, field: field, reason: "no file at \(target.path) (paths are relative to the pack file)")
        }
        switch try document(at: target) {
        case .array(let entries):
            reading.append(target.path)
            defer { reading.removeLast() }
            return try caseList(entries, file: target.path)
        case .object(let object):
            return try pack(object, at: target)
        case let other:
            throw RehearsalPackError(file: target.path, reason: "an included file is an array of cases or a pack (found \(other.typeName))")
        }
    }

    private mutating func caseList(_ entries: [RehearsalJSON], file: String) throws(RehearsalPackError) -> [RehearsalCase] {
        var cases: [RehearsalCase] = []
        for (index, entry) in entries.enumerated() {
            var parser = RehearsalCaseParser(file: file, position: index + 1)
            let parsed = try parser.parse(entry)
            if let first = seen[parsed.id] {
                throw RehearsalPackError(file: file, caseID: parsed.id, field: "id",
                                         reason: "the id is already used by a case of \(first); ids name cases in reports and --only")
            }
            seen[parsed.id] = file
            cases.append(parsed)
        }
        return cases
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        default:
            return "\(error)"
        }
    }
}
