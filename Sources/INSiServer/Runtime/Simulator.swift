import Foundation
import HTTPServer
import INSiCore
import INSiSOAP
import Logging

/// A running simulator: the base, the routes and the HTTP server, started and stopped together.
public final class Simulator: Sendable {
    public let configuration: SimulatorConfiguration
    public let application: SimulatorApplication
    public let server: HTTPServer
    let logger: Logger

    /// Why the simulator could not start.
    public enum StartError: Error, CustomStringConvertible {
        case resources(String)
        case seed(SeedError)
        case contract(String)
        case listen(String)

        public var description: String {
            switch self {
            case .resources(let detail): return detail
            case .seed(let error): return "the reference base could not be loaded: \(error.description)"
            case .contract(let detail): return "the contract files could not be loaded: \(detail)"
            case .listen(let detail): return "cannot listen: \(detail)"
            }
        }
    }

    /// Loads the base and the contract files; does not listen yet.
    public init(configuration: SimulatorConfiguration, logger: Logger) throws(StartError) {
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
        let store = BaseStore(base)
        let endpoint = INSiEndpoint(store: store, authorizedIDAMs: configuration.authorizedIDAMs, logger: logger)
        var http = HTTPServerConfiguration()
        http.host = configuration.host
        http.port = configuration.port
        http.maxBodyBytes = configuration.maxBodyBytes
        if let loops = configuration.eventLoopCount { http.eventLoopCount = loops }
        let host = configuration.host
        let portBox = PortBox()
        let application = SimulatorApplication(endpoint: endpoint, contract: contract, publicURL: configuration.publicURL) {
            "http://\(host.contains(":") ? "[\(host)]" : host):\(portBox.port)"
        }
        self.application = application
        server = HTTPServer(configuration: http, logger: logger) { request, reply in
            reply.send(application.respond(to: request))
        }
        server.setErrorResponder { error, head in application.errorResponse(error, head: head) }
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
    }
}

import Synchronization

/// The bound port, known only after `start()`; read by the WSDL writer.
final class PortBox: Sendable {
    // Protects the port number: written once at start, read by any event loop afterwards.
    private let value = Mutex(0)
    var port: Int {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
