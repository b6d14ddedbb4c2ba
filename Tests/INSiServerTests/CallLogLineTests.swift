@testable import INSiServer
import Logging
import Testing

/// The call's log line, written straight through the server's handler (the endpoint's fast
/// path) or through swift-log's `Logger.info`: the same bytes either way.
@Suite("call log line")
struct CallLogLineTests {
    static func record(code: String, fault: String?, messageID: String?, operation: String?, milliseconds: Double) -> CallRecord {
        CallRecord(time: 1_795_423_255, operation: operation, messageID: messageID, idam: nil, emitter: nil, software: nil,
                   traits: [:], code: code, fault: fault, reason: "", matricule: nil, scenario: nil,
                   milliseconds: milliseconds, remoteAddress: nil)
    }

    static let records = [
        record(code: "00", fault: nil, messageID: "uuid-1", operation: "rechercherInsAvecTraitsIdentite", milliseconds: 0.42),
        record(code: "fault", fault: "siram_100/desir_550", messageID: nil, operation: nil, milliseconds: 12.345),
        record(code: "02", fault: nil, messageID: "é \"quoted\"", operation: "rechercherInsAvecCarteVitale", milliseconds: 1234.5),
    ]

    /// The lines `log` writes for `records`, through the handler directly or through `Logger.info`.
    static func lines(direct: Bool, format: LogFormat, handlerMetadata: Bool = false, level: Logger.Level = .info) throws -> String {
        var (pipe, sink, logger) = try LogHandlerTests.sink(format)
        defer { sink.shutdown() }
        logger.logLevel = level
        if handlerMetadata { logger[metadataKey: "event-loop"] = "1" }
        let handler = logger.handler as? ServerLogHandler
        #expect(handler != nil)
        for record in records {
            INSiEndpoint.log(record, logger, handler: direct ? handler : nil)
        }
        sink.flush()
        return pipe.readAvailable()
    }

    @Test("the direct line is Logger.info's, in both formats", arguments: [LogFormat.text, .json])
    func sameLine(format: LogFormat) throws {
        let direct = try Self.lines(direct: true, format: format)
        #expect(direct.split(separator: "\n").count == Self.records.count)
        #expect(direct == (try Self.lines(direct: false, format: format)))
    }

    @Test("with metadata on the handler, the direct line still carries it")
    func handlerMetadata() throws {
        let direct = try Self.lines(direct: true, format: .text, handlerMetadata: true)
        #expect(direct.split(separator: "\n").allSatisfy { $0.contains(" event-loop=1 ") })
        #expect(direct == (try Self.lines(direct: false, format: .text, handlerMetadata: true)))
    }

    @Test("above info, no call line")
    func quietAboveInfo() throws {
        #expect(try Self.lines(direct: true, format: .text, level: .warning) == "")
    }
}
