import INSiCore

/// Every fault the simulator answers. The first ones are observed on the real service; the
/// `siram_9xx` / `insisim_9xx` ones are defined by the simulator (no public list exists) and
/// documented as such in the README.
extension INSiFault {
    /// Observed: the approval number (IDAM) of the software is not authorised.
    public static func unknownApprovalNumber(messageID: String?) -> INSiFault {
        INSiFault(
            code: .sender, subcode: "siram_100",
            reason: "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique.",
            detailCode: "desir_550", messageID: messageID, detailText: "Numéro d'autorisation du logiciel inconnu.")
    }

    /// Observed code (desir_560): the caller's certificate does not give access. Not raised by
    /// the simulator itself (no mTLS here); available to scenarios.
    public static func insufficientRights(messageID: String?) -> INSiFault {
        INSiFault(
            code: .sender, subcode: "siram_100",
            reason: "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique.",
            detailCode: "desir_560", messageID: messageID,
            detailText: "Vous ne disposez pas des droits suffisants pour accéder à ce service")
    }

    /// siram_40, seen on sibling CNAM services when an upstream service is unavailable.
    public static func upstreamUnavailable(messageID: String?) -> INSiFault {
        INSiFault(
            code: .receiver, subcode: "siram_40",
            reason: "Le service est momentanément indisponible. Veuillez réessayer ultérieurement.",
            detailCode: "insisim_940", messageID: messageID, detailText: "Service amont indisponible.")
    }

    /// The message is not XML, or not safe XML.
    public static func unreadableXML(_ error: XMLReadError, messageID: String? = nil) -> INSiFault {
        let detailCode: String
        switch error {
        case .notWellFormed, .empty: detailCode = "insisim_901"
        case .doctypeForbidden, .unsupportedEncoding: detailCode = "insisim_902"
        case .tooDeep, .tooManyElements, .tooManyAttributes, .textTooLong: detailCode = "insisim_903"
        case .tooLarge: detailCode = "insisim_904"
        }
        let reason: String
        switch error {
        case .notWellFormed, .empty: reason = "La requête n'est pas un document XML bien formé."
        case .doctypeForbidden, .unsupportedEncoding: reason = "La requête contient des constructions XML interdites."
        case .tooDeep, .tooManyElements, .tooManyAttributes, .textTooLong, .tooLarge: reason = "La requête dépasse les limites de taille autorisées."
        }
        return INSiFault(code: .sender, subcode: "siram_900", reason: reason, detailCode: detailCode,
                         messageID: messageID, detailText: error.description)
    }

    /// The body exceeds the server's limit (HTTP 413).
    public static func bodyTooLarge(limit: Int) -> INSiFault {
        INSiFault(code: .sender, subcode: "siram_900", reason: "La requête dépasse les limites de taille autorisées.",
                  detailCode: "insisim_904", detailText: "the request body is larger than \(limit) bytes", httpStatus: 413)
    }

    /// Well-formed XML that is not a SOAP 1.2 envelope with a body.
    public static func notSOAP(_ detail: String, messageID: String? = nil) -> INSiFault {
        INSiFault(code: .sender, subcode: "siram_900", reason: "La requête n'est pas une enveloppe SOAP 1.2 valide.",
                  detailCode: "insisim_905", messageID: messageID, detailText: detail)
    }

    /// A SOAP 1.1 envelope: INSi speaks SOAP 1.2 only.
    public static func versionMismatch(found: String) -> INSiFault {
        INSiFault(code: .versionMismatch, subcode: nil, reason: "Version SOAP non supportée : le service attend une enveloppe SOAP 1.2.",
                  detailCode: "insisim_906",
                  detailText: "envelope namespace \(found); expected \(INSiNamespace.soap12)")
    }

    /// An action that is not one of the contract's.
    public static func unknownAction(_ action: String, source: String, messageID: String?) -> INSiFault {
        INSiFault(code: .sender, subcode: "siram_910", reason: "L'action demandée n'existe pas pour ce service.",
                  detailCode: "insisim_911", messageID: messageID, detailText: "unknown action '\(action)' in \(source)")
    }

    /// The Content-Type action, `wsa:Action` and body element do not name the same operation.
    public static func inconsistentAction(_ detail: String, messageID: String?) -> INSiFault {
        INSiFault(code: .sender, subcode: "siram_910", reason: "L'action demandée ne correspond pas au contenu de la requête.",
                  detailCode: "insisim_912", messageID: messageID, detailText: detail)
    }

    /// A body element that is not the request of any operation.
    public static func unknownBodyElement(_ name: String, namespace: String, messageID: String?) -> INSiFault {
        INSiFault(code: .sender, subcode: "siram_910", reason: "Le corps de la requête ne correspond à aucune opération du service.",
                  detailCode: "insisim_913", messageID: messageID,
                  detailText: "body element {\(namespace)}\(name) is neither RECSANSVITALE nor RECVITALE")
    }

    /// The detail code of each invalid field: one code per field so an editor can map them.
    public static func detailCode(for field: SearchInputError.Field) -> String {
        switch field {
        case .birthName: return "insisim_921"
        case .firstName: return "insisim_922"
        case .sex: return "insisim_923"
        case .birthDate: return "insisim_924"
        case .birthPlace: return "insisim_925"
        case .ouvrantDroit: return "insisim_926"
        case .ouvrantDroitKey: return "insisim_927"
        case .beneficiaryMatricule: return "insisim_928"
        case .beneficiaryKey: return "insisim_929"
        case .birthRank: return "insisim_930"
        }
    }

    /// A missing or malformed trait: its own code and a message naming the field.
    public static func invalidInput(_ error: SearchInputError, messageID: String?) -> INSiFault {
        let reason: String
        switch error.problem {
        case .missing: reason = "La requête est invalide : le champ \(error.field.rawValue) est absent."
        case .invalid: reason = "La requête est invalide : le champ \(error.field.rawValue) est mal formé."
        }
        return INSiFault(code: .sender, subcode: "siram_920", reason: reason, detailCode: detailCode(for: error.field),
                         messageID: messageID, detailText: error.description)
    }

    /// Something the simulator did not expect: never the client's fault.
    public static func internalError(_ detail: String, messageID: String?) -> INSiFault {
        INSiFault(code: .receiver, subcode: "siram_990", reason: "Erreur interne du service.",
                  detailCode: "insisim_999", messageID: messageID, detailText: detail)
    }
}
