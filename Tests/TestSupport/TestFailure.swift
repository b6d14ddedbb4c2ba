/// Why a test's helper could not do its part (a socket, a handshake, a child process), said so
/// that the failing test's output explains itself.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
