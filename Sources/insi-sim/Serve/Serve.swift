import ArgumentParser
import Foundation
import HTTPServer
import INSiCore
import INSiPKI
import INSiServer
import INSiSOAP
import Logging

/// `insi-sim serve`: runs the simulator until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the INSi simulator (POST /lps, GET /lps?wsdl, GET /health).",
        discussion: """
        Every option can also be set through its environment variable (named in its help); an \
        option on the command line wins. The limits and timeouts are documented with what a \
        client sees at each in docs/reference/serve-options.md.
        """
    )

    @Option(help: ServeSetting.host.help) var host: String?
    @Option(help: ServeSetting.port.help) var port: Int?
    @Option(name: .customLong("tls-port"), help: ServeSetting.tlsPort.help) var tlsPort: Int?
    @Option(name: .customLong("tls-dir"), help: ServeSetting.tlsDir.help) var tlsDir: String?
    @Option(name: .customLong("tls-cert"), help: ServeSetting.tlsCert.help) var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ServeSetting.tlsKey.help) var tlsKey: String?
    @Option(name: .customLong("client-ca"), help: ServeSetting.clientCA.help) var clientCA: String?
    @Option(name: .customLong("client-cert"), help: ServeSetting.clientCert.help) var clientCert: TLSConfiguration.ClientCertificate?
    @Option(help: ServeSetting.security.help) var security: SecurityMode?
    @Option(name: .customLong("card-ca"), help: ServeSetting.cardCA.help) var cardCA: String?
    @Option(name: .customLong("ecps-ca"), help: ServeSetting.ecpsCA.help) var ecpsCA: String?
    @Option(name: .customLong("assertion-max-age"), help: ServeSetting.assertionMaxAge.help) var assertionMaxAge: Seconds?
    @Option(help: ServeSetting.seed.help) var seed: String?
    @Option(name: .customLong("name-matching"), help: ServeSetting.nameMatching.help) var nameMatching: NameMatching?
    @Option(name: .customLong("authorized-idam"), help: ServeSetting.authorizedIDAM.help) var authorizedIDAM: [String] = []
    @Option(help: ServeSetting.resources.help) var resources: String?
    @Option(name: .customLong("public-url"), help: ServeSetting.publicURL.help) var publicURL: String?
    @Option(name: .customLong("log-level"), help: ServeSetting.logLevel.help) var logLevel: LogLevel?
    @Option(name: .customLong("log-format"), help: ServeSetting.logFormat.help) var logFormat: LogFormat?
    @Option(help: ServeSetting.scenarios.help) var scenarios: String?
    @Option(help: ServeSetting.journal.help) var journal: String?
    @Option(name: .customLong("journal-capacity"), help: ServeSetting.journalCapacity.help) var journalCapacity: Int?
    @Option(name: .customLong("data-dir"), help: ServeSetting.dataDir.help) var dataDir: String?
    @Option(name: .customLong("compact-after"), help: ServeSetting.compactAfter.help) var compactAfter: Int?
    @Option(name: .customLong("admin-token"), help: ServeSetting.adminToken.help) var adminToken: String?
    @Option(name: .customLong("event-loops"), help: ServeSetting.eventLoops.help) var eventLoops: Int?
    @Option(name: .customLong("max-body-bytes"), help: ServeSetting.maxBodyBytes.help) var maxBodyBytes: Int?
    @Option(name: .customLong("max-header-bytes"), help: ServeSetting.maxHeaderBytes.help) var maxHeaderBytes: Int?
    @Option(name: .customLong("max-header-count"), help: ServeSetting.maxHeaderCount.help) var maxHeaderCount: Int?
    @Option(name: .customLong("max-request-line-bytes"), help: ServeSetting.maxRequestLineBytes.help) var maxRequestLineBytes: Int?
    @Option(name: .customLong("max-chunk-line-bytes"), help: ServeSetting.maxChunkLineBytes.help) var maxChunkLineBytes: Int?
    @Option(name: .customLong("max-empty-lines"), help: ServeSetting.maxEmptyLines.help) var maxEmptyLines: Int?
    @Option(name: .customLong("max-connections"), help: ServeSetting.maxConnections.help) var maxConnections: Int?
    @Option(name: .customLong("max-linger-bytes"), help: ServeSetting.maxLingerBytes.help) var maxLingerBytes: Int?
    @Option(name: .customLong("request-timeout"), help: ServeSetting.requestTimeout.help) var requestTimeout: Seconds?
    @Option(name: .customLong("idle-timeout"), help: ServeSetting.idleTimeout.help) var idleTimeout: Seconds?
    @Option(name: .customLong("linger-timeout"), help: ServeSetting.lingerTimeout.help) var lingerTimeout: Seconds?
    @Option(name: .customLong("xml-max-depth"), help: ServeSetting.xmlMaxDepth.help) var xmlMaxDepth: Int?
    @Option(name: .customLong("xml-max-elements"), help: ServeSetting.xmlMaxElements.help) var xmlMaxElements: Int?
    @Option(name: .customLong("xml-max-text-bytes"), help: ServeSetting.xmlMaxTextBytes.help) var xmlMaxTextBytes: Int?
    @Option(help: ServeSetting.findings.help) var findings: OnOff?

    /// The environment read by `validate()`; tests replace it.
    var environment: [String: String] = ProcessInfo.processInfo.environment

    enum CodingKeys: String, CodingKey {
        case host, port, tlsPort, tlsDir, tlsCert, tlsKey, clientCA, clientCert, security, cardCA, ecpsCA, assertionMaxAge, seed, nameMatching, authorizedIDAM, resources, publicURL, logLevel, logFormat, scenarios, journal
        case journalCapacity, dataDir, compactAfter, adminToken, eventLoops, maxBodyBytes, maxHeaderBytes
        case maxHeaderCount, maxRequestLineBytes, maxChunkLineBytes, maxEmptyLines, maxConnections, maxLingerBytes
        case requestTimeout, idleTimeout, lingerTimeout, xmlMaxDepth, xmlMaxElements, xmlMaxTextBytes, findings
    }

    /// Fills what the command line left out from the environment, then checks every value, so
    /// that a mistake is reported with this command's usage before anything starts.
    mutating func validate() throws {
        let reader = EnvironmentReader(environment: environment)
        try reader.fill(&host, .host)
        try reader.fill(&port, .port)
        try reader.fill(&tlsPort, .tlsPort)
        try reader.fill(&tlsDir, .tlsDir)
        try reader.fill(&tlsCert, .tlsCert)
        try reader.fill(&tlsKey, .tlsKey)
        try reader.fill(&clientCA, .clientCA)
        try reader.fill(&clientCert, .clientCert)
        try reader.fill(&security, .security)
        try reader.fill(&cardCA, .cardCA)
        try reader.fill(&ecpsCA, .ecpsCA)
        try reader.fill(&assertionMaxAge, .assertionMaxAge)
        try reader.fill(&seed, .seed)
        try reader.fill(&nameMatching, .nameMatching)
        if authorizedIDAM.isEmpty { authorizedIDAM = reader.list(.authorizedIDAM) }
        try reader.fill(&resources, .resources)
        try reader.fill(&publicURL, .publicURL)
        try reader.fill(&logLevel, .logLevel)
        try reader.fill(&logFormat, .logFormat)
        try reader.fill(&scenarios, .scenarios)
        try reader.fill(&journal, .journal)
        try reader.fill(&journalCapacity, .journalCapacity)
        try reader.fill(&dataDir, .dataDir)
        try reader.fill(&compactAfter, .compactAfter)
        try reader.fill(&adminToken, .adminToken)
        try reader.fill(&eventLoops, .eventLoops)
        try reader.fill(&maxBodyBytes, .maxBodyBytes)
        try reader.fill(&maxHeaderBytes, .maxHeaderBytes)
        try reader.fill(&maxHeaderCount, .maxHeaderCount)
        try reader.fill(&maxRequestLineBytes, .maxRequestLineBytes)
        try reader.fill(&maxChunkLineBytes, .maxChunkLineBytes)
        try reader.fill(&maxEmptyLines, .maxEmptyLines)
        try reader.fill(&maxConnections, .maxConnections)
        try reader.fill(&maxLingerBytes, .maxLingerBytes)
        try reader.fill(&requestTimeout, .requestTimeout)
        try reader.fill(&idleTimeout, .idleTimeout)
        try reader.fill(&lingerTimeout, .lingerTimeout)
        try reader.fill(&xmlMaxDepth, .xmlMaxDepth)
        try reader.fill(&xmlMaxElements, .xmlMaxElements)
        try reader.fill(&xmlMaxTextBytes, .xmlMaxTextBytes)
        try reader.fill(&findings, .findings)

        let numbers: [(ServeSetting, Int?)] = [
            (.port, port), (.tlsPort, tlsPort), (.journalCapacity, journalCapacity), (.compactAfter, compactAfter), (.eventLoops, eventLoops),
            (.maxBodyBytes, maxBodyBytes), (.maxHeaderBytes, maxHeaderBytes), (.maxHeaderCount, maxHeaderCount),
            (.maxRequestLineBytes, maxRequestLineBytes), (.maxChunkLineBytes, maxChunkLineBytes),
            (.maxEmptyLines, maxEmptyLines), (.maxConnections, maxConnections), (.maxLingerBytes, maxLingerBytes),
            (.xmlMaxDepth, xmlMaxDepth), (.xmlMaxElements, xmlMaxElements), (.xmlMaxTextBytes, xmlMaxTextBytes),
        ]
        for case let (setting, value?) in numbers {
            guard let range = setting.range, !range.contains(value) else { continue }
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            throw ValidationError("\(setting.option) must be \(upper.isEmpty ? "at least \(range.lowerBound)" : "between \(range.lowerBound)\(upper)"), not \(value)")
        }
        if let adminToken, adminToken.isEmpty {
            throw ValidationError("--admin-token is empty: give a token, or leave the option out (only allowed on a loopback address)")
        }
        for case let (setting, seconds?) in [(ServeSetting.requestTimeout, requestTimeout), (.idleTimeout, idleTimeout)] where seconds.value <= 0 {
            throw ValidationError("\(setting.option) must be more than 0 seconds, not \(seconds)")
        }
        if let lingerTimeout, lingerTimeout.value < 0 {
            throw ValidationError("--linger-timeout must be 0 seconds or more, not \(lingerTimeout)")
        }
        try validateTLS()
    }

    /// The TLS options go together: a folder, or a certificate and its key (and a client CA
    /// when client certificates are asked for).
    private func validateTLS() throws {
        if tlsDir != nil && (tlsCert != nil || tlsKey != nil || clientCA != nil) {
            throw ValidationError("--tls-dir takes the certificate, the key and the client CA from its folder: leave out --tls-cert, --tls-key and --client-ca")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: the certificate and its private key")
        }
        let tls = tlsDir != nil || tlsCert != nil
        let needingTLS: [(ServeSetting, Bool)] = [(.tlsPort, tlsPort != nil), (.clientCA, clientCA != nil), (.clientCert, clientCert != nil)]
        if !tls, let (setting, _) = needingTLS.first(where: { $0.1 }) {
            throw ValidationError("\(setting.option) needs a TLS listener: add --tls-dir DIR (a test PKI, generated if missing) or --tls-cert and --tls-key")
        }
        if tlsCert != nil, let clientCert, clientCert != .none, clientCA == nil {
            throw ValidationError("--client-cert \(clientCert.rawValue) needs --client-ca, the authorities client certificates must chain to")
        }
        if tls, let tlsPort, tlsPort != 0, tlsPort == (port ?? 8080) {
            throw ValidationError("--tls-port \(tlsPort) is also the plain HTTP port (--port): give each its own")
        }
        if let assertionMaxAge, assertionMaxAge.value <= 0 {
            throw ValidationError("--assertion-max-age must be more than 0 seconds, not \(assertionMaxAge)")
        }
        if ecpsCA != nil && cardCA == nil && tlsDir == nil {
            throw ValidationError("--ecps-ca needs the card authority too: add --card-ca FILE (or --tls-dir, whose card-ca.pem is used)")
        }
    }

    /// The card authorities: the options, else the --tls-dir folder's (when it has them: a
    /// folder made before the CPx cards existed has none).
    var cardAssertions: SimulatorConfiguration.CardAssertions? {
        let folder = tlsDir.map { URL(fileURLWithPath: $0) }
        func fromFolder(_ name: String) -> String? {
            guard let path = folder?.appendingPathComponent(name).path, FileManager.default.fileExists(atPath: path) else { return nil }
            return path
        }
        guard let card = cardCA ?? fromFolder(TestPKI.cardCAFile) else { return nil }
        return SimulatorConfiguration.CardAssertions(cardCAFile: card, eCPSCAFile: ecpsCA ?? fromFolder(TestPKI.eCPSCAFile),
                                                     maxAge: assertionMaxAge?.duration ?? .seconds(3600))
    }

    /// The simulator's configuration from the options (after `validate()`).
    func simulatorConfiguration() -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.host = host ?? configuration.host
        configuration.port = port ?? configuration.port
        configuration.security = security
        configuration.cardAssertions = cardAssertions
        if let tls = tlsConfiguration {
            configuration.tlsListeners = [SimulatorConfiguration.TLSListener(port: tlsPort ?? 8443, tls: tls)]
        }
        configuration.seedPath = seed
        configuration.seedProgress = .terminal
        configuration.nameMatching = nameMatching ?? configuration.nameMatching
        configuration.authorizedIDAMs = Set(authorizedIDAM)
        configuration.resourcesPath = resources
        configuration.publicURL = publicURL
        configuration.scenariosPath = scenarios
        configuration.journalPath = journal
        configuration.journalCapacity = journalCapacity ?? configuration.journalCapacity
        configuration.dataDirectory = dataDir
        configuration.compactionThreshold = compactAfter ?? configuration.compactionThreshold
        configuration.adminToken = adminToken
        configuration.eventLoopCount = eventLoops
        configuration.logFormat = logFormat ?? configuration.logFormat
        var limits = configuration.limits
        limits.maxBodyBytes = maxBodyBytes ?? limits.maxBodyBytes
        limits.maxHeaderBytes = maxHeaderBytes ?? limits.maxHeaderBytes
        limits.maxHeaderCount = maxHeaderCount ?? limits.maxHeaderCount
        limits.maxRequestLineBytes = maxRequestLineBytes ?? limits.maxRequestLineBytes
        limits.maxChunkLineBytes = maxChunkLineBytes ?? limits.maxChunkLineBytes
        limits.maxEmptyLinesBeforeRequest = maxEmptyLines ?? limits.maxEmptyLinesBeforeRequest
        limits.maxConnections = maxConnections ?? limits.maxConnections
        limits.maxLingerBytes = maxLingerBytes ?? limits.maxLingerBytes
        configuration.limits = limits
        configuration.timeouts.request = requestTimeout?.duration ?? configuration.timeouts.request
        configuration.timeouts.idle = idleTimeout?.duration ?? configuration.timeouts.idle
        configuration.timeouts.linger = lingerTimeout?.duration ?? configuration.timeouts.linger
        configuration.xmlLimits.maxDepth = xmlMaxDepth ?? configuration.xmlLimits.maxDepth
        configuration.xmlLimits.maxElements = xmlMaxElements ?? configuration.xmlLimits.maxElements
        configuration.xmlLimits.maxTextBytes = xmlMaxTextBytes ?? configuration.xmlLimits.maxTextBytes
        configuration.judge.enabled = (findings ?? .on) == .on
        return configuration
    }

    /// The TLS listener's settings, from --tls-dir or --tls-cert/--tls-key; nil without TLS.
    var tlsConfiguration: TLSConfiguration? {
        if let tlsDir {
            let folder = URL(fileURLWithPath: tlsDir)
            let mode = clientCert ?? .required
            return TLSConfiguration(certificateChainFile: folder.appendingPathComponent(TestPKI.serverFile).path,
                                    privateKeyFile: folder.appendingPathComponent(TestPKI.serverKeyFile).path,
                                    clientCertificate: mode,
                                    clientCAFile: mode == .none ? nil : folder.appendingPathComponent(TestPKI.caFile).path)
        }
        guard let tlsCert, let tlsKey else { return nil }
        let mode = clientCert ?? (clientCA == nil ? .none : .required)
        return TLSConfiguration(certificateChainFile: tlsCert, privateKeyFile: tlsKey, clientCertificate: mode,
                                clientCAFile: mode == .none ? nil : clientCA)
    }

    /// --tls-dir: a missing or empty folder gets a test PKI (valid for the listening address too).
    private func prepareTLSFolder(_ logger: Logger) throws {
        guard let tlsDir else { return }
        var hosts: [String] = []
        if let host, !["0.0.0.0", "::", "localhost", "127.0.0.1", "::1"].contains(host) { hosts.append(host) }
        do {
            if try TestPKI.prepare(URL(fileURLWithPath: tlsDir), options: TestPKI.Options(hosts: hosts)) {
                logger.notice("generated a test PKI in \(tlsDir): clients trust \(tlsDir)/\(TestPKI.caFile) and present insi-auto.p12 (password \(TestPKI.password)); see its README.md")
            }
        } catch {
            logger.critical("--tls-dir \(tlsDir): \(error.description)")
            throw ExitCode(ExitStatus.unusableInput)
        }
    }

    func run() async throws {
        let level = (logLevel ?? .info).level
        // Lines are formatted by the thread that logs and written by the sink's own thread;
        // whatever is buffered is written before the process exits.
        let logSink = LogSink(output: STDERR_FILENO, configuration: LogSink.Configuration(format: logFormat ?? .text))
        defer { logSink.shutdown() }
        LoggingSystem.bootstrap { label in ServerLogHandler(label: label, sink: logSink, level: level) }
        var logger = Logger(label: "insi-sim")
        logger.logLevel = level

        let openFiles = ResourceLimits.raiseOpenFileLimit()
        try prepareTLSFolder(logger)
        // After the folder is prepared: a generated folder's card authorities are used too.
        let configuration = simulatorConfiguration()
        let simulator: Simulator
        do {
            simulator = try Simulator(configuration: configuration, logger: logger, logSink: logSink)
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(ExitStatus.unusableInput)
        }
        // Trapped before the start line is printed: a script that reads the port and stops the
        // server at once must get a graceful stop, not the default action of SIGTERM.
        let stop = AsyncStream<Int32>.makeStream()
        let trap = SignalTrap { signal in stop.continuation.yield(signal) }
        let boundPort: Int
        do {
            boundPort = try simulator.start()
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(ExitStatus.unusableInput)
        }
        let endpoint = simulator.endpointURL
        // The start line goes to standard output whatever the log level, unbuffered, so that a
        // script starting `serve --port 0 --log-level warning` can read the port from it.
        let plainMode = configuration.security.map { $0 == .strict ? " (security strict)" : "" } ?? ""
        let tlsEndpoints = simulator.endpoints.dropFirst().map { endpoint in
            ", TLS endpoint \(endpoint.url) (\(Self.describe(endpoint)))"
        }.joined()
        let startLine = "insi-sim \(SimulatorVersion.current) listening: endpoint \(endpoint)\(plainMode), WSDL \(endpoint)?wsdl\(tlsEndpoints), "
            + "\(simulator.application.store.count) identities loaded (\(configuration.nameMatching.rawValue) name matching)"
        // What was logged while starting is on standard error before the start line appears.
        logSink.flush()
        FileHandle.standardOutput.write(Data((startLine + "\n").utf8))
        logger.info("started", metadata: [
            "port": "\(boundPort)", "openFileLimit": "\(openFiles)",
            "authorizedIDAM": .string(configuration.authorizedIDAMs.isEmpty ? "any" : configuration.authorizedIDAMs.sorted().joined(separator: ",")),
            "admin": .string(configuration.adminToken == nil ? "open (loopback)" : "bearer token"),
            "scenarios": "\(simulator.state.scenarios.all.count)",
            "dataDir": .string(configuration.dataDirectory ?? "none"),
        ])
        for await signal in stop.stream {
            logger.info("signal \(signal): stopping (calls in flight finish first; a second Ctrl-C ends at once)")
            break
        }
        // Back to the default action: a second signal ends the process without waiting.
        trap.cancel()
        await simulator.shutdown()
        logger.info("stopped")
    }
}

/// A log level as an option value.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

extension NameMatching: ExpressibleByArgument {}
extension SecurityMode: ExpressibleByArgument {}
extension TLSConfiguration.ClientCertificate: ExpressibleByArgument {}

extension Serve {
    /// "client certificate required, security strict", for the start line.
    static func describe(_ endpoint: Simulator.Endpoint) -> String {
        let certificate = endpoint.listener.configuration.tls.map { "client certificate \($0.clientCertificate.rawValue), " } ?? ""
        return certificate + "security \(endpoint.security.mode.rawValue)"
    }
}
extension LogFormat: ExpressibleByArgument {}

/// A setting that is on or off.
enum OnOff: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// Reads `INSI_SIM_*` variables for the options the command line left out. An empty variable
/// counts as unset.
struct EnvironmentReader {
    let environment: [String: String]

    func text(_ setting: ServeSetting) -> String? {
        guard let value = environment[setting.environmentVariable], !value.isEmpty else { return nil }
        return value
    }

    func fill<Value: ExpressibleByArgument>(_ value: inout Value?, _ setting: ServeSetting) throws {
        guard value == nil, let text = text(setting) else { return }
        guard let parsed = Value(argument: text) else {
            throw ValidationError("\(setting.environmentVariable)='\(text)' is not a valid value for \(setting.option) (\(setting.valueName))")
        }
        value = parsed
    }

    func list(_ setting: ServeSetting) -> [String] {
        text(setting)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
    }
}
