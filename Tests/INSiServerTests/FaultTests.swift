#if canImport(Glibc)
import Glibc
#endif
import Foundation
import INSiCore
import INSiSOAP
import Testing
import TestSupport

@Suite("Faults over TCP")
struct FaultTests {
    func fault(_ response: RawHTTPClient.Response) throws -> INSiFault {
        guard case .fault(let fault) = try answer(response) else {
            throw TestFailure("expected a fault, got \(response.status) \(response.text)")
        }
        return fault
    }

    @Test("unknown approval number: exactly the recorded siram_100/desir_550, messageID echoed")
    func unknownIDAM() async throws {
        try await withTestSimulator(TestSimulator(authorizedIDAMs: ["TESTIDAM0001"])) { server in
            let response = try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26", idam: "OTHER", messageID: "uuid:42"))
            #expect(response.status == 500)
            let fault = try fault(response)
            #expect(fault == INSiFault.unknownApprovalNumber(messageID: "uuid:42").with(httpStatus: 500))
            // The authorised one is served.
            let ok = try await server.call(Requests.traits("ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26"))
            #expect(ok.status == 200)
        }
    }

    @Test("each invalid trait has its own code and names the field", arguments: [
        (Requests.traits(nil, ["A"], "M", "2000-01-01"), "insisim_921", "NomNaissance"),
        (Requests.traits("A", [], "M", "2000-01-01"), "insisim_922", "Prenom"),
        (Requests.traits("A", ["B"], nil, "2000-01-01"), "insisim_923", "Sexe"),
        (Requests.traits("A", ["B"], "X", "2000-01-01"), "insisim_923", "Sexe"),
        (Requests.traits("A", ["B"], "M", nil), "insisim_924", "DateNaissance"),
        (Requests.traits("A", ["B"], "M", "2000-02-30"), "insisim_924", "DateNaissance"),
        (Requests.traits("A", ["B"], "M", "2000-01-01", place: "750"), "insisim_925", "LieuNaissance"),
        (Requests.vitale(od: "16001", key: nil, date: "1997-02-26"), "insisim_926", "MatriculeOD"),
        (Requests.vitale(od: "160012B020777", key: "1X", date: "1997-02-26"), "insisim_927", "MatriculeOD/Cle"),
        (Requests.vitale(od: "160012B020777", key: nil, date: "1997-02-26", beneficiary: "12"), "insisim_928", "MatriculeIndividu"),
        (Requests.vitale(od: "160012B020777", key: nil, date: "1997-02-26", rank: "zero"), "insisim_930", "RangNaissance"),
        (Requests.vitale(od: "160012B020777", key: nil, date: ""), "insisim_924", "DateNaissance"),
    ])
    func invalidInput(request: INSiRequest, code: String, field: String) async throws {
        try await withTestSimulator { server in
            let response = try await server.call(request)
            #expect(response.status == 500)
            let fault = try fault(response)
            #expect(fault.code == .sender)
            #expect(fault.subcode == "siram_920")
            #expect(fault.detailCode == code)
            #expect(fault.reason.contains(field))
            #expect(fault.messageID == request.headers.messageID)
        }
    }

    @Test("envelope problems: not well-formed, SOAP 1.1, unknown and inconsistent actions")
    func envelopes() async throws {
        try await withTestSimulator { server in
            let soapType = ("Content-Type", "application/soap+xml; charset=utf-8")
            let broken = try fault(await server.post("/lps", body: Array("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>".utf8), headers: [soapType]))
            #expect(broken.detailCode == "insisim_901")
            #expect(broken.subcode == "siram_900")
            let soap11 = String(decoding: INSiRequestWriter.write(Requests.traits("A", ["B"], "M", "2000-01-01")), as: UTF8.self)
                .replacingOccurrences(of: INSiNamespace.soap12, with: INSiNamespace.soap11)
            // SOAP 1.2 Part 1, Appendix A: a SOAP 1.1 request gets a SOAP 1.1 VersionMismatch fault
            // whose Upgrade header block names the SOAP 1.2 envelope.
            let mismatch = try await server.post("/lps", body: Array(soap11.utf8), headers: [("Content-Type", "text/xml; charset=utf-8")])
            #expect(mismatch.status == 500)
            #expect(mismatch.header("Content-Type") == "text/xml; charset=utf-8")
            let envelope = try SafeXMLReader.read(mismatch.body).get()
            #expect(envelope.namespace == INSiNamespace.soap11)
            let supported = envelope.child("Header", INSiNamespace.soap11)?.child("Upgrade", INSiNamespace.soap12)?
                .child("SupportedEnvelope", INSiNamespace.soap12)
            #expect(supported?.attributes["qname"] == "soap12:Envelope" && mismatch.text.contains(#"xmlns:soap12="\#(INSiNamespace.soap12)""#))
            let soap11Fault = envelope.child("Body", INSiNamespace.soap11)?.child("Fault", INSiNamespace.soap11)
            #expect(soap11Fault?.value(of: "faultcode", "") == "soap:VersionMismatch")
            #expect(soap11Fault?.value(of: "faultstring", "")?.hasPrefix("Version SOAP non supportée") == true)
            // Any other envelope namespace: a SOAP 1.2 VersionMismatch, with the same Upgrade block.
            let other = soap11.replacingOccurrences(of: INSiNamespace.soap11, with: "urn:not-soap")
            let otherMismatch = try fault(await server.post("/lps", body: Array(other.utf8), headers: [soapType]))
            #expect(otherMismatch.code == .versionMismatch)
            let traits = INSiRequestWriter.write(Requests.traits("A", ["B"], "M", "2000-01-01"))
            let unknown = try fault(await server.post("/lps", body: traits, headers: [("Content-Type", "application/soap+xml; action=\"urn:nope\"")]))
            #expect(unknown.detailCode == "insisim_911")
            let inconsistent = try fault(await server.post("/lps", body: traits, headers: [("Content-Type", INSiRequestWriter.contentType(for: .vitaleSearch))]))
            #expect(inconsistent.detailCode == "insisim_912")
            #expect(inconsistent.messageID != nil)
        }
    }

    @Test("XXE cannot read a file")
    func xxe() async throws {
        try await withTestSimulator { server in
            let body = """
            <?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
            <soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>\
            <r:RECSANSVITALE xmlns:r="http://www.cnamts.fr/INSiRecSans"><r:NomNaissance>&x;</r:NomNaissance></r:RECSANSVITALE></soap:Body></soap:Envelope>
            """
            let response = try await server.post("/lps", body: Array(body.utf8))
            #expect(response.status == 500)
            #expect(try fault(response).detailCode == "insisim_902")
            #expect(!response.text.contains("root:"))
        }
    }

    @Test("billion laughs is refused before parsing")
    func billionLaughs() async throws {
        try await withTestSimulator { server in
            var entities = #"<!ENTITY a0 "ha">"#
            for level in 1...12 { entities += "<!ENTITY a\(level) \"" + String(repeating: "&a\(level - 1);", count: 10) + "\">" }
            let body = "<?xml version=\"1.0\"?><!DOCTYPE e [\(entities)]><e>&a12;</e>"
            let response = try await server.post("/lps", body: Array(body.utf8))
            // Refused by the byte screen (a DOCTYPE), before any parser could expand an entity.
            #expect(try fault(response).detailCode == "insisim_902")
        }
    }

    @Test("10,000-deep nesting is refused")
    func deepNesting() async throws {
        try await withTestSimulator { server in
            let open = String(repeating: "<a>", count: 10_000)
            let body = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>\(open)\(String(repeating: "</a>", count: 10_000))</soap:Body></soap:Envelope>"
            let response = try await server.post("/lps", body: Array(body.utf8))
            #expect(try fault(response).detailCode == "insisim_903")
        }
    }

    @Test("a 50 MiB body gets a 413 SOAP fault without the server growing")
    func hugeBody() async throws {
        try await withTestSimulator { server in
            let before = residentBytes()
            let client = try server.client()
            let size = 50 << 20
            try client.send("POST /lps HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: \(size)\r\n\r\n")
            // Send the body from another thread while this one reads: the answer comes before the body ends.
            let fd = client.fd
            let sender = Thread {
                let chunk = [UInt8](repeating: UInt8(ascii: "<"), count: 1 << 20)
                for _ in 0..<50 { if !RawHTTPClient.sendAll(fd: fd, chunk) { break } }
            }
            sender.start()
            let response = try client.response()
            #expect(response.status == 413)
            #expect(try fault(response).detailCode == "insisim_904")
            #expect(residentBytes() - before < 30 << 20)
        }
    }

    /// Resident set size of this process (the server runs in it).
    func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}

extension INSiFault {
    func with(httpStatus: Int) -> INSiFault {
        var copy = self
        copy.httpStatus = httpStatus
        return copy
    }
}
