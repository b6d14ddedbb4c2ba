/// Reads an INSi request from the bytes of an HTTP body: envelope, headers, operation and body.
///
/// The operation comes from the SOAP 1.2 `action` of the Content-Type, else the `wsa:Action`
/// header, else the body element; when several are present they must agree.
public enum INSiRequestReader {
    public static func read(_ bytes: [UInt8], contentType: String?, limits: XMLSafetyLimits = XMLSafetyLimits(),
                            engine: XMLReadEngine = .libxml2) -> Result<INSiRequest, INSiFault> {
        let root: XMLTreeElement
        switch SafeXMLReader.read(bytes, limits: limits, engine: engine) {
        case .success(let element): root = element
        case .failure(let error): return .failure(.unreadableXML(error))
        }
        guard root.name == "Envelope" else {
            return .failure(.notSOAP("the root element is {\(root.namespace)}\(root.name), not a SOAP Envelope"))
        }
        guard root.namespace == INSiNamespace.soap12 else {
            return .failure(.versionMismatch(found: root.namespace.isEmpty ? "(none)" : root.namespace))
        }
        let headers = readHeaders(root.child("Header", INSiNamespace.soap12))
        let messageID = headers.messageID
        guard let body = root.child("Body", INSiNamespace.soap12) else {
            return .failure(.notSOAP("the envelope has no soap:Body", messageID: messageID))
        }
        guard body.children.count == 1, let payload = body.children.first else {
            return .failure(.notSOAP("soap:Body must hold exactly one element, it holds \(body.children.count)", messageID: messageID))
        }
        guard let operation = INSiOperation(bodyNamespace: payload.namespace, name: payload.name) else {
            return .failure(.unknownBodyElement(payload.name, namespace: payload.namespace, messageID: messageID))
        }
        let httpAction = contentType.flatMap { ContentType.parameter("action", in: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        for (action, source) in [(httpAction, "the Content-Type action parameter"), (headers.action, "wsa:Action")] {
            guard let action else { continue }
            guard let named = INSiOperation(action: action) else {
                return .failure(.unknownAction(action, source: source, messageID: messageID))
            }
            guard named == operation else {
                return .failure(.inconsistentAction(
                    "\(source) names \(named.rawValue) but the body is \(payload.name) (\(operation.rawValue))", messageID: messageID))
            }
        }
        switch operation {
        case .traitsSearch:
            let ns = INSiNamespace.recSans
            let request = TraitsSearchRequest(
                birthName: payload.value(of: "NomNaissance", ns),
                firstNames: payload.children("Prenom", ns).map(\.value),
                sex: payload.value(of: "Sexe", ns),
                birthDate: payload.value(of: "DateNaissance", ns),
                birthPlace: payload.value(of: "LieuNaissance", ns))
            return .success(INSiRequest(headers: headers, body: .traits(request)))
        case .vitaleSearch:
            let ns = INSiNamespace.recVit
            func matricule(_ name: String) -> WireMatricule? {
                guard let element = payload.child(name, ns) else { return nil }
                return WireMatricule(number: element.value(of: "NumIdentifiant", ns), key: element.value(of: "Cle", ns),
                                     type: element.value(of: "TypeMatricule", ns))
            }
            let request = VitaleSearchRequest(
                beneficiary: matricule("MatriculeIndividu"), ouvrantDroit: matricule("MatriculeOD"),
                birthName: payload.value(of: "NomNaissance", ns), birthDate: payload.value(of: "DateNaissance", ns),
                rank: payload.value(of: "RangNaissance", ns))
            return .success(INSiRequest(headers: headers, body: .vitale(request)))
        }
    }

    static func readHeaders(_ header: XMLTreeElement?) -> SOAPHeaders {
        guard let header else { return SOAPHeaders() }
        var result = SOAPHeaders()
        result.messageID = header.value(of: "MessageID", INSiNamespace.wsa)
        result.action = header.value(of: "Action", INSiNamespace.wsa)
        if let lps = header.child("ContexteLPS", INSiNamespace.ctxlps) {
            let ns = INSiNamespace.ctxlps
            let software = lps.child("LPS", ns)
            result.lps = ContexteLPS(
                id: lps.value(of: "Id", ns), time: lps.value(of: "Temps", ns), emitter: lps.value(of: "Emetteur", ns),
                idam: software?.value(of: "IDAM", ns), idamR: software?.child("IDAM", ns)?.attributes["R"],
                version: software?.value(of: "Version", ns), instance: software?.value(of: "Instance", ns),
                name: software?.value(of: "Nom", ns))
        }
        if let bam = header.child("ContexteBAM", INSiNamespace.ctxbam) {
            let ns = INSiNamespace.ctxbam
            let coverage = bam.child("COUVERTURE", ns)
            result.bam = ContexteBAM(
                id: bam.value(of: "Id", ns), time: bam.value(of: "Temps", ns), emitter: bam.value(of: "Emetteur", ns),
                insuredNumber: coverage?.child("ASSURE", ns)?.child("Id", ns)?.value(of: "Num", ns),
                beneficiaryBirthDate: coverage?.child("BENEFICIAIRE", ns)?.value(of: "DateNai", ns),
                beneficiaryRank: coverage?.child("BENEFICIAIRE", ns)?.value(of: "Rang", ns))
        }
        if let security = header.child("Security", INSiNamespace.wsse) {
            result.hasSecurity = true
            result.hasSAMLAssertion = security.children.contains { $0.name == "Assertion" }
        }
        return result
    }
}
