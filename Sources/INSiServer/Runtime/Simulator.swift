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
    /// - Parameter clock: the time HTTP timeouts are judged by (tests move it by hand); the
    ///   monotonic clock when nil.
    public init(configuration: SimulatorConfiguration, logger: Logger, clock: (any ServerClock)? = nil) throws(StartError) {
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
            base = try SeedFile.load(path: seedPath, nameMatching: configuration.nameMatching)
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
        var seedScenarios: [Scenario] = []
        if let path = configuration.scenariosPath {
            seedScenarios = try Simulator.loadScenarios(path: path, base: base)
        }
        let state: SimulatorState
        do {
            let journal = try Journal(capacity: configuration.journalCapacity, path: configuration.journalPath, logger: logger)
            state = try SimulatorState(seed: base, scenarios: seedScenarios, journal: journal,
                                       dataDirectory: configuration.dataDirectory.map { URL(fileURLWithPath: $0) }, logger: logger,
                                       compactionThreshold: configuration.compactionThreshold)
        } catch {
            throw .state("\(error)")
        }
        self.state = state
        var xmlLimits = configuration.xmlLimits
        xmlLimits.maxBytes = configuration.limits.maxBodyBytes
        let endpoint = INSiEndpoint(state: state, authorizedIDAMs: configuration.authorizedIDAMs, xmlLimits: xmlLimits, logger: logger)
        let admin = AdminAPI(state: state, token: configuration.adminToken.map(AdminToken.init))
        var http = HTTPServerConfiguration(host: configuration.host, port: configuration.port,
                                           limits: configuration.limits, timeouts: configuration.timeouts)
        if let loops = configuration.eventLoopCount { http.eventLoopCount = loops }
        let host = configuration.host
        let portBox = PortBox()
        let serverBox = ServerBox()
        let application = SimulatorApplication(
            endpoint: endpoint, admin: admin, contract: contract, publicURL: configuration.publicURL,
            httpCounters: { serverBox.counters() }
        ) {
            "http://\(host.contains(":") ? "[\(host)]" : host):\(portBox.port)"
        }
        self.application = application
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

    /// Stops accepting, finishes calls in flight, closes connections.
    public func shutdown() async {
        await server.shutdown(grace: .seconds(10))
        state.journal.flush()
    }

    /// Reads a scenarios file: a JSON array of scenarios, or an object with a `scenarios` array.
    static func loadScenarios(path: String, base: ReferenceBase) throws(StartError) -> [Scenario] {
        struct Wrapped: Decodable { var scenarios: [Scenario] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .scenarios("cannot read \(path): \(error.localizedDescription)")
        }
        // The first character says which of the two shapes it is: decode only that one, so
        // that an error inside a scenario is reported as such.
        let first = data.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        let list: [Scenario]
        do {
            if first == UInt8(ascii: "{") {
                list = try JSONDecoder().decode(Wrapped.self, from: data).scenarios
            } else {
                list = try JSONDecoder().decode([Scenario].self, from: data)
            }
        } catch {
            throw .scenarios("\(path) is not a JSON array of scenarios (nor {\"scenarios\": [...]}): \(Simulator.describe(error) ?? "\(error)")")
        }
        var checked: [Scenario] = []
        var ids: Set<String> = []
        for (index, scenario) in list.enumerated() {
            do throws(ScenarioError) {
                var valid = try scenario.validated { base.identity(matricule: $0) != nil }
                if valid.id == nil || valid.id?.isEmpty == true { valid.id = "file-\(index + 1)" }
                guard ids.insert(valid.id ?? "").inserted else {
                    throw ScenarioError("id", "'\(valid.id ?? "")' is already the id of an earlier scenario of the file")
                }
                checked.append(valid)
            } catch {
                throw .scenarios("\(path), scenario \(index + 1), field \(error.field): \(error.reason)")
            }
        }
        return checked
    }

    /// "field a.b: reason" for a decoding error, as the admin API words it.
    static func describe(_ error: any Error) -> String? {
        guard let decoding = error as? DecodingError else { return nil }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "field \((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type or is null"
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "" : "field \(path): ")\(context.debugDescription)"
        @unknown default:
            return nil
        }
    }
}

/// The HTTP server, known after init; read by `/metrics` for connection counts.
final class ServerBox: Sendable {
    // Protects the reference to the server: set once in init, read at scrape time.
    let server = Mutex<HTTPServer?>(nil)

    func counters() -> HTTPCounters {
        server.withLock { $0?.counters } ?? HTTPCounters()
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
