import ArgumentParser
import Foundation
import INSiPKI
import INSiSOAP

/// `insi-sim assertion sign`: a card's signed SAML assertion, ready to paste into a request's
/// `wsse:Security` or to give to `lookup --assertion`.
struct AssertionSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a SAML assertion with a card's key, as a CPx card does.",
        discussion: """
        The card is a PKCS#12 file (the card-doctor.p12 or card-nurse.p12 of `insi-sim certs generate`). The \
        assertion is dated now: the CPx endpoint accepts it for --assertion-max-age (default one hour). \
        Signature: enveloped, exclusive c14n, RSA-SHA256, SHA-256, the card certificate in KeyInfo (xmlsec1).
        """
    )

    @Option(help: "The card: a PKCS#12 file (key and certificate).")
    var card: String

    @Option(help: "The PKCS#12 password. Default: insi-sim, the test PKI's.")
    var password = TestPKI.password

    @Option(name: .customLong("billing-id"), help: "identifiantFacturation: the practitioner's billing identifier.")
    var billingID = "123456789"

    @Option(help: "secteurActivite: the activity sector.")
    var sector = "SA05"

    @Option(help: "Subject/NameID: the card holder's identifier. Default: the card number (the certificate's CN).")
    var holder: String?

    @Option(help: "Write the assertion to this file instead of standard output.")
    var out: String?

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: card) else { throw ValidationError("--card \(card): no readable file there") }
        for (option, value) in [("--billing-id", billingID), ("--sector", sector), ("--holder", holder ?? "x")] where value.isEmpty {
            throw ValidationError("\(option) is empty")
        }
    }

    func run() throws {
        do {
            guard let archive = FileManager.default.contents(atPath: card) else { throw ValidationError("--card \(card): cannot read it") }
            let (key, certificate) = try PKCS12Archive.read(Array(archive), password: password)
            let certificatePEM = try certificate.pem()
            let assertion = try CardAssertionSigner.assertion(card: certificatePEM, holder: holder, billingID: billingID, sector: sector)
            let signed = try CardAssertionSigner.sign(assertion, key: try key.pem(), certificate: certificatePEM)
            if let out {
                try Data(signed).write(to: URL(fileURLWithPath: out))
                print("wrote the assertion \(assertion.id) of \(assertion.issuer) to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(signed + [0x0A]))
            }
        } catch let error as PKIError {
            try fail("--card \(card): \(error.description)")
        } catch let error as CardAssertionSigner.Failure {
            try fail(error.description)
        }
    }

    private func fail(_ message: String) throws -> Never {
        FileHandle.standardError.write(Data("insi-sim: \(message)\n".utf8))
        throw ExitCode(ExitStatus.unusableInput)
    }
}
