import INSiCore

/// Writes answers the way the real service does: the recorded envelope, namespaces and element
/// order (`INSACTIF`, `INSHISTO`..., `TIQ`; inside an INS: `IdIndividu`, `OID`, `DateDeb`, `DateFin`).
public enum INSiResponseWriter {
    public static let contentType = "application/soap+xml; charset=utf-8"

    /// The answer to a search.
    public static func result(_ code: INSiResultCode, identity: Identity?) -> [UInt8] {
        var xml = XMLByteWriter(capacity: 1_400)
        // Both prefixes of the recorded answers are declared, though unused, as the real service does.
        xml.raw(#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>"#)
        xml.raw(#"<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat" xmlns:ns0="http://www.cnamts.fr/INSiRecVit" xmlns:ns1="http://www.cnamts.fr/INSiRecSans">"#)
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
            xml.raw("</NomNaissance><Prenom>")
            xml.escaped(traits.firstFirstName)
            xml.raw("</Prenom><ListePrenom>")
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
        xml.raw("</RESULTAT></soap:Body></soap:Envelope>")
        return xml.bytes
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

    /// A SOAP 1.2 fault shaped like the recorded one.
    public static func fault(_ fault: INSiFault) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"#
        xml += #"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>"#
        xml += "<soap:Code><soap:Value>soap:\(fault.code.rawValue)</soap:Value>"
        if let subcode = fault.subcode {
            xml += "<soap:Subcode><soap:Value>soap:\(XMLEscaping.escape(subcode))</soap:Value></soap:Subcode>"
        }
        xml += "</soap:Code><soap:Reason><soap:Text xml:lang=\"fr\">\(XMLEscaping.escape(fault.reason))</soap:Text></soap:Reason>"
        if fault.detailCode != nil || fault.detailText != nil {
            xml += "<soap:Detail><siram:Erreur"
            if let code = fault.detailCode { xml += " code=\"\(XMLEscaping.escapeAttribute(code))\"" }
            if let messageID = fault.messageID { xml += " messageID=\"\(XMLEscaping.escapeAttribute(messageID))\"" }
            xml += " severite=\"\(fault.severity.rawValue)\" xmlns:siram=\"urn:siram\">"
            xml += XMLEscaping.escape(fault.detailText ?? "")
            xml += "</siram:Erreur></soap:Detail>"
        }
        xml += "</soap:Fault></soap:Body></soap:Envelope>"
        return Array(xml.utf8)
    }
}
