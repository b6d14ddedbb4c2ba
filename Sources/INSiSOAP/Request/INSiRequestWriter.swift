/// Writes INSi requests the way the real service expects them: every header of the contract
/// (`wsse:Security`, `ContexteBAM`, `ContexteLPS`, `wsa:Action`, `wsa:MessageID`) then the body.
public enum INSiRequestWriter {
    /// The Content-Type of a request, carrying the SOAP 1.2 action.
    public static func contentType(for operation: INSiOperation) -> String {
        "application/soap+xml; charset=utf-8; action=\"\(operation.action)\""
    }

    /// - Parameter cardAssertion: a CPx card's signed SAML assertion (the CPx endpoint): it goes
    ///   into `wsse:Security` as is, and the body then carries `Id="_0"` as CPx callers send it.
    ///   Without one, `wsse:Security` is empty, as mTLS callers send it.
    public static func write(_ request: INSiRequest, cardAssertion: [UInt8]? = nil) -> [UInt8] {
        let headers = request.headers
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"#
        xml += #"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing""#
        xml += #" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd""#
        xml += #" xmlns:ctxbam="urn:siram:bam:ctxbam" xmlns:ctxlps="urn:siram:lps:ctxlps""#
        xml += #" xmlns:rec="http://www.cnamts.fr/INSiRecSans" xmlns:vit="http://www.cnamts.fr/INSiRecVit">"#
        if let cardAssertion {
            xml += "<soap:Header><wsse:Security>" + String(decoding: cardAssertion, as: UTF8.self) + "</wsse:Security>"
        } else {
            xml += "<soap:Header><wsse:Security/>"
        }
        if let bam = headers.bam {
            xml += "<ctxbam:ContexteBAM Version=\"01_02\">"
            xml += element("ctxbam:Id", bam.id) + element("ctxbam:Temps", bam.time) + element("ctxbam:Emetteur", bam.emitter)
            xml += "<ctxbam:COUVERTURE>"
            if let number = bam.insuredNumber {
                xml += "<ctxbam:ASSURE><ctxbam:Id>\(element("ctxbam:Num", number))</ctxbam:Id></ctxbam:ASSURE>"
            }
            if bam.beneficiaryBirthDate != nil || bam.beneficiaryRank != nil {
                xml += "<ctxbam:BENEFICIAIRE>" + element("ctxbam:DateNai", bam.beneficiaryBirthDate)
                    + element("ctxbam:Rang", bam.beneficiaryRank) + "</ctxbam:BENEFICIAIRE>"
            }
            xml += "</ctxbam:COUVERTURE></ctxbam:ContexteBAM>"
        }
        if let lps = headers.lps {
            xml += "<ctxlps:ContexteLPS Nature=\"CTXLPS\" Version=\"01_00\">"
            xml += element("ctxlps:Id", lps.id) + element("ctxlps:Temps", lps.time) + element("ctxlps:Emetteur", lps.emitter)
            xml += "<ctxlps:LPS>"
            if let idam = lps.idam {
                xml += "<ctxlps:IDAM R=\"\(XMLEscaping.escape(lps.idamR ?? "4", for: .attribute))\">\(XMLEscaping.escape(idam))</ctxlps:IDAM>"
            }
            xml += element("ctxlps:Version", lps.version) + element("ctxlps:Instance", lps.instance) + element("ctxlps:Nom", lps.name)
            xml += "</ctxlps:LPS></ctxlps:ContexteLPS>"
        }
        xml += element("wsa:Action", headers.action ?? request.operation.action)
        xml += element("wsa:MessageID", headers.messageID)
        xml += cardAssertion == nil ? "</soap:Header><soap:Body>" : "</soap:Header><soap:Body Id=\"_0\">"
        switch request.body {
        case .traits(let traits):
            xml += "<rec:RECSANSVITALE>" + element("rec:NomNaissance", traits.birthName)
            for name in traits.firstNames { xml += element("rec:Prenom", name) }
            xml += element("rec:Sexe", traits.sex) + element("rec:DateNaissance", traits.birthDate)
                + element("rec:LieuNaissance", traits.birthPlace) + "</rec:RECSANSVITALE>"
        case .vitale(let vitale):
            xml += "<vit:RECVITALE>"
            xml += matricule("vit:MatriculeIndividu", vitale.beneficiary) + matricule("vit:MatriculeOD", vitale.ouvrantDroit)
            xml += element("vit:NomNaissance", vitale.birthName) + element("vit:DateNaissance", vitale.birthDate)
                + element("vit:RangNaissance", vitale.rank) + "</vit:RECVITALE>"
        }
        xml += "</soap:Body></soap:Envelope>"
        return Array(xml.utf8)
    }

    private static func element(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return "<\(name)>\(XMLEscaping.escape(value))</\(name)>"
    }

    private static func matricule(_ name: String, _ value: WireMatricule?) -> String {
        guard let value else { return "" }
        return "<\(name)>" + element("vit:NumIdentifiant", value.number) + element("vit:Cle", value.key)
            + element("vit:TypeMatricule", value.type) + "</\(name)>"
    }
}
