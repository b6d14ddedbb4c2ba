import ArgumentParser
import Foundation
import INSiClient
import INSiCore

/// `--url`: an INSi endpoint (`…/lps`) or the base URL it is under.
struct EndpointURL: ExpressibleByArgument, Sendable {
    let url: URL

    init?(argument: String) {
        guard let url = INSiClientConfiguration.endpoint(from: argument) else { return nil }
        self.url = url
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// `--timeout`: a number of seconds; its range is checked by the command's `validate()`.
struct Seconds: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let value: Double

    init(_ value: Double) {
        self.value = value
    }

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite else { return nil }
        self.value = value
    }

    var duration: Duration { .milliseconds(Int64((value * 1000).rounded())) }

    var description: String { value == value.rounded() ? String(Int(value)) : String(value) }

    var defaultValueDescription: String { description }

    /// Throws a message naming `option` when out of range.
    func check(_ option: String) throws {
        guard value > 0, value <= 3600 else {
            throw ValidationError("\(option) must be a number of seconds above 0 and at most 3600, not \(self)")
        }
    }
}

extension Sex: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(wire: argument)
    }
}

extension RehearsalTarget.Detection: ExpressibleByArgument {}

/// Whether the person's identity was checked against a high-trust document: never assumed.
struct DocumentOption: ParsableArguments {
    @Flag(name: .customLong("document-checked"),
          help: "A high-trust identity document (passport, identity card, residence permit) was checked: an INS found then makes the identity qualifiée, not only récupérée.")
    var checked = false

    var document: HighTrustDocument { checked ? .checked : .notChecked }
}

/// The local identity's traits (`lookup`, `verify`), checked as INSi checks them.
struct TraitsOptions: ParsableArguments {
    @Option(help: "Birth name, as held locally (quote it when it holds a space).")
    var nom: String

    @Option(help: "All first names, in order, separated by spaces (quoted), not commas.")
    var prenoms: String

    @Option(help: "Sex: M, F or I.")
    var sexe: Sex

    @Option(help: "Birth date YYYY-MM-DD (00 for an unknown month or day).")
    var naissance: String

    @Option(help: "Birth place: the INSEE COG (99xxx abroad), not the postal code.")
    var lieu: String?

    func validate() throws {
        _ = try traits()
    }

    func traits() throws -> SearchTraits {
        try TraitsOptions.traits(nom: nom, prenoms: prenoms, sexe: sexe, naissance: naissance, lieu: lieu)
    }

    /// The traits as typed, checked; the message names the option to fix.
    static func traits(nom: String, prenoms: String, sexe: Sex, naissance: String, lieu: String?) throws -> SearchTraits {
        do {
            return try SearchTraits.validated(birthName: nom, firstNames: [prenoms], sex: sexe.rawValue, birthDate: naissance,
                                              birthPlace: lieu)
        } catch {
            throw ValidationError(LookupArgumentText.message(error))
        }
    }
}
