import ArgumentParser

/// `insi-sim certs`: the test PKI of the TLS listener.
struct Certs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the test certificates of the mutual-TLS listener (serve --tls-dir).",
        subcommands: [CertsGenerate.self]
    )
}
