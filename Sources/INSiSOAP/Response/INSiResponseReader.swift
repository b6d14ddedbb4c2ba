/// Reads an answer of INSi (or of anything that claims to be it): a `RESULTAT` or a fault.
public enum INSiResponseReader {
    public enum Answer: Sendable, Equatable {
        case result(INSiResult)
        case fault(INSiFault)
    }

    /// Why an answer could not be read.
    public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        case xml(XMLReadError)
        case notSOAP(String)
        case missing(String)

        public var description: String {
            switch self {
            case .xml(let error): return "the answer is not readable XML: \(error.description)"
            case .notSOAP(let detail): return "the answer is not a SOAP 1.2 envelope: \(detail)"
            case .missing(let what): return "the answer lacks \(what)"
            }
        }
    }

    public static func read(_ bytes: [UInt8], httpStatus: Int = 200, engine: XMLReadEngine = .libxml2) -> Result<Answer, ReadError> {
        // An answer may be larger than a request (a long history), but not unbounded.
        let limits = XMLSafetyLimits(maxBytes: 8 << 20, maxDepth: 32, maxElements: 20_000, maxTextBytes: 256 * 1024)
        let root: XMLTreeElement
        switch SafeXMLReader.read(bytes, limits: limits, engine: engine) {
        case .success(let element): root = element
        case .failure(let error): return .failure(.xml(error))
        }
        let soap = INSiNamespace.soap12
        guard root.name == "Envelope", root.namespace == soap else {
            return .failure(.notSOAP("root element {\(root.namespace)}\(root.name)"))
        }
        guard let body = root.child("Body", soap) else { return .failure(.missing("soap:Body")) }
        if let fault = body.child("Fault", soap) {
            return .success(.fault(readFault(fault, httpStatus: httpStatus)))
        }
        let ns = INSiNamespace.resultat
        guard let resultat = body.child("RESULTAT", ns) else { return .failure(.missing("RESULTAT in soap:Body")) }
        guard let cr = resultat.child("CR", ns), let code = cr.value(of: "CodeCR", ns) else { return .failure(.missing("CR/CodeCR")) }
        let label = cr.value(of: "LibelleCR", ns) ?? ""
        var individual: WireIndividual?
        if let element = resultat.child("INDIVIDU", ns) {
            guard let activeElement = element.child("INSACTIF", ns), let active = readINS(activeElement) else {
                return .failure(.missing("INDIVIDU/INSACTIF with IdIndividu/NumIdentifiant and OID"))
            }
            var history: [WireINS] = []
            for past in element.children("INSHISTO", ns) {
                guard let ins = readINS(past) else { return .failure(.missing("INSHISTO with IdIndividu/NumIdentifiant and OID")) }
                history.append(ins)
            }
            let tiq = element.child("TIQ", ns)
            let traits = WireTraits(
                birthName: tiq?.value(of: "NomNaissance", ns), firstName: tiq?.value(of: "Prenom", ns),
                firstNameList: tiq?.value(of: "ListePrenom", ns), sex: tiq?.value(of: "Sexe", ns),
                birthDate: tiq?.value(of: "DateNaissance", ns), birthPlace: tiq?.value(of: "LieuNaissance", ns))
            individual = WireIndividual(active: active, history: history, traits: traits)
        }
        return .success(.result(INSiResult(code: code, label: label, individual: individual)))
    }

    private static func readINS(_ element: XMLTreeElement) -> WireINS? {
        let ns = INSiNamespace.resultat
        guard let id = element.child("IdIndividu", ns), let number = id.value(of: "NumIdentifiant", ns),
              let oid = element.value(of: "OID", ns) else { return nil }
        return WireINS(matricule: number, key: id.value(of: "Cle", ns), oid: oid,
                       dateStart: element.value(of: "DateDeb", ns), dateEnd: element.value(of: "DateFin", ns))
    }

    private static func readFault(_ fault: XMLTreeElement, httpStatus: Int) -> INSiFault {
        let soap = INSiNamespace.soap12
        func localPart(_ qname: String?) -> String? {
            guard let qname else { return nil }
            return qname.split(separator: ":").last.map(String.init)
        }
        let codeElement = fault.child("Code", soap)
        let code = localPart(codeElement?.value(of: "Value", soap)).flatMap(INSiFault.Code.init(rawValue:)) ?? .receiver
        let subcode = localPart(codeElement?.child("Subcode", soap)?.value(of: "Value", soap))
        let reason = fault.child("Reason", soap)?.value(of: "Text", soap) ?? ""
        let erreur = fault.child("Detail", soap)?.child("Erreur", INSiNamespace.siram)
        let severity = erreur?.attributes["severite"].flatMap(INSiFault.Severity.init(rawValue:)) ?? .erreur
        return INSiFault(code: code, subcode: subcode, reason: reason, detailCode: erreur?.attributes["code"],
                         messageID: erreur?.attributes["messageID"], severity: severity, detailText: erreur?.value,
                         httpStatus: httpStatus)
    }
}
