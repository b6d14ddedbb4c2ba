import HTTPServer
import Testing
import TestSupport

/// Where new connections go: to the event loop holding the fewest, whichever loop accepted them.
@Suite("Connections spread over the loops")
struct HTTPServerLoopBalanceTests {
    /// Idle loops wait on the listener in a fixed order, and the kernel wakes the first one
    /// waiting: without the hand-over, connections made one after the other all stay on it.
    @Test func connectionsMadeOneAfterTheOtherAlternate() async throws {
        try await withServer { server, port in
            var clients: [RawHTTPClient] = []
            for index in 0..<8 {
                clients.append(try answeredConnection(port: port, "/\(index)"))
                let held = server.connectionsByLoop
                #expect(held.reduce(0, +) == index + 1)
                let spread = try #require(held.max()) - (try #require(held.min()))
                #expect(spread <= 1, "after \(index + 1) connections: \(held)")
            }
            #expect(server.connectionsByLoop == [4, 4])
        }
    }

    @Test func newConnectionsGoToTheLoopThatLostSome() async throws {
        try await withServer { server, port in
            var clients: [RawHTTPClient] = []
            for index in 0..<8 {
                clients.append(try answeredConnection(port: port, "/\(index)"))
            }
            // Every other one: the connections alternate between the loops, so these are likely
            // all on one of them. Whatever the split left, four new ones must even it out.
            for index in [6, 4, 2, 0] { clients.remove(at: index) }
            try await settle("closes seen (open: \(server.openConnections))") { server.openConnections == 4 }
            for index in 0..<4 {
                clients.append(try answeredConnection(port: port, "/new\(index)"))
            }
            #expect(server.connectionsByLoop == [4, 4])
            // The connections handed over serve like any other.
            for client in clients {
                try client.send(get("/again"))
                #expect(client.readResponse()?.header("X-Path") == "/again")
            }
        }
    }

    /// A client opening its pool at once: the loop that wakes finds several connections waiting.
    @Test func connectionsOpenedTogetherAreSpread() async throws {
        try await withServer { server, port in
            var clients: [RawHTTPClient] = []
            for _ in 0..<16 {
                clients.append(try RawHTTPClient(port: port))
            }
            for (index, client) in clients.enumerated() {
                try client.send(get("/\(index)"))
            }
            for client in clients {
                #expect(client.readResponse()?.status == 200)
            }
            let held = server.connectionsByLoop
            #expect(held.reduce(0, +) == 16)
            // Two loops accepting at the same moment may each count the other's connection late.
            let spread = try #require(held.max()) - (try #require(held.min()))
            #expect(spread <= 2, "\(held)")
        }
    }

    @Test func oneLoopKeepsEverything() async throws {
        try await withServer(TestServer.configuration { $0.eventLoopCount = 1 }) { server, port in
            // Both held open while the count is read.
            let connections = [try answeredConnection(port: port, "/"), try answeredConnection(port: port, "/")]
            withExtendedLifetime(connections) {
                #expect(server.connectionsByLoop == [2])
            }
        }
    }
}
