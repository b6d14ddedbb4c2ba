import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging
import Synchronization

/// A running simulator: the base, the routes and the HTTP server, started and stopped together.
public final class Simulator: Sendable {
    public let configuration: SimulatorConfiguration
    public let application: SimulatorApplication
    public let server: HTTPServer
    /// The base, scenarios, journal and metrics.
    public let state: SimulatorState
    let logger: Logger

    /// Why the simulator could not start.
    public enum StartError: Error, CustomStringConvertible {
        case resources(String)
        case seed(SeedError)
        case contract(String)
        case listen(String)
        case scenarios(String)
        case state(String)
        case adminTokenRequired(host: String)

        public var description: String {
            switch self {
            case .resources(let detail): return detail
            case .seed(let error): return "the reference base could not be loaded: \(error.description)"
            case .contract(let detail): return "the contract files could not be loaded: \(detail)"
            case .listen(let detail): return "cannot listen: \(detail)"
            case .scenarios(let detail): return "the scenarios could not be loaded: \(detail)"
            case .state(let detail): return detail
            case .adminTokenRequired(let host):
                return "listening on \(host), beyond this machine, needs --admin-token (or INSI_SIM_ADMIN_TOKEN): the admin API can change every identity"
            }
        }
    }

    /// Loads the base and the contract files; does not listen yet.
    /// - Parameters:
    ///   - logSink: where `logger`'s lines go, when it is the server's own (its dropped lines
    ///     are counted in `/metrics`).
    ///   - clock: the time HTTP timeouts are judged by (tests move it by hand); the monotonic
    ///     clock when nil.
    ///   - wallClock: the time calls are stamped and judged by; the system's when nil.
    public convenience init(configuration: SimulatorConfiguration, logger: Logger, logSink: LogSink? = nil,
                            clock: (any ServerClock)? = nil, wallClock: (any WallClock)? = nil) throws(StartError) {
        try self.init(configuration: configuration, logger: logger, logSink: logSink, clock: clock, wallClock: wallClock,
                      stateHooks: SimulatorState.Hooks())
    }

    init(configuration: SimulatorConfiguration, logger: Logger, logSink: LogSink? = nil, clock: (any ServerClock)?,
         wallClock: (any WallClock)? = nil,
         stateHooks: SimulatorState.Hooks) throws(StartError) {
        self.configuration = configuration
        self.logger = logger
        let resources: ResourceLocator
        do {
            resources = try ResourceLocator.locate(explicit: configuration.resourcesPath)
        } catch {
            throw .resources("\(error)")
        }
        let seedPath = configuration.seedPath ?? resources.defaultSeed.path
        let base: ReferenceBase
        do {
            base = try SeedFile.load(path: seedPath, nameMatching: configuration.nameMatching, progress: configuration.seedProgress)
        } catch {
            throw .seed(error)
        }
        let contract: ContractFiles
        do {
            contract = try ContractFiles(directory: resources.contractDirectory)
        } catch {
            throw .contract("\(error)")
        }
        if configuration.adminToken == nil {
            // Decided on the address the server will bind, not on the host's spelling:
            // "127.example.org" may resolve anywhere, "localhost" is loopback.
            let address: ListenAddress
            do {
                address = try ListenAddress.resolve(host: configuration.host)
            } catch {
                throw .listen("\(error)")
            }
            guard address.isLoopback else {
                throw .adminTokenRequired(host: configuration.host == address.ip ? configuration.host : "\(configuration.host) (\(address.ip))")
            }
        }
        var validator: ContractValidator?
        if configuration.judge.enabled {
            do {
                validator = try ContractValidator(directory: resources.contractDirectory)
            } catch {
                throw .contract("\(error)")
            }
        }
        let console: ConsoleFiles?
        do {
            console = try ConsoleFiles(directory: resources.root.appendingPathComponent("ui"))
        } catch {
            throw .resources("the web console could not be loaded: \(error)")
        }
        let wallClock = wallClock ?? SystemWallClock()
        let dataDirectory = configuration.dataDirectory.map { URL(fileURLWithPath: $0) }
        let files = ScenarioFiles(resources: resources.root, dataDirectory: dataDirectory)
        var seedScenarios: [Scenario] = []
        if let path = configuration.scenariosPath {
            seedScenarios = try Simulator.loadScenarios(path: path, base: base, files: files)
        }
        let state: SimulatorState
        do {
            let journal = try Journal(capacity: configuration.journalCapacity, path: configuration.journalPath, logger: logger)
            state = try SimulatorState(seed: base, scenarios: seedScenarios, journal: journal, dataDirectory: dataDirectory, logger: logger,
                                       compactionThreshold: configuration.compactionThreshold, scenarioFiles: files, hooks: stateHooks,
                                       judging: configuration.judge, contract: validator, clock: wallClock)
        } catch {
            throw .state("\(error)")
        }
        self.state = state
        var xmlLimits = configuration.xmlLimits
        xmlLimits.maxBytes = configuration.limits.maxBodyBytes
        var cardVerifier: CardAssertionVerifier?
        if let cards = configuration.cardAssertions {
            func pem(_ path: String, _ what: String) throws(StartError) -> [UInt8] {
                guard let bytes = FileManager.default.contents(atPath: path), !bytes.isEmpty else {
                    throw .state("cannot read the \(what) \(path) (CPx card assertions are checked against it)")
                }
                return Array(bytes)
            }
            cardVerifier = CardAssertionVerifier(configuration: .init(
                cardCA: try pem(cards.cardCAFile, "card CA"), eCPSCA: try cards.eCPSCAFile.map { (path) throws(StartError) in try pem(path, "e-CPS CA") },
                maxAge: cards.maxAge))
        }
        let security = configuration.securityPolicy(cardVerifier: cardVerifier)
        let endpoint = INSiEndpoint(state: state, authorizedIDAMs: configuration.authorizedIDAMs, xmlLimits: xmlLimits,
                                    security: security, logger: logger, clock: wallClock)
        let admin = AdminAPI(state: state, token: configuration.adminToken.map(AdminToken.init))
        var http = HTTPServerConfiguration(listeners: configuration.listeners, limits: configuration.limits, timeouts: configuration.timeouts)
        if let loops = configuration.eventLoopCount { http.eventLoopCount = loops }
        let host = configuration.host
        let portBox = PortBox()
        let serverBox = ServerBox()
        var application = SimulatorApplication(
            endpoint: endpoint, admin: admin, contract: contract, console: console, publicURL: configuration.publicURL, logSink: logSink,
            httpCounters: { serverBox.counters() }
        ) {
            "http://\(host.contains(":") ? "[\(host)]" : host):\(portBox.port)"
        }
        application.listenerBaseURL = { name in serverBox.baseURL(of: name) }
        self.application = application
        self.security = security
        let httpServer = HTTPServer(configuration: http, logger: logger, responder: application, clock: clock)
        serverBox.server.withLock { $0 = httpServer }
        server = httpServer
        serverPort = portBox
    }

    private let serverPort: PortBox

    /// Listens; returns the bound port.
    @discardableResult
    public func start() throws(StartError) -> Int {
        let port: Int
        do {
            port = try server.start()
        } catch {
            throw .listen("\(error)")
        }
        serverPort.port = port
        return port
    }

    /// The endpoint URL (`http://host:port/lps`).
    public var endpointURL: String { "\(application.fallbackBaseURL())/lps" }

    /// The security of each listener, by name.
    public let security: SecurityPolicy

    /// One listener once started: where to call it and what it requires.
    public struct Endpoint: Sendable, Equatable {
        public var listener: BoundListener
        public var security: ListenerSecurity
        /// `http://host:port/lps` or `https://…/lps`.
        public var url: String { listener.baseURL + "/lps" }
    }

    /// Every listener, the plain one first (empty before `start()`).
    public var endpoints: [Endpoint] {
        server.boundListeners.map { listener in
            Endpoint(listener: listener, security: security.security(ofListener: listener.name))
        }
    }

    /// Stops accepting, finishes calls in flight, closes connections.
    public func shutdown() async {
        await server.shutdown(grace: .seconds(10))
        state.judge?.flush()
        state.journal.flush()
    }

    /// Reads the scenarios of `--scenarios`: the name of a built-in set (`cnda`: a file of
    /// `Resources/scenarios/`), else the path of a scenarios file.
    static func loadScenarios(path: String, base: ReferenceBase, files: ScenarioFiles) throws(StartError) -> [Scenario] {
        let isFile = FileManager.default.fileExists(atPath: path)
        let url = (isFile ? nil : files.set(named: path)) ?? URL(fileURLWithPath: path)
        let list: [Scenario]
        do throws(ScenarioListError) {
            list = try ScenarioList.read(url)
        } catch {
            let sets = files.setNames
            let hint = isFile || sets.isEmpty ? "" : " (nor the name of a built-in set: \(sets.joined(separator: ", ")))"
            throw .scenarios(error.description + hint)
        }
        var checked: [Scenario] = []
        var ids: Set<String> = []
        for (index, scenario) in list.enumerated() {
            do throws(ScenarioError) {
                var valid = try scenario.validated(identityExists: { base.identity(matricule: $0) != nil }, files: files)
                if valid.id == nil || valid.id?.isEmpty == true { valid.id = "file-\(index + 1)" }
                guard ids.insert(valid.id ?? "").inserted else {
                    throw ScenarioError("id", "'\(valid.id ?? "")' is already the id of an earlier scenario of the file")
                }
                checked.append(valid)
            } catch {
                throw .scenarios("\(url.path), scenario \(index + 1), field \(error.field): \(error.reason)")
            }
        }
        return checked
    }
}

/// The HTTP server, known after init; read by `/metrics` for connection counts.
final class ServerBox: Sendable {
    // Protects the reference to the server: set once in init, read at scrape time.
    let server = Mutex<HTTPServer?>(nil)

    func counters() -> HTTPCounters {
        server.withLock { $0?.counters } ?? HTTPCounters()
    }

    /// The base URL of a listener, as bound.
    func baseURL(of listener: String) -> String? {
        server.withLock { $0?.boundListeners.first { $0.name == listener }?.baseURL }
    }
}


/// The bound port, known only after `start()`; read by the WSDL writer.
final class PortBox: Sendable {
    // Protects the port number: written once at start, read by any event loop afterwards.
    private let value = Mutex(0)
    var port: Int {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
