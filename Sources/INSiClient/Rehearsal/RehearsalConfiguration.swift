import Foundation

/// What a rehearsal needs besides the pack.
public struct RehearsalConfiguration: Sendable {
    /// The SOAP endpoint (see ``INSiClientConfiguration/endpoint(from:)``).
    public var endpoint: URL
    /// The calling software; its approval number is sent unless a case gives another.
    public var software: SoftwareContext
    public var emitter: String
    /// Per call, unless a case gives its own.
    public var timeout: Duration
    /// insi-sim's admin token, when it requires one (scenario cases).
    public var adminToken: String?
    public var detection: RehearsalTarget.Detection
    /// The client certificate and trusted CAs of an `https` target, for the INSi calls and the
    /// requests around them (`/health`, the admin API) alike.
    public var tls: ClientTLSConfiguration

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
