import INSiCore

/// Writes answers the way the real service does: the recorded envelope, namespaces and element
/// order (`INSACTIF`, `INSHISTO`..., `TIQ`; inside an INS: `IdIndividu`, `OID`, `DateDeb`, `DateFin`).
public enum INSiResponseWriter {
    public static let contentType = "application/soap+xml; charset=utf-8"

    // Both prefixes of the recorded answers are declared, though unused, as the real service does.
    private static let head = #"<?xml version="1.0" encoding="UTF-8"?>"#
        + #"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>"#
        + #"<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat" xmlns:ns0="http://www.cnamts.fr/INSiRecVit" xmlns:ns1="http://www.cnamts.fr/INSiRecSans">"#
    private static let tail = "</RESULTAT></soap:Body></soap:Envelope>"

    /// The answer to a search.
    public static func result(_ code: INSiResultCode, identity: Identity?) -> [UInt8] {
        var xml = head
        xml.reserveCapacity(1_400)
        xml += "<CR><CodeCR>\(code.rawValue)</CodeCR><LibelleCR>\(code.label)</LibelleCR></CR>"
        if code == .found, let identity {
            xml += "<INDIVIDU>"
            append(identity.ins, element: "INSACTIF", to: &xml)
            for past in identity.history { append(past, element: "INSHISTO", to: &xml) }
            let traits = identity.traits
            xml += "<TIQ><NomNaissance>"
            xml += XMLEscaping.escape(traits.birthName)
            xml += "</NomNaissance><Prenom>"
            xml += XMLEscaping.escape(traits.firstFirstName)
            xml += "</Prenom><ListePrenom>"
            xml += XMLEscaping.escape(traits.firstNameList)
            xml += "</ListePrenom><Sexe>\(traits.sex.rawValue)</Sexe><DateNaissance>\(traits.birthDate.text)</DateNaissance>"
            if let place = traits.birthPlace { xml += "<LieuNaissance>\(place.code)</LieuNaissance>" }
            xml += "</TIQ></INDIVIDU>"
        }
        xml += tail
        return Array(xml.utf8)
    }

    /// The answer to a search result of the core.
    public static func result(_ result: SearchResult) -> [UInt8] {
        switch result.outcome {
        case .found(let identity): return self.result(.found, identity: identity)
        case .notFound: return self.result(.notFound, identity: nil)
        case .several: return self.result(.several, identity: nil)
        }
    }

    private static func append(_ ins: INS, element: String, to xml: inout String) {
        xml += "<\(element)><IdIndividu><NumIdentifiant>\(ins.matricule.value)</NumIdentifiant><Cle>\(ins.key)</Cle></IdIndividu>"
        xml += "<OID>\(ins.oid.rawValue)</OID>"
        if let start = ins.dateStart { xml += "<DateDeb>\(start.text)</DateDeb>" }
        if let end = ins.dateEnd { xml += "<DateFin>\(end.text)</DateFin>" }
        xml += "</\(element)>"
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
            if let code = fault.detailCode { xml += " code=\"\(XMLEscaping.escape(code))\"" }
            if let messageID = fault.messageID { xml += " messageID=\"\(XMLEscaping.escape(messageID))\"" }
            xml += " severite=\"\(fault.severity.rawValue)\" xmlns:siram=\"urn:siram\">"
            xml += XMLEscaping.escape(fault.detailText ?? "")
            xml += "</siram:Erreur></soap:Detail>"
        }
        xml += "</soap:Fault></soap:Body></soap:Envelope>"
        return Array(xml.utf8)
    }
}
