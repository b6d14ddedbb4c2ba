import Foundation
import TestSupport

/// A throwaway card PKI made with the `openssl` command for the card-assertion tests: a card CA
/// shaped like "TEST AC IGC-SANTE FORT PERSONNES", two practitioners' cards (subjects shaped
/// like real ones: given name + card number + surname in one RDN, profession, country), a card
/// from another CA, a card whose key may not sign, and an e-CPS CA with its certificate.
final class TestCardPKI: Sendable {
    let directory: URL

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Made once per test run.
    static let shared: Result<TestCardPKI, Failure> = {
        do { return .success(try TestCardPKI()) } catch let error as Failure { return .failure(error) } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    static var available: Bool { (try? shared.get()) != nil }

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("insi-card-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try authority("card-ca", "/C=FR/O=ASIP-SANTE/OU=IGC-SANTE/CN=TEST AC IGC-SANTE FORT PERSONNES")
        try authority("other-ca", "/C=FR/O=ELSEWHERE/CN=NOT A CARD CA")
        try authority("ecps-ca", "/C=FR/O=ASIP-SANTE/OU=IGC-SANTE/CN=TEST AC IGC-SANTE ELEMENTAIRE PERSONNES (E-CPS)")
        try card("doctor", "/C=FR/title=Medecin/GN=OLIVIER+CN=00B6087510+SN=DUPONT", ca: "card-ca")
        try card("nurse", "/C=FR/title=Infirmier/GN=CLAIRE+CN=00B6087520+SN=MARTIN", ca: "card-ca")
        try card("foreign", "/C=FR/title=Medecin/GN=PAUL+CN=00B6087530+SN=AUTRE", ca: "other-ca")
        try card("no-signing", "/C=FR/title=Medecin/GN=JEAN+CN=00B6087540+SN=CHIFFRE", ca: "card-ca", usage: "keyEncipherment")
        try card("ecps", "/C=FR/title=Medecin/GN=LUC+CN=00B6087550+SN=LOGICIEL", ca: "ecps-ca")
    }

    func pem(_ name: String) -> [UInt8] {
        (try? Array(Data(contentsOf: directory.appendingPathComponent(name + ".pem")))) ?? []
    }

    func key(_ name: String) -> [UInt8] {
        (try? Array(Data(contentsOf: directory.appendingPathComponent(name + "-key.pem")))) ?? []
    }

    private func authority(_ name: String, _ subject: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name)-key.pem", "-out", "\(name).pem",
                     "-days", "3650", "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    private func card(_ name: String, _ subject: String, ca: String, usage: String = "digitalSignature,nonRepudiation") throws {
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name)-key.pem", "-out", "\(name).csr",
                     "-subj", subject, "-multivalue-rdn"])
        let extensions = directory.appendingPathComponent("\(name).ext")
        try Data("basicConstraints=CA:FALSE\nkeyUsage=critical,\(usage)\n".utf8).write(to: extensions)
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca)-key.pem", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "1095", "-extfile", extensions.path])
    }

    private func openssl(_ arguments: [String]) throws {
        let run: ChildProcess.Run
        do {
            run = try ChildProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, directory: directory)
        } catch {
            throw Failure(description: "openssl cannot run: \(error)")
        }
        guard run.status == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(run.stdout)\(run.stderr)")
        }
    }

}
