/// What ``INSiRequestReader`` needs of an envelope, however it was read: from libxml2's events
/// (``INSiRequestEventReader``, the default) or from a tree (``init(tree:)``, the FoundationXML
/// engine). The checks on it are made once, in the request reader.
struct EnvelopeParts: Equatable {
    var rootName = ""
    var rootNamespace = ""
    var hasHeader = false
    var headers = SOAPHeaders()
    var hasBody = false
    /// Elements directly in the (first) `soap:Body`.
    var bodyChildCount = 0
    /// The first of them.
    var payloadName = ""
    var payloadNamespace = ""
    /// Its fields, when it is `RECSANSVITALE` or `RECVITALE` in their namespaces.
    var traits: TraitsSearchRequest?
    var vitale: VitaleSearchRequest?

    init() {}

    /// The headers, moved out (left empty).
    mutating func takeHeaders() -> SOAPHeaders {
        var taken = SOAPHeaders()
        swap(&taken, &headers)
        return taken
    }

    init(tree root: XMLTreeElement) {
        rootName = root.name
        rootNamespace = root.namespace
        guard root.name == "Envelope" && root.namespace == INSiNamespace.soap12 else { return }
        if let header = root.child("Header", INSiNamespace.soap12) {
            hasHeader = true
            headers = Self.headers(header)
        }
        guard let body = root.child("Body", INSiNamespace.soap12) else { return }
        hasBody = true
        bodyChildCount = body.children.count
        guard let payload = body.children.first else { return }
        payloadName = payload.name
        payloadNamespace = payload.namespace
        switch INSiOperation(bodyNamespace: payload.namespace, name: payload.name) {
        case .traitsSearch?:
            let ns = INSiNamespace.recSans
            traits = TraitsSearchRequest(
                birthName: payload.value(of: "NomNaissance", ns),
                firstNames: payload.children("Prenom", ns).map(\.value),
                sex: payload.value(of: "Sexe", ns),
                birthDate: payload.value(of: "DateNaissance", ns),
                birthPlace: payload.value(of: "LieuNaissance", ns))
        case .vitaleSearch?:
            let ns = INSiNamespace.recVit
            func matricule(_ name: String) -> WireMatricule? {
                guard let element = payload.child(name, ns) else { return nil }
                return WireMatricule(number: element.value(of: "NumIdentifiant", ns), key: element.value(of: "Cle", ns),
                                     type: element.value(of: "TypeMatricule", ns))
            }
            vitale = VitaleSearchRequest(
                beneficiary: matricule("MatriculeIndividu"), ouvrantDroit: matricule("MatriculeOD"),
                birthName: payload.value(of: "NomNaissance", ns), birthDate: payload.value(of: "DateNaissance", ns),
                rank: payload.value(of: "RangNaissance", ns))
        case nil:
            break
        }
    }

    private static func headers(_ header: XMLTreeElement) -> SOAPHeaders {
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
            if let assertion = security.children.first(where: { $0.name == "Assertion" }) {
                let saml = INSiNamespace.saml2
                result.samlAssertion = SAMLAssertionHeader(
                    namespace: assertion.namespace, id: assertion.attributes["ID"], version: assertion.attributes["Version"],
                    issueInstant: assertion.attributes["IssueInstant"], issuer: assertion.value(of: "Issuer", saml),
                    hasSubject: assertion.child("Subject", saml) != nil,
                    hasSignature: assertion.child("Signature", INSiNamespace.xmldsig) != nil)
            }
        }
        return result
    }
}
