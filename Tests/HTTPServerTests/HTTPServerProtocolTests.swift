import Dispatch
import HTTPServer
import Testing
import TestSupport

/// Request/response behaviour over real TCP connections.
@Suite("HTTP/1.1 protocol")
struct HTTPServerProtocolTests {
    @Test func getAndPostEcho() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/lps?wsdl"))
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("X-Method") == "GET")
            #expect(response.header("X-Path") == "/lps")
            #expect(response.header("X-Query") == "wsdl")
            #expect(response.header("Content-Length") == "0")
            #expect(response.header("Server") == "insi-sim")
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(response.header("X-Remote")?.hasPrefix("127.0.0.1:") == true)

            try client.send(post("/soap", "<Envelope/>", "Content-Type: text/xml\r\n"))
            let echoed = try #require(client.readResponse())
            #expect(echoed.status == 200)
            #expect(echoed.header("X-Method") == "POST")
            #expect(echoed.text == "<Envelope/>")
        }
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/one"))
            let first = try #require(client.readResponse())
            try client.send(get("/two"))
            let second = try #require(client.readResponse())
            #expect(first.header("X-Path") == "/one")
            #expect(second.header("X-Path") == "/two")
            #expect(first.header("Connection") == "keep-alive")
            #expect(first.header("X-Connection-ID") == second.header("X-Connection-ID"))
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer { _, port in
            let plain = try RawHTTPClient(port: port)
            try plain.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try #require(plain.readResponse())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(plain.waitForClose())

            let keepAlive = try RawHTTPClient(port: port)
            try keepAlive.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try #require(keepAlive.readResponse()).header("Connection") == "keep-alive")
            try keepAlive.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try #require(keepAlive.readResponse()).header("X-Path") == "/b")
        }
    }

    @Test func aHandlersKeepAliveIsNotSentOnAConnectionTheServerCloses() async throws {
        let handler: HTTPHandler = { _, reply in
            var headers = HTTPHeaders()
            headers.add("Connection", "keep-alive")
            reply.send(HTTPResponse(status: 200, headers: headers, body: Array("ok".utf8)))
        }
        try await withServer(handler: handler) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test("a head longer than the encoder's room on the stack goes out whole: many fields, one longer than the room")
    func longHeadIsWrittenWhole() async throws {
        let long = String(repeating: "v", count: 3_000)
        let handler: HTTPHandler = { _, reply in
            var headers = HTTPHeaders()
            for index in 0..<40 { headers.add("X-Field-\(index)", "value \(index) " + String(repeating: "x", count: 30)) }
            headers.add("X-Long", long)
            headers.add("X-After", "last")
            reply.send(HTTPResponse(status: 200, headers: headers, body: Array("the body".utf8)))
        }
        try await withServer(handler: handler) { _, port in
            let client = try RawHTTPClient(port: port)
            for _ in 0..<2 {
                try client.send("GET /long HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try #require(client.readResponse())
                #expect(response.status == 200)
                for index in 0..<40 {
                    #expect(response.header("X-Field-\(index)") == "value \(index) " + String(repeating: "x", count: 30))
                }
                #expect(response.header("X-Long") == long)
                #expect(response.header("X-After") == "last")
                #expect(response.header("Content-Length") == "8")
                #expect(response.header("Connection") == "keep-alive")
                #expect(String(decoding: response.body, as: UTF8.self) == "the body")
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/1") + post("/2", "body-two") + get("/3"))
            let paths = (0..<3).map { _ in client.readResponse()?.header("X-Path") }
            #expect(paths == ["/1", "/2", "/3"])
        }
    }

    @Test("answers made in one batch of events are written after it, each on its own connection")
    func answersOfOneBatch() async throws {
        // The loop is held inside a handler while the other clients send: their requests are
        // then waiting when it looks again, and it answers most of them in one batch.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let handler: HTTPHandler = { request, reply in
            if request.path == "/hold" {
                entered.signal()
                _ = release.wait(timeout: .now() + 10)
            }
            TestServer.echo(request, reply)
        }
        try await withServer(TestServer.configuration { $0.eventLoopCount = 1 }, handler: handler) { _, port in
            // More than a batch keeps waiting (`maxDeferredFlushes`): some are written mid-batch.
            let clients = try (0..<40).map { _ in try RawHTTPClient(port: port) }
            let holder = try RawHTTPClient(port: port)
            try holder.send(get("/hold"))
            #expect(entered.wait(timeout: .now() + 10) == .success)
            // Released whatever happens below: the server has a single loop.
            var released = false
            defer { if !released { release.signal() } }
            let patience = Duration.seconds(5)
            for (index, client) in clients.enumerated() {
                switch index % 3 {
                case 0: try client.send(post("/one/\(index)", "body-\(index)"))
                case 1: try client.send(get("/first/\(index)") + post("/second/\(index)", "second-\(index)"))
                default: try client.send(get("/last/\(index)", "Connection: close\r\n"))
                }
            }
            release.signal()
            released = true
            #expect(holder.readResponse(timeout: patience)?.header("X-Path") == "/hold")
            for (index, client) in clients.enumerated() {
                switch index % 3 {
                case 0:
                    #expect(client.readResponse(timeout: patience)?.text == "body-\(index)")
                case 1:
                    #expect(client.readResponse(timeout: patience)?.header("X-Path") == "/first/\(index)")
                    #expect(client.readResponse(timeout: patience)?.text == "second-\(index)")
                default:
                    let answer = client.readResponse(timeout: patience)
                    #expect(answer?.header("X-Path") == "/last/\(index)")
                    #expect(answer?.header("Connection") == "close")
                    #expect(client.waitForClose(timeout: patience))
                }
            }
        }
    }

    @Test func deferredReplyKeepsPipelinedOrder() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            // The first answer comes 150 ms later from another thread; the second is immediate.
            try client.send(get("/defer?ms=150") + get("/fast"))
            let first = try #require(client.readResponse())
            let second = try #require(client.readResponse())
            #expect(first.header("X-Path") == "/defer")
            #expect(second.header("X-Path") == "/fast")
        }
    }

    @Test func chunkedRequestBody() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.text == "Wikipedia in\r\n\r\nchunks.")
            // The connection is still usable: the trailers were consumed.
            try client.send(get("/after"))
            #expect(client.readResponse()?.header("X-Path") == "/after")
        }
    }

    @Test func expectContinue() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(client.readResponse())
            #expect(interim.status == 100)
            try client.send("hello")
            let final = try #require(client.readResponse())
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test func expectContinueWithOversizedBodyGets413() async throws {
        try await withServer(TestServer.configuration { $0.limits.maxBodyBytes = 1000 }) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/bye", "Connection: close\r\n"))
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func headGetsContentLengthWithoutBody() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("HEAD /page HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody")
            let response = try #require(client.readResponse(isHEAD: true))
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "4")
            // Had a body been sent, it would be read as the start of the next response.
            try client.send(get("/next"))
            let next = try #require(client.readResponse())
            #expect(next.header("X-Path") == "/next")
        }
    }

    @Test func headerNamesAreCaseInsensitive() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /ci HTTP/1.1\r\nhOsT: h\r\nX-TEST: Value\r\ncontent-LENGTH: 2\r\n\r\nok")
            let response = try #require(client.readResponse())
            #expect(response.header("X-Echo") == "Value")
            #expect(response.text == "ok")
        }
    }

    @Test func rawAndCloseActions() async throws {
        try await withServer { _, port in
            let raw = try RawHTTPClient(port: port)
            try raw.send(get("/raw"))
            let bytes = try #require(raw.readUntilClosed())
            #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntruncated")

            let closing = try RawHTTPClient(port: port)
            try closing.send(get("/close"))
            #expect(closing.readUntilClosed() == [])
        }
    }

    @Test func secondReplyIsIgnored() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/twice") + get("/after"))
            #expect(client.readResponse()?.status == 200)
            let next = try #require(client.readResponse())
            #expect(next.status == 200)
            #expect(next.header("X-Path") == "/after")
        }
    }

    @Test func halfClosedClientStillGetsItsAnswers() async throws {
        try await withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(get("/a") + get("/b"))
            client.shutdownWrite()
            #expect(client.readResponse()?.header("X-Path") == "/a")
            #expect(client.readResponse()?.header("X-Path") == "/b")
            #expect(client.waitForClose())
        }
    }

    @Test func errorResponderShapesErrorBodies() async throws {
        struct FaultResponder: HTTPResponder {
            func respond(to request: HTTPRequest, reply: HTTPReply) { TestServer.echo(request, reply) }
            func response(for error: HTTPServerError, head: HTTPRequestHead?) -> HTTPResponse {
                HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/xml")]),
                             body: Array("<fault status='\(error.status)' path='\(head?.path ?? "-")'/>".utf8))
            }
        }
        let server = HTTPServer(configuration: TestServer.configuration { $0.limits.maxBodyBytes = 10 },
                                logger: TestServer.logger, responder: FaultResponder())
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        try client.send("POST /soap HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 413)
        #expect(response.text == "<fault status='413' path='/soap'/>")
        await server.shutdown()
    }
}
