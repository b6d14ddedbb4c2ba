import Foundation
import INSiClient
import INSiCore
import INSiSOAP

// The cases of INSiClient's enums with associated values, which are not `CaseIterable`, so that
// the DocC tables listing them can be compared with the code. Each mirror's `init` switches
// exhaustively over the real enum: a new case does not build until it is mirrored here, and the
// mirror's `example` then needs a value of it, so `allCases` always covers the real enum.

/// ``IdentityWarning``'s cases.
enum WarningCase: String, CaseIterable {
    case invalidKey, provisionalMatricule, unknownOID, incoherentDates, traitsDiffer

    init(_ warning: IdentityWarning) {
        switch warning {
        case .invalidKey: self = .invalidKey
        case .provisionalMatricule: self = .provisionalMatricule
        case .unknownOID: self = .unknownOID
        case .incoherentDates: self = .incoherentDates
        case .traitsDiffer: self = .traitsDiffer
        }
    }

    var example: IdentityWarning {
        switch self {
        case .invalidKey: return .invalidKey(matricule: "1810363220456", key: "60", expected: "76", inHistory: false)
        case .provisionalMatricule: return .provisionalMatricule(matricule: "1090763220888", oid: "1.2.250.1.213.1.4.9")
        case .unknownOID: return .unknownOID(matricule: "297022A020778", oid: "1.2.250.1.213.1.4.99", inHistory: false)
        case .incoherentDates:
            return .incoherentDates(matricule: "2090763220834", dateStart: "2019-03-01", dateEnd: "2019-02-28", inHistory: true)
        case .traitsDiffer: return .traitsDiffer([TraitDifference(field: .birthName, local: "MARTIN-DURAND", returned: "MARTIN DURAND")])
        }
    }
}

/// ``INSiClientError``'s cases.
enum ClientErrorCase: String, CaseIterable {
    case fault, unexpectedStatus, transport, tls, timeout, unreadableAnswer, cancelled

    init(_ error: INSiClientError) {
        switch error {
        case .fault: self = .fault
        case .unexpectedStatus: self = .unexpectedStatus
        case .transport: self = .transport
        case .tls: self = .tls
        case .timeout: self = .timeout
        case .unreadableAnswer: self = .unreadableAnswer
        case .cancelled: self = .cancelled
        }
    }

    var example: INSiClientError {
        switch self {
        case .fault: return .fault(CatalogueExamples.fault(detailCode: "desir_550"))
        case .unexpectedStatus: return .unexpectedStatus(status: 502, contentType: "text/html", body: Array("<html>".utf8))
        case .transport: return .transport(url: "http://127.0.0.1:1/lps", code: 7, message: "Could not connect to server")
        case .tls: return .tls(url: "https://127.0.0.1:8443/lps", .wrongPassword(path: "insi-auto.p12"))
        case .timeout: return .timeout(after: .seconds(30))
        case .unreadableAnswer: return .unreadableAnswer(reason: "not XML", httpStatus: 200, body: Array("hello".utf8))
        case .cancelled: return .cancelled
        }
    }
}

/// ``TLSError``'s cases.
enum TLSErrorCase: String, CaseIterable {
    case fileUnreadable, fileInvalid, wrongPassword, legacyPKCS12, keyRejected, serverNotTrusted, nameMismatch,
         clientCertificateRequired, clientCertificateRefused, alert, handshakeFailed

    init(_ error: TLSError) {
        switch error {
        case .fileUnreadable: self = .fileUnreadable
        case .fileInvalid: self = .fileInvalid
        case .wrongPassword: self = .wrongPassword
        case .legacyPKCS12: self = .legacyPKCS12
        case .keyRejected: self = .keyRejected
        case .serverNotTrusted: self = .serverNotTrusted
        case .nameMismatch: self = .nameMismatch
        case .clientCertificateRequired: self = .clientCertificateRequired
        case .clientCertificateRefused: self = .clientCertificateRefused
        case .alert: self = .alert
        case .handshakeFailed: self = .handshakeFailed
        }
    }

    var example: TLSError {
        let host = "127.0.0.1"
        switch self {
        case .fileUnreadable: return .fileUnreadable(path: "ca.pem", role: .certificateAuthorities, reason: "No such file or directory")
        case .fileInvalid: return .fileInvalid(path: "insi-auto.pem", role: .privateKey, reason: "no private key in it")
        case .wrongPassword: return .wrongPassword(path: "insi-auto.p12")
        case .legacyPKCS12: return .legacyPKCS12(path: "old.p12", detail: "unsupported")
        case .keyRejected: return .keyRejected(path: "insi-auto-key.pem", detail: "unable to set private key file")
        case .serverNotTrusted: return .serverNotTrusted(host: host, reason: "unable to get local issuer certificate", caFile: nil)
        case .nameMismatch: return .nameMismatch(host: host, detail: "subject name does not match")
        case .clientCertificateRequired: return .clientCertificateRequired(host: host, alert: "certificate required")
        case .clientCertificateRefused: return .clientCertificateRefused(host: host, alert: "unknown ca")
        case .alert: return .alert(host: host, alert: "protocol version")
        case .handshakeFailed: return .handshakeFailed(host: host, detail: "wrong version number")
        }
    }
}

/// ``NextStep``'s cases.
enum NextStepCase: String, CaseIterable {
    case checkIdentityDocument, replaceLocalTraits, shareINS, reportAnswer, verifyLater, completeLocalTraits, retryLater,
         putInWorkList

    init(_ step: NextStep) {
        switch step {
        case .checkIdentityDocument: self = .checkIdentityDocument
        case .replaceLocalTraits: self = .replaceLocalTraits
        case .shareINS: self = .shareINS
        case .reportAnswer: self = .reportAnswer
        case .verifyLater: self = .verifyLater
        case .completeLocalTraits: self = .completeLocalTraits
        case .retryLater: self = .retryLater
        case .putInWorkList: self = .putInWorkList
        }
    }

    var example: NextStep {
        switch self {
        case .checkIdentityDocument: return .checkIdentityDocument
        case .replaceLocalTraits: return .replaceLocalTraits([TraitDifference(field: .sex, local: "M", returned: "F")], now: false)
        case .shareINS: return .shareINS
        case .reportAnswer: return .reportAnswer
        case .verifyLater: return .verifyLater
        case .completeLocalTraits: return .completeLocalTraits
        case .retryLater: return .retryLater
        case .putInWorkList: return .putInWorkList
        }
    }
}

/// ``BirthPlaceAdvice``'s cases.
enum BirthPlaceAdviceCase: String, CaseIterable {
    case postalCode, communeCode

    init(_ advice: BirthPlaceAdvice) {
        switch advice {
        case .postalCode: self = .postalCode
        case .communeCode: self = .communeCode
        }
    }

    var example: BirthPlaceAdvice {
        switch self {
        case .postalCode: return .postalCode(sent: "75015", city: .paris, arrondissement: 15, cog: "75115")
        case .communeCode: return .communeCode(sent: "75056", city: .paris)
        }
    }
}

/// ``LookupOutcome``'s cases.
enum LookupOutcomeCase: String, CaseIterable {
    case found, notFound, several, failed

    init(_ outcome: LookupOutcome) {
        switch outcome {
        case .found: self = .found
        case .notFound: self = .notFound
        case .several: self = .several
        case .failed: self = .failed
        }
    }

    var example: LookupOutcome {
        switch self {
        case .found: return .found(CatalogueExamples.identity(warnings: []))
        case .notFound: return .notFound(attempts: 4)
        case .several: return .several(attempts: 1)
        case .failed: return .failed(.cancelled)
        }
    }
}

/// Values the mirrors and the table checks build answers from.
enum CatalogueExamples {
    static func fault(detailCode: String?, subcode: String? = "siram_100") -> INSiFault {
        INSiFault(code: .sender, subcode: subcode, reason: "refused", detailCode: detailCode, detailText: nil)
    }

    /// ADRTROIS DOMINIQUE as INSi returns her, with the warnings given.
    static func identity(warnings: [IdentityWarning]) -> INSiIdentity {
        INSiIdentity(active: WireINS(matricule: "297022A020778", key: "78", oid: "1.2.250.1.213.1.4.8"), history: [],
                     traits: WireTraits(birthName: "ADRTROIS", firstName: "DOMINIQUE", sex: "F", birthDate: "1997-02-26"),
                     warnings: warnings)
    }
}
