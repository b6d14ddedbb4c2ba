import INSiClient

/// The exit codes of `lookup` and `vitale`, documented in the README. 64 (bad arguments) is
/// ArgumentParser's own.
enum ClientExitCode {
    static let found: Int32 = 0
    static let notFound: Int32 = 1
    static let several: Int32 = 2
    static let fault: Int32 = 3
    /// Transport failure, timeout, unexpected HTTP status, unreadable answer.
    static let noAnswer: Int32 = 4

    static func of(_ error: INSiClientError) -> Int32 {
        if case .fault = error { return fault }
        return noAnswer
    }
}
