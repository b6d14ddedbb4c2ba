import Foundation
import INSiCore
import INSiSOAP

/// Requests as an editor's software writes them.
public enum Requests {
    public static func headers(idam: String = "TESTIDAM0001", messageID: String = "uuid:\(UUID().uuidString.lowercased())") -> SOAPHeaders {
        SOAPHeaders(
            messageID: messageID, action: nil,
            lps: ContexteLPS(id: UUID().uuidString, time: "2026-11-23T10:00:00Z", emitter: "810000000001", idam: idam, idamR: "4",
                             version: "1.0.0", instance: UUID().uuidString, name: "urn:lps:insi-sim-tests:1.0.0"),
            bam: ContexteBAM(id: UUID().uuidString, time: "2026-11-23T10:00:00Z", emitter: "810000000001"),
            hasSecurity: true)
    }

    public static func traits(_ name: String?, _ firstNames: [String], _ sex: String?, _ date: String?, place: String? = nil,
                       idam: String = "TESTIDAM0001", messageID: String = "uuid:\(UUID().uuidString.lowercased())") -> INSiRequest {
        INSiRequest(headers: headers(idam: idam, messageID: messageID),
                    body: .traits(TraitsSearchRequest(birthName: name, firstNames: firstNames, sex: sex, birthDate: date, birthPlace: place)))
    }

    public static func vitale(od: String, key: String?, date: String, rank: String? = nil, beneficiary: String? = nil, name: String? = nil) -> INSiRequest {
        var headers = headers()
        headers.bam?.insuredNumber = od
        headers.bam?.beneficiaryBirthDate = date
        headers.bam?.beneficiaryRank = rank
        return INSiRequest(headers: headers, body: .vitale(VitaleSearchRequest(
            beneficiary: beneficiary.map { WireMatricule(number: $0) }, ouvrantDroit: WireMatricule(number: od, key: key),
            birthName: name, birthDate: date, rank: rank)))
    }
}

/// The answer of a call, read back.
public func answer(_ response: RawHTTPClient.Response) throws -> INSiResponseReader.Answer {
    try INSiResponseReader.read(response.body, httpStatus: response.status).get()
}
