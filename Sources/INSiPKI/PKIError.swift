/// Why a certificate, a key or a PKI folder could not be made or written.
public struct PKIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
