import ArgumentParser
import Foundation
import INSiClient
import INSiServer

/// Options shared by `lookup` and `vitale`: where INSi is and who calls it.
struct ClientOptions: ParsableArguments {
    @Option(help: "INSi: the endpoint (http://127.0.0.1:8080/lps) or the base URL (http://127.0.0.1:8080).")
    var url: String

    @Option(help: "Software approval number (IDAM) sent in ContexteLPS.")
    var idam: String = "TESTIDAM0001"

    @Option(help: "Emitter (Emetteur) sent in ContexteLPS and ContexteBAM: the calling organisation.")
    var emitter: String = "810000000001"

    @Option(help: "Seconds to wait for each call before giving up.")
    var timeout: Double = 30

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard ClientOptions.endpoint(url) != nil else {
            throw ValidationError("--url must be an http(s) URL such as http://127.0.0.1:8080 or http://127.0.0.1:8080/lps, not '\(url)'")
        }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 3600, not \(timeout)")
        }
    }

    static func endpoint(_ text: String) -> URL? {
        INSiClientConfiguration.endpoint(from: text)
    }

    func makeClient() throws -> INSiClient {
        guard let endpoint = ClientOptions.endpoint(url) else { throw ValidationError("--url is not an http(s) URL: '\(url)'") }
        // The CLI ships with the simulator: it calls itself by the simulator's version.
        let software = SoftwareContext(idam: idam, version: SimulatorVersion.current, name: "urn:lps:insi-sim:cli")
        return INSiClient(configuration: INSiClientConfiguration(
            endpoint: endpoint, software: software, emitter: emitter, timeout: .milliseconds(Int64((timeout * 1000).rounded()))))
    }
}
