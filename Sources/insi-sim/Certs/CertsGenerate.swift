import ArgumentParser
import Foundation
import INSiPKI

/// `insi-sim certs generate`: a test PKI folder (authority, server, client certificates).
struct CertsGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a test PKI: an authority, a server certificate and client certificates.",
        discussion: """
        Files (names fixed): \(TestPKI.fileNames.joined(separator: ", ")). The client certificates: \
        \(TestPKI.clients.map { "\($0.name) (CN \($0.commonName)\($0.expired ? ", expired" : ""))" }.joined(separator: ", ")). \
        The .p12 files are PKCS#12 with the password '\(TestPKI.password)'. The folder's README.md tells how to point \
        curl, Java, .NET, Node and python at the simulator with them; serve --tls-dir DIR serves with them.
        """
    )

    @Option(help: "The folder to write (created if needed).")
    var out: String

    @Option(name: .customLong("host"), help: "A name (or address) the server certificate is valid for, beside localhost, 127.0.0.1 and ::1; repeatable.")
    var hosts: [String] = []

    @Option(help: "Validity of the certificates, in days (the expired one excepted).")
    var days: Int = TestPKI.Options().days

    @Flag(help: "Replace the files of a folder that already holds some.")
    var force = false

    func validate() throws {
        guard (1...36_500).contains(days) else { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
        for host in hosts where host.isEmpty || host.contains(where: { $0 == "," || $0.isWhitespace }) {
            throw ValidationError("--host '\(host)' is not a host name or an address")
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        do {
            let written = try TestPKI.generate(in: directory, options: TestPKI.Options(hosts: hosts, days: days), overwrite: force)
            print("wrote \(written.count) files to \(directory.path): \(written.map(\.lastPathComponent).joined(separator: ", "))")
            print("serve with: insi-sim serve --tls-dir \(out)   (clients trust \(directory.appendingPathComponent(TestPKI.caFile).path))")
        } catch {
            FileHandle.standardError.write(Data("insi-sim: \(error.description)\n".utf8))
            throw ExitCode(ExitStatus.unusableInput)
        }
    }
}
