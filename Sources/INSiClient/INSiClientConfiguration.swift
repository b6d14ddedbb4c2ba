import Foundation

/// Who is calling: the software and its CNDA approval, sent in `ContexteLPS/LPS`.
public struct SoftwareContext: Sendable, Hashable, Codable {
    /// `IDAM`: the approval number (numéro d'autorisation) the CNDA gave the software.
    public var idam: String
    /// `Version`: the software version, as approved.
    public var version: String
    /// `Nom`: the software name, as approved (often a URN).
    public var name: String
    /// `Instance`: identifies this installation of the software.
    public var instance: String

    /// `instance` defaults to a new UUID each time: give a stable one (kept with the installation)
    /// when the CNAM must be able to tell installations apart across restarts.
    public init(idam: String, version: String, name: String, instance: String = UUID().uuidString.lowercased()) {
        self.idam = idam
        self.version = version
        self.name = name
        self.instance = instance
    }
}

/// Everything an ``INSiClient`` needs to call INSi.
public struct INSiClientConfiguration: Sendable {
    /// The SOAP endpoint, ending in `/lps` for the real service (see ``endpoint(from:)``).
    public var endpoint: URL
    /// The calling software, sent in `ContexteLPS`.
    public var software: SoftwareContext
    /// `Emetteur` of `ContexteLPS` and `ContexteBAM`: the calling organisation (e.g. its FINESS).
    public var emitter: String
    /// Longest wait for one call, connection included; beyond it the call fails with
    /// ``INSiClientError/timeout(after:)``.
    public var timeout: Duration
    /// Added to every HTTP request (a proxy token, a tracing header). They cannot replace
    /// `Content-Type`, which carries the SOAP action.
    public var extraHeaders: [String: String]
    /// The client certificate and the trusted CAs of an `https` endpoint (the real service's
    /// mTLS endpoint, or insi-sim's TLS listener).
    public var tls: ClientTLSConfiguration
    /// A CPx card's signed SAML assertion (`insi-sim assertion sign` makes one): sent in
    /// `wsse:Security` of every call, as software on a practitioner's workstation does for the
    /// CPx endpoint. Nil: `wsse:Security` is empty, as with an mTLS organisation certificate.
    public var cardAssertion: [UInt8]?

    /// The defaults (30 s, no extra header, no client certificate, the system's trust store) suit
    /// insi-sim over HTTP; the real service also needs ``tls`` with the organisation certificate.
    public init(endpoint: URL, software: SoftwareContext, emitter: String, timeout: Duration = .seconds(30),
                extraHeaders: [String: String] = [:], tls: ClientTLSConfiguration = ClientTLSConfiguration(),
                cardAssertion: [UInt8]? = nil) {
        self.endpoint = endpoint
        self.software = software
        self.emitter = emitter
        self.timeout = timeout
        self.extraHeaders = extraHeaders
        self.tls = tls
        self.cardAssertion = cardAssertion
    }

    /// The endpoint of a URL typed by a person: the endpoint itself (`…/lps`) is kept, a base URL
    /// (`http://127.0.0.1:8080`, `https://host/prefix/`) gets `/lps` appended. Nil when the text is
    /// not an absolute http(s) URL with a host.
    public static func endpoint(from text: String) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard var components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("/lps") { path += "/lps" }
        components.path = path
        return components.url
    }
}

/// Durations in the units that messages, trails and reports print.
extension Duration {
    /// The duration in seconds, for messages.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in milliseconds, for trails (the CLI and the reports use it too).
    public var milliseconds: Double { seconds * 1000 }
}
