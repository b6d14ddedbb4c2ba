import ArgumentParser
import Foundation
import HTTPServer
import INSiCore
import INSiServer
import Logging

/// `insi-sim serve`: runs the simulator until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the INSi simulator (POST /lps, GET /lps?wsdl, GET /health).",
        discussion: """
        Every option can also be set through its environment variable (INSI_SIM_HOST, INSI_SIM_PORT, \
        INSI_SIM_SEED, INSI_SIM_NAME_MATCHING, INSI_SIM_AUTHORIZED_IDAM (comma-separated), INSI_SIM_RESOURCES, \
        INSI_SIM_PUBLIC_URL, INSI_SIM_LOG_LEVEL, INSI_SIM_SCENARIOS, INSI_SIM_JOURNAL, INSI_SIM_DATA_DIR, \
        INSI_SIM_ADMIN_TOKEN); an option on the command line wins.
        """
    )

    @Option(help: "Address to listen on (env INSI_SIM_HOST). Default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free port (env INSI_SIM_PORT). Default 8080.")
    var port: Int?

    @Option(help: "Reference base JSON file (env INSI_SIM_SEED). Default: Resources/seed/default-base.json.")
    var seed: String?

    @Option(name: .customLong("name-matching"), help: "Birth and first name rule: strict or relaxed (env INSI_SIM_NAME_MATCHING). Default strict.")
    var nameMatching: String?

    @Option(name: .customLong("authorized-idam"), help: "An approval number (IDAM) allowed to call; repeatable. When none is given, any is accepted (env INSI_SIM_AUTHORIZED_IDAM, comma-separated).")
    var authorizedIDAM: [String] = []

    @Option(help: "The Resources folder (env INSI_SIM_RESOURCES). Default: found from the working directory or the executable.")
    var resources: String?

    @Option(name: .customLong("public-url"), help: "Base URL written in the WSDL when clients reach the simulator through a proxy, e.g. https://insi.example:8443 (env INSI_SIM_PUBLIC_URL).")
    var publicURL: String?

    @Option(help: "Scenarios (fault injection) to load at start-up: a JSON array (env INSI_SIM_SCENARIOS).")
    var scenarios: String?

    @Option(help: "Append every call to this JSON Lines file (env INSI_SIM_JOURNAL).")
    var journal: String?

    @Option(name: .customLong("data-dir"), help: "Keep identities and scenarios changed at run time in this folder, replayed at start (env INSI_SIM_DATA_DIR).")
    var dataDir: String?

    @Option(name: .customLong("event-loops"), help: "Threads serving connections (env INSI_SIM_EVENT_LOOPS). Default: the number of cores.")
    var eventLoops: Int?

    @Option(name: .customLong("compact-after"), help: "Compact the change log of --data-dir after this many changes. Default 10000.")
    var compactAfter: Int = 10_000

    @Option(name: .customLong("admin-token"), help: "Token the admin API requires (Authorization: Bearer); mandatory beyond loopback (env INSI_SIM_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env INSI_SIM_LOG_LEVEL). Default info.")
    var logLevel: String?

    /// Checked here rather than in `run()`, so that a bad value shows `serve`'s usage, not the
    /// root command's.
    func validate() throws {
        _ = try settings()
    }

    /// The configuration: each option, else its environment variable, else the default.
    private func settings() throws -> (configuration: SimulatorConfiguration, level: Logger.Level) {
        let environment = ProcessInfo.processInfo.environment
        let settings = try EnvironmentSettings(environment)
        var configuration = SimulatorConfiguration()
        configuration.host = host ?? settings.host ?? "127.0.0.1"
        configuration.port = port ?? settings.port ?? 8080
        guard (0...65535).contains(configuration.port) else {
            throw ValidationError("--port must be between 0 and 65535, not \(configuration.port)")
        }
        configuration.seedPath = seed ?? settings.seed
        let matching = nameMatching ?? settings.nameMatching ?? "strict"
        guard let rule = NameMatching(rawValue: matching) else {
            throw ValidationError("--name-matching must be strict or relaxed, not '\(matching)'")
        }
        configuration.nameMatching = rule
        configuration.authorizedIDAMs = Set(authorizedIDAM.isEmpty ? settings.authorizedIDAMs : authorizedIDAM)
        configuration.resourcesPath = resources ?? settings.resources
        configuration.publicURL = publicURL ?? settings.publicURL
        configuration.scenariosPath = scenarios ?? settings.scenarios
        configuration.journalPath = journal ?? settings.journal
        configuration.dataDirectory = dataDir ?? settings.dataDir
        configuration.adminToken = adminToken ?? settings.adminToken
        if let loops = eventLoops ?? settings.eventLoops {
            guard (1...256).contains(loops) else { throw ValidationError("--event-loops must be between 1 and 256, not \(loops)") }
            configuration.eventLoopCount = loops
        }
        guard compactAfter >= 1 else { throw ValidationError("--compact-after must be at least 1") }
        configuration.compactionThreshold = compactAfter
        let levelName = logLevel ?? settings.logLevel ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(levelName)'")
        }
        return (configuration, level)
    }

    func run() async throws {
        let (configuration, level) = try settings()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "insi-sim")
        logger.logLevel = level

        let openFiles = ResourceLimits.raiseOpenFileLimit()
        let simulator: Simulator
        do {
            simulator = try Simulator(configuration: configuration, logger: logger)
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(2)
        }
        let boundPort: Int
        do {
            boundPort = try simulator.start()
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(2)
        }
        let endpoint = simulator.endpointURL
        logger.info("insi-sim \(SimulatorVersion.current) listening: endpoint \(endpoint), WSDL \(endpoint)?wsdl, \(simulator.application.store.count) identities loaded (\(configuration.nameMatching.rawValue) name matching)", metadata: [
            "port": "\(boundPort)", "openFileLimit": "\(openFiles)",
            "authorizedIDAM": .string(configuration.authorizedIDAMs.isEmpty ? "any" : configuration.authorizedIDAMs.sorted().joined(separator: ",")),
            "admin": .string(configuration.adminToken == nil ? "open (loopback)" : "bearer token"),
            "scenarios": "\(simulator.state.scenarios.all.count)",
            "dataDir": .string(configuration.dataDirectory ?? "none"),
        ])
        let stop = AsyncStream<Int32>.makeStream()
        let trap = SignalTrap { signal in stop.continuation.yield(signal) }
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

/// The INSI_SIM_* environment variables, checked.
struct EnvironmentSettings {
    var host: String?
    var port: Int?
    var seed: String?
    var nameMatching: String?
    var authorizedIDAMs: [String] = []
    var resources: String?
    var publicURL: String?
    var logLevel: String?
    var scenarios: String?
    var journal: String?
    var dataDir: String?
    var adminToken: String?
    var eventLoops: Int?

    init(_ environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        host = value("INSI_SIM_HOST")
        if let text = value("INSI_SIM_PORT") {
            guard let number = Int(text) else { throw ValidationError("INSI_SIM_PORT must be a number, not '\(text)'") }
            port = number
        }
        seed = value("INSI_SIM_SEED")
        nameMatching = value("INSI_SIM_NAME_MATCHING")
        authorizedIDAMs = value("INSI_SIM_AUTHORIZED_IDAM")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
        resources = value("INSI_SIM_RESOURCES")
        publicURL = value("INSI_SIM_PUBLIC_URL")
        logLevel = value("INSI_SIM_LOG_LEVEL")
        scenarios = value("INSI_SIM_SCENARIOS")
        journal = value("INSI_SIM_JOURNAL")
        dataDir = value("INSI_SIM_DATA_DIR")
        adminToken = value("INSI_SIM_ADMIN_TOKEN")
        if let text = value("INSI_SIM_EVENT_LOOPS") {
            guard let number = Int(text) else { throw ValidationError("INSI_SIM_EVENT_LOOPS must be a number, not '\(text)'") }
            eventLoops = number
        }
    }
}
