import Foundation
import TestSupport

/// A throwaway card PKI made with the `openssl` command for the card-assertion tests: a card CA
/// shaped like "TEST AC IGC-SANTE FORT PERSONNES", two practitioners' cards (subjects shaped
/// like real ones: given name + card number + surname in one RDN, profession, country), a card
/// from another CA, a card whose key may not sign, and an e-CPS CA with its certificate.
///
/// Its certificates are its own, but their RSA keys are those of the run's `TestPKIFolder`
/// (one key per certificate, none shared between two of them): generating eight more RSA keys
/// took seconds of CPU, and what these tests check is the certificates, not their keys' age.
final class TestCardPKI: Sendable {
    let directory: URL

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Made once per test run.
    static let shared: Result<TestCardPKI, Failure> = {
        do { return .success(try TestCardPKI()) } catch let error as Failure { return .failure(error) } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    /// Whether the `openssl` command that makes the certificates is here (checked without making them).
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// `shared`, made (or waited for) off the cooperative pool: making it blocks on child processes.
    static func made() async throws -> TestCardPKI {
        try await offPool { try shared.get() }
    }

    private init() throws {
        directory = try TestPaths.temporaryFolder("card-pki")
        RemovedAtExit.register(directory)
        try authority("card-ca", "/C=FR/O=ASIP-SANTE/OU=IGC-SANTE/CN=TEST AC IGC-SANTE FORT PERSONNES", key: "card-ca-key.pem")
        try authority("other-ca", "/C=FR/O=ELSEWHERE/CN=NOT A CARD CA", key: "ca-key.pem")
        try authority("ecps-ca", "/C=FR/O=ASIP-SANTE/OU=IGC-SANTE/CN=TEST AC IGC-SANTE ELEMENTAIRE PERSONNES (E-CPS)", key: "ecps-ca-key.pem")
        try card("doctor", "/C=FR/title=Medecin/GN=OLIVIER+CN=00B6087510+SN=DUPONT", ca: "card-ca", key: "card-doctor-key.pem")
        try card("nurse", "/C=FR/title=Infirmier/GN=CLAIRE+CN=00B6087520+SN=MARTIN", ca: "card-ca", key: "card-nurse-key.pem")
        try card("foreign", "/C=FR/title=Medecin/GN=PAUL+CN=00B6087530+SN=AUTRE", ca: "other-ca", key: "insi-auto-key.pem")
        try card("no-signing", "/C=FR/title=Medecin/GN=JEAN+CN=00B6087540+SN=CHIFFRE", ca: "card-ca", key: "insi-manu-key.pem",
                 usage: "keyEncipherment")
        try card("ecps", "/C=FR/title=Medecin/GN=LUC+CN=00B6087550+SN=LOGICIEL", ca: "ecps-ca", key: "ecps-key.pem")
    }

    func pem(_ name: String) -> [UInt8] {
        (try? Array(Data(contentsOf: directory.appendingPathComponent(name + ".pem")))) ?? []
    }

    func key(_ name: String) -> [UInt8] {
        (try? Array(Data(contentsOf: directory.appendingPathComponent(name + "-key.pem")))) ?? []
    }

    /// Copies the key file `keyFile` of the run's `TestPKIFolder` as `NAME-key.pem`.
    private func takeKey(_ keyFile: String, for name: String) throws {
        let source: String
        do {
            source = try TestPKIFolder.path(keyFile)
        } catch {
            throw Failure(description: "the run's test PKI cannot be made: \(error)")
        }
        try FileManager.default.copyItem(atPath: source, toPath: directory.appendingPathComponent("\(name)-key.pem").path)
    }

    private func authority(_ name: String, _ subject: String, key: String) throws {
        try takeKey(key, for: name)
        try openssl(["req", "-x509", "-new", "-key", "\(name)-key.pem", "-out", "\(name).pem",
                     "-days", "3650", "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    private func card(_ name: String, _ subject: String, ca: String, key: String, usage: String = "digitalSignature,nonRepudiation") throws {
        try takeKey(key, for: name)
        try openssl(["req", "-new", "-key", "\(name)-key.pem", "-out", "\(name).csr",
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
