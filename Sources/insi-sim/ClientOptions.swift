import ArgumentParser
import Foundation
import INSiClient
import INSiServer

/// Options shared by `lookup`, `vitale` and `verify`: where INSi is and who calls it.
struct ClientOptions: ParsableArguments {
    @Option(help: "INSi: the endpoint (http://127.0.0.1:8080/lps, https://…/lps) or the base URL (http://127.0.0.1:8080).")
    var url: EndpointURL

    @Option(help: "Software approval number (IDAM) sent in ContexteLPS.")
    var idam: String = "TESTIDAM0001"

    @Option(help: "Emitter (Emetteur) sent in ContexteLPS and ContexteBAM: free text, sent as given. The default is a well-formed national professional id (8 + an RPPS number).")
    var emitter: String = ProfessionalID.example

    @Option(help: "Seconds to wait for each call before giving up (above 0, at most 3600).")
    var timeout = Seconds(30)

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var tls: TLSOptions

    @Option(help: "A CPx card's signed SAML assertion (an XML file; insi-sim assertion sign makes one), sent in wsse:Security: the CPx endpoint's way of authenticating.")
    var assertion: FileArgument?

    func validate() throws {
        try timeout.check("--timeout")
        _ = try tls.configuration(for: url.url)
        _ = try cardAssertion()
    }

    /// The --assertion file's bytes: an XML element, checked to look like a SAML assertion.
    func cardAssertion() throws -> [UInt8]? {
        guard let assertion else { return nil }
        guard let bytes = FileManager.default.contents(atPath: assertion.url.path), !bytes.isEmpty else {
            throw ValidationError("--assertion \(assertion.url.path): no readable file there")
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("<"), text.contains("Assertion"), !text.hasPrefix("<?xml") else {
            throw ValidationError("--assertion \(assertion.url.path) is not a saml:Assertion element (without an XML declaration, as insi-sim assertion sign writes it)")
        }
        return Array(text.utf8)
    }

    func makeClient() throws -> INSiClient {
        // The CLI ships with the simulator: it calls itself by the simulator's version.
        let software = SoftwareContext(idam: idam, version: SimulatorVersion.current, name: "urn:lps:insi-sim:cli")
        return INSiClient(configuration: INSiClientConfiguration(
            endpoint: url.url, software: software, emitter: emitter, timeout: timeout.duration,
            tls: try tls.configuration(for: url.url), cardAssertion: try cardAssertion()))
    }
}
