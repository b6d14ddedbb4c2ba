import INSiClient

/// The exit codes of `lookup`, `vitale` and `verify`, documented in docs/reference/exit-codes.md. 64 (bad
/// arguments) is ArgumentParser's own.
enum ClientExitCode {
    static let found: Int32 = 0
    static let notFound: Int32 = 1
    static let several: Int32 = 2
    static let fault: Int32 = 3
    /// Transport failure, timeout, unexpected HTTP status, unreadable answer.
    static let noAnswer: Int32 = 4
    /// A 00 whose INS must not be used (a key that fails the key rule, incoherent dates, an
    /// unknown OID): not the same as a clean find.
    static let notUsable: Int32 = 5
    /// `verify`: KO, the identity goes to the work list.
    static let verificationKO: Int32 = 6

    static func of(_ error: INSiClientError) -> Int32 {
        if case .fault = error { return fault }
        return noAnswer
    }

    /// For the commands' help.
    static let searchSummary = "0 found (INS usable), 1 none, 2 several, 3 SOAP fault, 4 no usable answer (transport failure, "
        + "timeout, unexpected HTTP status, unreadable answer), 5 found but the INS is not usable (invalid key, incoherent dates, "
        + "unknown OID)"
}
