import INSiCore

/// Writes answers byte for byte as the real service does (the recordings of the qualification
/// environment): the XML declaration and a newline, then, for 00 and 02, `env:Body` declaring
/// `S` and `env` and `RESULTAT` declaring its default namespace, `ns0` and `ns1`; for 01,
/// `S:Body` and `RESULTAT` declaring `ns3`, `ns2` and its default namespace. Element order is
/// the XSD's (`INSACTIF`, `INSHISTO`..., `TIQ`; inside an INS `IdIndividu`, `OID`, `DateDeb`,
/// `DateFin`); `TIQ` has no `Prenom`, as no answer of the qualification service has.
public enum INSiResponseWriter {
    public static let contentType = "application/soap+xml; charset=utf-8"
    /// SOAP 1.1's media type, for the VersionMismatch answered to a SOAP 1.1 request.
    public static let soap11ContentType = "text/xml; charset=utf-8"

    /// The XML declaration and the envelope's start, common to every answer.
    private static let prologue: StaticString = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">"

    /// The answer to a search.
    public static func result(_ code: INSiResultCode, identity: Identity?) -> [UInt8] {
        var xml = XMLByteWriter(capacity: 1_400)
        xml.raw(prologue)
        switch code {
        case .found, .several:
            xml.raw(#"<env:Body xmlns:S="http://www.w3.org/2003/05/soap-envelope" xmlns:env="http://www.w3.org/2003/05/soap-envelope">"#)
            xml.raw(#"<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat" xmlns:ns0="http://www.cnamts.fr/INSiRecVit" xmlns:ns1="http://www.cnamts.fr/INSiRecSans">"#)
        case .notFound:
            xml.raw(#"<S:Body xmlns:S="http://www.w3.org/2003/05/soap-envelope">"#)
            xml.raw(#"<RESULTAT xmlns:ns3="http://www.cnamts.fr/INSiRecVit" xmlns:ns2="http://www.cnamts.fr/INSiRecSans" xmlns="http://www.cnamts.fr/INSiResultat">"#)
        }
        switch code {
        case .found: xml.raw("<CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR>")
        case .notFound: xml.raw("<CR><CodeCR>01</CodeCR><LibelleCR>Aucune identite trouvee</LibelleCR></CR>")
        case .several: xml.raw("<CR><CodeCR>02</CodeCR><LibelleCR>Plusieurs identites trouvees</LibelleCR></CR>")
        }
        if code == .found, let identity {
            xml.raw("<INDIVIDU><INSACTIF>")
            append(identity.ins, to: &xml)
            xml.raw("</INSACTIF>")
            for past in identity.history {
                xml.raw("<INSHISTO>")
                append(past, to: &xml)
                xml.raw("</INSHISTO>")
            }
            let traits = identity.traits
            xml.raw("<TIQ><NomNaissance>")
            xml.escaped(traits.birthName)
            xml.raw("</NomNaissance><ListePrenom>")
            for (index, name) in traits.firstNames.enumerated() {
                if index > 0 { xml.raw(" ") }
                xml.escaped(name)
            }
            xml.raw("</ListePrenom><Sexe>")
            xml.plain(traits.sex.rawValue)
            xml.raw("</Sexe><DateNaissance>")
            xml.plain(traits.birthDate.text)
            xml.raw("</DateNaissance>")
            if let place = traits.birthPlace {
                xml.raw("<LieuNaissance>")
                xml.plain(place.code)
                xml.raw("</LieuNaissance>")
            }
            xml.raw("</TIQ></INDIVIDU>")
        }
        xml.raw(code == .notFound ? "</RESULTAT></S:Body></soap:Envelope>" : "</RESULTAT></env:Body></soap:Envelope>")
        return xml.finish()
    }

    /// The answer to a search result of the core.
    public static func result(_ result: SearchResult) -> [UInt8] {
        switch result.outcome {
        case .found(let identity): return self.result(.found, identity: identity)
        case .notFound: return self.result(.notFound, identity: nil)
        case .several: return self.result(.several, identity: nil)
        }
    }

    /// `IdIndividu`, `OID`, `DateDeb`, `DateFin`: the XSD order, which the real service follows.
    private static func append(_ ins: INS, to xml: inout XMLByteWriter) {
        xml.raw("<IdIndividu><NumIdentifiant>")
        xml.plain(ins.matricule.value)
        xml.raw("</NumIdentifiant><Cle>")
        xml.plain(ins.key)
        xml.raw("</Cle></IdIndividu><OID>")
        xml.plain(ins.oid.rawValue)
        xml.raw("</OID>")
        if let start = ins.dateStart {
            xml.raw("<DateDeb>")
            xml.plain(start.text)
            xml.raw("</DateDeb>")
        }
        if let end = ins.dateEnd {
            xml.raw("<DateFin>")
            xml.plain(end.text)
            xml.raw("</DateFin>")
        }
    }

    /// A SOAP 1.2 fault shaped like the recorded one; a VersionMismatch also carries the
    /// `Upgrade` header block naming the SOAP 1.2 envelope (SOAP 1.2 Part 1, §5.4.7), and is
    /// written as SOAP 1.1 when `fault.envelope` says so.
    public static func fault(_ fault: INSiFault) -> [UInt8] {
        if fault.envelope == .soap11 { return soap11VersionMismatch(fault) }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">"#
        if fault.code == .versionMismatch {
            xml += "<soap:Header>\(upgrade(prefix: "soap", declaring: false))</soap:Header>"
        }
        xml += #"<env:Body xmlns:env="http://www.w3.org/2003/05/soap-envelope"><soap:Fault>"#
        xml += "<soap:Code><soap:Value>soap:\(fault.code.rawValue)</soap:Value>"
        if let subcode = fault.subcode {
            xml += "<soap:Subcode><soap:Value>soap:\(XMLEscaping.escape(subcode))</soap:Value></soap:Subcode>"
        }
        xml += "</soap:Code><soap:Reason><soap:Text xml:lang=\"fr\">\(XMLEscaping.escape(fault.reason))</soap:Text></soap:Reason>"
        if fault.detailCode != nil || fault.detailText != nil {
            xml += "<soap:Detail><siram:Erreur"
            if let code = fault.detailCode { xml += " code=\"\(XMLEscaping.escape(code, for: .attribute))\"" }
            if let messageID = fault.messageID { xml += " messageID=\"\(XMLEscaping.escape(messageID, for: .attribute))\"" }
            xml += " severite=\"\(fault.severity.rawValue)\" xmlns:siram=\"urn:siram\">"
            xml += XMLEscaping.escape(fault.detailText ?? "")
            xml += "</siram:Erreur></soap:Detail>"
        }
        xml += "</soap:Fault></env:Body></soap:Envelope>"
        return Array(xml.utf8)
    }

    /// The `Upgrade` header block: the envelopes this node supports, SOAP 1.2 only.
    private static func upgrade(prefix: String, declaring: Bool) -> String {
        let declaration = declaring ? " xmlns:\(prefix)=\"\(INSiNamespace.soap12)\"" : ""
        return "<\(prefix):Upgrade\(declaration)><\(prefix):SupportedEnvelope qname=\"soap12:Envelope\" xmlns:soap12=\"\(INSiNamespace.soap12)\"/></\(prefix):Upgrade>"
    }

    /// The VersionMismatch fault for a SOAP 1.1 request, in SOAP 1.1 (`faultcode`,
    /// `faultstring`, no `detail`: SOAP 1.1 keeps it for errors of the body's content), with the
    /// SOAP 1.2 `Upgrade` header block (SOAP 1.2 Part 1, Appendix A).
    static func soap11VersionMismatch(_ fault: INSiFault) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">"#
        xml += "<soap:Header>\(upgrade(prefix: "upg", declaring: true))</soap:Header>"
        xml += "<soap:Body><soap:Fault><faultcode>soap:VersionMismatch</faultcode>"
        xml += "<faultstring>\(XMLEscaping.escape(fault.reason))</faultstring>"
        xml += "</soap:Fault></soap:Body></soap:Envelope>"
        return Array(xml.utf8)
    }

    /// The Content-Type of a fault's answer.
    public static func contentType(of fault: INSiFault) -> String {
        fault.envelope == .soap11 ? soap11ContentType : contentType
    }
}
