import Foundation

/// What a rehearsal needs besides the pack.
public struct RehearsalConfiguration: Sendable {
    /// The SOAP endpoint (see ``INSiClientConfiguration/endpoint(from:)``).
    public var endpoint: URL
    /// The calling software; its approval number is sent unless a case gives another.
    public var software: SoftwareContext
    /// `Emetteur` of every call (see ``INSiClientConfiguration/emitter``).
    public var emitter: String
    /// Per call, unless a case gives its own.
    public var timeout: Duration
    /// insi-sim's admin token, when it requires one (scenario cases).
    public var adminToken: String?
    /// How to decide whether the target is insi-sim: ``RehearsalTarget/Detection/auto`` asks it,
    /// the others decide for a target whose routes a proxy hides.
    public var detection: RehearsalTarget.Detection
    /// The client certificate and trusted CAs of an `https` target, for the INSi calls and the
    /// requests around them (`/health`, the admin API) alike.
    public var tls: ClientTLSConfiguration

    /// The defaults are the CLI's: the example professional id, 30 s per call, no admin token,
    /// detection by asking the target, no client certificate.
    public init(endpoint: URL, software: SoftwareContext, emitter: String = ProfessionalID.example, timeout: Duration = .seconds(30),
                adminToken: String? = nil, detection: RehearsalTarget.Detection = .auto, tls: ClientTLSConfiguration = ClientTLSConfiguration()) {
        self.endpoint = endpoint
        self.software = software
        self.emitter = emitter
        self.timeout = timeout
        self.adminToken = adminToken
        self.detection = detection
        self.tls = tls
    }
}
