import Foundation

/// The test PKI of `insi-sim certs generate`: a folder with an authority, a server
/// certificate and the client certificates an editor needs to try its software over mutual
/// TLS, under fixed, documented names.
///
/// | file | what |
/// |---|---|
/// | `ca.pem`, `ca-key.pem` | the authority: clients trust `ca.pem`, the server checks client certificates against it |
/// | `server.pem`, `server-key.pem` | the server (SAN: the names given, localhost, 127.0.0.1, ::1) |
/// | `NAME.pem`, `NAME-key.pem`, `NAME.p12` | each client of ``clients`` (PKCS#12 when it says so) |
/// | `README.md` | how to point common stacks at the simulator with them |
///
/// More identities (a CPx card, another authority) are added as entries of ``clients`` or
/// beside them, without changing the others' names.
public enum TestPKI {
    /// The password of every `.p12` file.
    public static let password = "insi-sim"

    /// A client certificate of the folder.
    public struct Client: Sendable, Equatable {
        /// The file names' stem: `insi-auto` gives `insi-auto.pem`, `insi-auto-key.pem`, `insi-auto.p12`.
        public let name: String
        public let commonName: String
        /// Already expired when made.
        public let expired: Bool
        /// Also written as PKCS#12 (`NAME.p12`).
        public let pkcs12: Bool
        /// What the simulator does with it, for the folder's README.
        public let outcome: String
    }

    /// The client certificates, in the order of the README.
    public static let clients: [Client] = [
        Client(name: "insi-auto", commonName: "INSI-AUTO", expired: false, pkcs12: true,
               outcome: "accepted: the certificate of automatic calls"),
        Client(name: "insi-manu", commonName: "INSI-MANU", expired: false, pkcs12: true,
               outcome: "accepted: the certificate of calls a user starts"),
        Client(name: "wrong-cn", commonName: "INSI-TEST", expired: false, pkcs12: true,
               outcome: "handshake accepted, calls refused with the fault siram_100/desir_560 (the CN is neither INSI-AUTO nor INSI-MANU)"),
        Client(name: "expired", commonName: "INSI-AUTO", expired: true, pkcs12: false,
               outcome: "refused in the TLS handshake: the certificate has expired"),
    ]

    /// A practitioner's CPx card, made for teams without test cards: its certificate and key
    /// sign SAML assertions (`insi-sim assertion sign`) that the CPx endpoint checks.
    public struct Card: Sendable, Equatable {
        /// Which authority issued it.
        public enum Authority: Sendable, Equatable {
            /// The card CA (`card-ca.pem`): a physical card.
            case physical
            /// The e-CPS CA (`ecps-ca.pem`): a software card, which INSi refuses.
            case eCPS
        }

        /// The file names' stem: `card-doctor.pem`, `card-doctor-key.pem`, `card-doctor.p12`.
        public let name: String
        /// The subject, shaped like a real card's: given name, CN = the card number and surname
        /// in one RDN, the profession (title), the country.
        public let givenName: String
        public let cardNumber: String
        public let surname: String
        public let profession: String
        public let authority: Authority
        public let outcome: String

        var subject: [(attribute: String, value: String)] {
            [("C", "FR"), ("title", profession), ("GN", givenName), ("+CN", cardNumber), ("+SN", surname)]
        }
    }

    /// The cards, in the order of the README.
    public static let cards: [Card] = [
        Card(name: "card-doctor", givenName: "OLIVIER", cardNumber: "00B6087510", surname: "DUPONT", profession: "Medecin",
             authority: .physical, outcome: "a doctor's card: the assertions it signs are accepted"),
        Card(name: "card-nurse", givenName: "CLAIRE", cardNumber: "00B6087520", surname: "MARTIN", profession: "Infirmier",
             authority: .physical, outcome: "a nurse's card: the assertions it signs are accepted"),
        Card(name: "ecps", givenName: "LUC", cardNumber: "00B6087550", surname: "LOGICIEL", profession: "Medecin",
             authority: .eCPS, outcome: "an e-CPS: its assertions are refused (INSi requires a physical card)"),
    ]

    public static let cardCAFile = "card-ca.pem"
    public static let cardCAKeyFile = "card-ca-key.pem"
    public static let eCPSCAFile = "ecps-ca.pem"
    public static let eCPSCAKeyFile = "ecps-ca-key.pem"

    public static let caFile = "ca.pem"
    public static let caKeyFile = "ca-key.pem"
    public static let serverFile = "server.pem"
    public static let serverKeyFile = "server-key.pem"
    public static let readmeFile = "README.md"

    /// Every file the folder holds, in the order they are written.
    public static var fileNames: [String] {
        var names = [caFile, caKeyFile, serverFile, serverKeyFile]
        for client in clients {
            names += [client.name + ".pem", client.name + "-key.pem"] + (client.pkcs12 ? [client.name + ".p12"] : [])
        }
        names += [cardCAFile, cardCAKeyFile, eCPSCAFile, eCPSCAKeyFile]
        for card in cards {
            names += [card.name + ".pem", card.name + "-key.pem", card.name + ".p12"]
        }
        return names + [readmeFile]
    }

    /// The files a TLS listener is started from.
    public static let serverFiles = [caFile, serverFile, serverKeyFile]

    /// How the folder is made.
    public struct Options: Sendable, Equatable {
        /// Names the server certificate is valid for beside localhost, 127.0.0.1 and ::1.
        public var hosts: [String]
        /// Validity of every certificate but the expired one, in days from now.
        public var days: Int
        /// The time certificates are dated from.
        public var now: Date

        public init(hosts: [String] = [], days: Int = 825, now: Date = Date()) {
            self.hosts = hosts
            self.days = days
            self.now = now
        }

        /// The server's subjectAltName entries: the names given, then localhost and the loopback addresses.
        public var serverNames: [String] {
            var names: [String] = []
            for name in hosts + ["localhost", "127.0.0.1", "::1"] where !names.contains(name) { names.append(name) }
            return names
        }
    }

    /// Writes the whole folder (created if needed) and returns the paths written.
    /// - Parameter overwrite: replace files already there; without it, a folder holding any
    ///   of the files is refused (a PKI that clients already trust is not replaced by mistake).
    @discardableResult
    public static func generate(in directory: URL, options: Options = Options(), overwrite: Bool = false) throws(PKIError) -> [URL] {
        guard (1...36_500).contains(options.days) else { throw PKIError("--days must be between 1 and 36500, not \(options.days)") }
        let manager = FileManager.default
        if !overwrite {
            let present = fileNames.filter { manager.fileExists(atPath: directory.appendingPathComponent($0).path) }
            guard present.isEmpty else {
                throw PKIError("\(directory.path) already holds \(present.joined(separator: ", ")): choose another folder, or replace them with --force")
            }
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PKIError("cannot create the folder \(directory.path): \(error.localizedDescription)")
        }
        let files = try make(options)
        var written: [URL] = []
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            try write(file.bytes, to: url, secret: file.secret)
            written.append(url)
        }
        return written
    }

    /// `serve --tls-dir`: uses the folder when it holds the server's files, generates it when
    /// it is missing or empty, and refuses a folder holding only some of them. True when generated.
    public static func prepare(_ directory: URL, options: Options = Options()) throws(PKIError) -> Bool {
        let manager = FileManager.default
        let present = serverFiles.filter { manager.fileExists(atPath: directory.appendingPathComponent($0).path) }
        if present.count == serverFiles.count { return false }
        guard present.isEmpty else {
            let missing = serverFiles.filter { !present.contains($0) }
            throw PKIError("\(directory.path) holds \(present.joined(separator: ", ")) but not \(missing.joined(separator: ", ")): "
                           + "give a complete folder, or an empty or missing one to have it generated")
        }
        try generate(in: directory, options: options)
        return true
    }

    private struct File {
        let name: String
        let bytes: [UInt8]
        let secret: Bool
    }

    private static func make(_ options: Options) throws(PKIError) -> [File] {
        let now = options.now
        let hour: TimeInterval = 3600
        let day: TimeInterval = 86_400
        // An hour back: a client whose clock is a little behind still sees them valid.
        let validFrom = now - hour
        let validUntil = now + Double(options.days) * day
        // Every key of the folder at once, in parallel; taken in order below.
        var keys = try PrivateKey.rsa(count: 4 + clients.count + cards.count)[...]
        func nextKey() -> PrivateKey { keys.removeFirst() }
        let caKey = nextKey()
        let ca = try CertificateIssuer.selfSigned(CertificateProfile(
            subject: [("C", "FR"), ("O", "insi-sim"), ("OU", "insi-sim test PKI, not for production"), ("CN", "TEST AC INSI-SIM ORGANISATIONS")],
            notBefore: validFrom, notAfter: validUntil + day, role: .authority), key: caKey)
        let serverKey = nextKey()
        let server = try CertificateIssuer.issue(CertificateProfile(
            subject: [("C", "FR"), ("O", "insi-sim"), ("CN", options.serverNames[0])],
            notBefore: validFrom, notAfter: validUntil, role: .server(names: options.serverNames)),
            key: serverKey, by: ca, authorityKey: caKey)
        var files = [
            File(name: caFile, bytes: try ca.pem(), secret: false),
            File(name: caKeyFile, bytes: try caKey.pem(), secret: true),
            File(name: serverFile, bytes: try server.pem(), secret: false),
            File(name: serverKeyFile, bytes: try serverKey.pem(), secret: true),
        ]
        for client in clients {
            let key = nextKey()
            let certificate = try CertificateIssuer.issue(CertificateProfile(
                subject: [("C", "FR"), ("O", "insi-sim test organisation"), ("CN", client.commonName)],
                notBefore: client.expired ? now - 60 * day : validFrom, notAfter: client.expired ? now - day : validUntil, role: .client),
                key: key, by: ca, authorityKey: caKey)
            files.append(File(name: client.name + ".pem", bytes: try certificate.pem(), secret: false))
            files.append(File(name: client.name + "-key.pem", bytes: try key.pem(), secret: true))
            if client.pkcs12 {
                let archive = try PKCS12Archive.make(key: key, certificate: certificate, chain: [ca], password: password,
                                                     friendlyName: client.name)
                files.append(File(name: client.name + ".p12", bytes: archive, secret: true))
            }
        }
        // The CPx cards: their authorities, then each card as PEM and PKCS#12.
        let cardCAKey = nextKey()
        let cardCA = try CertificateIssuer.selfSigned(CertificateProfile(
            subject: [("C", "FR"), ("O", "insi-sim"), ("OU", "insi-sim test PKI, not for production"), ("CN", "TEST AC INSI-SIM FORT PERSONNES")],
            notBefore: validFrom, notAfter: validUntil + day, role: .authority), key: cardCAKey)
        let eCPSCAKey = nextKey()
        let eCPSCA = try CertificateIssuer.selfSigned(CertificateProfile(
            subject: [("C", "FR"), ("O", "insi-sim"), ("OU", "insi-sim test PKI, not for production"), ("CN", "TEST AC INSI-SIM E-CPS")],
            notBefore: validFrom, notAfter: validUntil + day, role: .authority), key: eCPSCAKey)
        files.append(File(name: cardCAFile, bytes: try cardCA.pem(), secret: false))
        files.append(File(name: cardCAKeyFile, bytes: try cardCAKey.pem(), secret: true))
        files.append(File(name: eCPSCAFile, bytes: try eCPSCA.pem(), secret: false))
        files.append(File(name: eCPSCAKeyFile, bytes: try eCPSCAKey.pem(), secret: true))
        for card in cards {
            let (authority, authorityKey) = card.authority == .physical ? (cardCA, cardCAKey) : (eCPSCA, eCPSCAKey)
            let key = nextKey()
            let certificate = try CertificateIssuer.issue(CertificateProfile(
                subject: card.subject, notBefore: validFrom, notAfter: validUntil, role: .cardSigning),
                key: key, by: authority, authorityKey: authorityKey)
            files.append(File(name: card.name + ".pem", bytes: try certificate.pem(), secret: false))
            files.append(File(name: card.name + "-key.pem", bytes: try key.pem(), secret: true))
            let archive = try PKCS12Archive.make(key: key, certificate: certificate, chain: [authority], password: password,
                                                 friendlyName: card.name)
            files.append(File(name: card.name + ".p12", bytes: archive, secret: true))
        }
        files.append(File(name: readmeFile, bytes: Array(TestPKIReadme.text(options).utf8), secret: false))
        return files
    }

    /// Keys and archives are readable by their owner only (0600), certificates by all (0644).
    private static func write(_ bytes: [UInt8], to url: URL, secret: Bool) throws(PKIError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        let created = FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes),
                                                     attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        guard created, rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw PKIError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}
