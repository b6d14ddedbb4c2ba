import INSiCore

/// Every fault the simulator answers, each named by its detail code. The first ones are observed
/// on the real service; the `siram_9xx` / `insisim_9xx` ones are defined by the simulator (no
/// public list exists) and documented as such in docs/reference/faults.md.
extension INSiFault {
    /// One fault of the catalogue: its codes, its French reason and a default detail text.
    public struct CatalogueEntry: Sendable, Hashable, CustomStringConvertible {
        /// Where the entry comes from.
        public enum Origin: String, Sendable, Hashable {
            /// Codes and texts seen in answers of the real service.
            case observed
            /// Codes seen on the real or a sibling service, texts written by the simulator.
            case assumed
            /// Defined by the simulator (`siram_9xx` / `insisim_9xx`).
            case simulator
        }

        /// `siram:Erreur/@code`: the entry's name, e.g. `desir_550`.
        public let detailCode: String
        public let code: Code
        /// `siram_100`, without prefix; nil for a VersionMismatch.
        public let subcode: String?
        /// `soap:Reason/soap:Text`, in French.
        public let reason: String
        /// The `siram:Erreur` text when nothing more precise is known (a scenario): the
        /// simulator's own checks write what exactly was wrong.
        public let detailText: String
        public let httpStatus: Int
        public let origin: Origin

        init(_ detailCode: String, _ code: Code, _ subcode: String?, reason: String, detail: String, httpStatus: Int = 500,
             origin: Origin = .simulator) {
            self.detailCode = detailCode
            self.code = code
            self.subcode = subcode
            self.reason = reason
            self.detailText = detail
            self.httpStatus = httpStatus
            self.origin = origin
        }

        public var description: String { "\(subcode ?? code.rawValue)/\(detailCode)" }
    }

    /// Builds the fault of a catalogue entry; `detailText` replaces the entry's default one.
    public init(_ entry: CatalogueEntry, messageID: String?, detailText: String? = nil) {
        self.init(code: entry.code, subcode: entry.subcode, reason: entry.reason, detailCode: entry.detailCode,
                  messageID: messageID, detailText: detailText ?? entry.detailText, httpStatus: entry.httpStatus)
    }

    private static let accessRefused = "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique."
    private static let notWellFormedReason = "La requête n'est pas un document XML bien formé."
    private static let forbiddenReason = "La requête contient des constructions XML interdites."
    private static let tooLargeReason = "La requête dépasse les limites de taille autorisées."

    /// The catalogue, in the order of the table of docs/reference/faults.md (a test compares them).
    public static let catalogue: [CatalogueEntry] = [
        CatalogueEntry("desir_550", .sender, "siram_100", reason: accessRefused,
                       detail: "Numéro d'autorisation du logiciel inconnu.", origin: .observed),
        CatalogueEntry("desir_560", .sender, "siram_100", reason: accessRefused,
                       detail: "Vous ne disposez pas des droits suffisants pour accéder à ce service", origin: .assumed),
        CatalogueEntry("insisim_940", .receiver, "siram_40",
                       reason: "Le service est momentanément indisponible. Veuillez réessayer ultérieurement.",
                       detail: "Service amont indisponible.", origin: .assumed),
        CatalogueEntry("insisim_901", .sender, "siram_900", reason: notWellFormedReason, detail: "the request is not well-formed XML"),
        CatalogueEntry("insisim_902", .sender, "siram_900", reason: forbiddenReason, detail: "the request holds a DOCTYPE or an entity declaration"),
        CatalogueEntry("insisim_903", .sender, "siram_900", reason: tooLargeReason, detail: "the request exceeds a limit of depth, elements, attributes or text"),
        CatalogueEntry("insisim_904", .sender, "siram_900", reason: tooLargeReason, detail: "the request body is too large", httpStatus: 413),
        CatalogueEntry("insisim_905", .sender, "siram_900", reason: "La requête n'est pas une enveloppe SOAP 1.2 valide.",
                       detail: "the request is not a SOAP 1.2 envelope with one body element"),
        CatalogueEntry("insisim_906", .versionMismatch, nil, reason: "Version SOAP non supportée : le service attend une enveloppe SOAP 1.2.",
                       detail: "the envelope is not a SOAP 1.2 envelope"),
        CatalogueEntry("insisim_911", .sender, "siram_910", reason: "L'action demandée n'existe pas pour ce service.",
                       detail: "unknown action"),
        CatalogueEntry("insisim_912", .sender, "siram_910", reason: "L'action demandée ne correspond pas au contenu de la requête.",
                       detail: "the actions and the body element name different operations"),
        CatalogueEntry("insisim_913", .sender, "siram_910", reason: "Le corps de la requête ne correspond à aucune opération du service.",
                       detail: "the body element is neither RECSANSVITALE nor RECVITALE"),
    ] + SearchInputError.Field.allCases.map { field in
        CatalogueEntry(detailCode(for: field), .sender, "siram_920", reason: invalidReason(field, missing: false),
                       detail: "\(field.rawValue) is invalid")
    } + [
        CatalogueEntry("insisim_951", .sender, "siram_950", reason: securityReason("le contexte ContexteLPS est incomplet (Version, Instance et Nom sont requis)"),
                       detail: "ContexteLPS/LPS lacks Version, Instance or Nom"),
        CatalogueEntry("insisim_952", .sender, "siram_950", reason: securityReason("l'en-tête wsa:MessageID est absent"),
                       detail: "wsa:MessageID is missing"),
        CatalogueEntry("insisim_953", .sender, "siram_950", reason: securityReason("l'en-tête wsa:MessageID n'est pas de la forme uuid:…"),
                       detail: "wsa:MessageID is not uuid: followed by a UUID"),
        CatalogueEntry("insisim_954", .sender, "siram_950", reason: securityReason("l'identifiant wsa:MessageID a déjà été utilisé"),
                       detail: "wsa:MessageID was already used by an earlier call"),
        CatalogueEntry("insisim_955", .sender, "siram_950", reason: securityReason("l'en-tête wsa:Action est absent"),
                       detail: "wsa:Action is missing"),
        CatalogueEntry("insisim_956", .sender, "siram_950", reason: securityReason("l'action du Content-Type ne correspond pas à wsa:Action"),
                       detail: "the Content-Type action parameter is missing or differs from wsa:Action"),
        CatalogueEntry("insisim_957", .sender, "siram_950", reason: securityReason("aucune assertion SAML n'accompagne l'appel (wsse:Security)"),
                       detail: "wsse:Security holds no SAML Assertion"),
        CatalogueEntry("insisim_958", .sender, "siram_950", reason: securityReason("l'assertion SAML est mal formée"),
                       detail: "the SAML Assertion is not a well-formed SAML 2.0 assertion"),
    ] + CardAssertionError.Refusal.allCases.map { refusal in
        CatalogueEntry(refusal.rawValue, .sender, "siram_950", reason: securityReason(refusal.reason), detail: refusal.detail)
    } + [
        CatalogueEntry("insisim_999", .receiver, "siram_990", reason: "Erreur interne du service.", detail: "internal error"),
    ]

    /// The entry whose detail code is `detailCode`.
    public static func catalogueEntry(_ detailCode: String) -> CatalogueEntry? {
        catalogue.first { $0.detailCode == detailCode }
    }

    private static func entry(_ detailCode: String) -> CatalogueEntry {
        guard let entry = catalogueEntry(detailCode) else { preconditionFailure("\(detailCode) is written in the catalogue above") }
        return entry
    }

    /// Observed: the approval number (IDAM) of the software is not authorised.
    public static func unknownApprovalNumber(messageID: String?) -> INSiFault {
        INSiFault(entry("desir_550"), messageID: messageID)
    }

    /// Observed code (desir_560): the caller's certificate does not give access (its CN is
    /// neither INSI-AUTO nor INSI-MANU, or there is none); also available to scenarios.
    public static func insufficientRights(messageID: String?) -> INSiFault {
        INSiFault(entry("desir_560"), messageID: messageID)
    }

    /// What the strict security mode requires and a request lacks (`insisim_95x`); the detail
    /// says exactly what.
    public enum SecurityRequirement: String, Sendable, CaseIterable {
        case contexteLPSComplete = "insisim_951"
        case messageIDPresent = "insisim_952"
        case messageIDFormat = "insisim_953"
        case messageIDUnused = "insisim_954"
        case actionPresent = "insisim_955"
        case actionMatchesContentType = "insisim_956"
        case samlAssertionPresent = "insisim_957"
        case samlAssertionWellFormed = "insisim_958"
    }

    /// A CPx card assertion refused (`insisim_957`, `insisim_958`, `insisim_96x`); the detail
    /// says exactly what.
    public static func cardAssertion(_ error: CardAssertionError, messageID: String?) -> INSiFault {
        INSiFault(entry(error.refusal.rawValue), messageID: messageID, detailText: error.description)
    }

    /// A strict-mode refusal: its own code, and a detail naming what was wrong.
    public static func securityRequirement(_ requirement: SecurityRequirement, detail: String, messageID: String?) -> INSiFault {
        INSiFault(entry(requirement.rawValue), messageID: messageID, detailText: detail)
    }

    /// siram_40, seen on sibling CNAM services when an upstream service is unavailable.
    public static func upstreamUnavailable(messageID: String?) -> INSiFault {
        INSiFault(entry("insisim_940"), messageID: messageID)
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
        // Too large inside the XML reader is still a 500: only the HTTP layer's limit is a 413.
        var fault = INSiFault(entry(detailCode), messageID: messageID, detailText: error.description)
        fault.httpStatus = 500
        return fault
    }

    /// The body exceeds the server's limit (HTTP 413).
    public static func bodyTooLarge(limit: Int) -> INSiFault {
        INSiFault(entry("insisim_904"), messageID: nil, detailText: "the request body is larger than \(limit) bytes")
    }

    /// Well-formed XML that is not a SOAP 1.2 envelope with a body.
    public static func notSOAP(_ detail: String, messageID: String? = nil) -> INSiFault {
        INSiFault(entry("insisim_905"), messageID: messageID, detailText: detail)
    }

    /// An envelope that is not SOAP 1.2: answered in a SOAP 1.1 envelope when the request was
    /// SOAP 1.1, so that a SOAP 1.1 client understands it (SOAP 1.2 Part 1, Appendix A).
    public static func versionMismatch(found: String) -> INSiFault {
        var fault = INSiFault(entry("insisim_906"), messageID: nil,
                              detailText: "envelope namespace \(found); expected \(INSiNamespace.soap12)")
        if found == INSiNamespace.soap11 { fault.envelope = .soap11 }
        return fault
    }

    /// An action that is not one of the contract's.
    public static func unknownAction(_ action: String, source: String, messageID: String?) -> INSiFault {
        INSiFault(entry("insisim_911"), messageID: messageID, detailText: "unknown action '\(action)' in \(source)")
    }

    /// The Content-Type action, `wsa:Action` and body element do not name the same operation.
    public static func inconsistentAction(_ detail: String, messageID: String?) -> INSiFault {
        INSiFault(entry("insisim_912"), messageID: messageID, detailText: detail)
    }

    /// A body element that is not the request of any operation.
    public static func unknownBodyElement(_ name: String, namespace: String, messageID: String?) -> INSiFault {
        INSiFault(entry("insisim_913"), messageID: messageID,
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

    /// The reason of the strict mode's refusals: what the real service requires, named.
    private static func securityReason(_ what: String) -> String {
        "La requête ne respecte pas les exigences de sécurité du service : \(what)."
    }

    private static func invalidReason(_ field: SearchInputError.Field, missing: Bool) -> String {
        "La requête est invalide : le champ \(field.rawValue) est \(missing ? "absent" : "mal formé")."
    }

    /// A missing or malformed trait: its own code and a message naming the field.
    public static func invalidInput(_ error: SearchInputError, messageID: String?) -> INSiFault {
        var fault = INSiFault(entry(detailCode(for: error.field)), messageID: messageID, detailText: error.description)
        if error.problem == .missing { fault.reason = invalidReason(error.field, missing: true) }
        return fault
    }

    /// Something the simulator did not expect: never the client's fault.
    public static func internalError(_ detail: String, messageID: String?) -> INSiFault {
        INSiFault(entry("insisim_999"), messageID: messageID, detailText: detail)
    }
}
