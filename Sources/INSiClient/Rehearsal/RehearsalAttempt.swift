/// One call of a case, as it goes into the report: what the CNAM or the CNDA needs to find it.
public struct RehearsalAttempt: Sendable, Hashable {
    /// `traits call`, `vitale call`, or the lookup step (`birth name variant (hyphensToSpace)`).
    public var step: String
    /// The traits or card data sent.
    public var sent: String
    /// The `wsa:MessageID` sent.
    public var messageID: String
    /// `00`, `01`, `02`, `fault` or `error`.
    public var code: String
    /// The answer in words: `00 OK`, `fault siram_100/desir_550`, `error timeout: …`.
    public var answer: String
    /// From sending to the end of the answer, in the unit the reports print.
    public var milliseconds: Double

    /// Public so that tests and other report writers can build a trail without a call.
    public init(step: String, sent: String, messageID: String, code: String, answer: String, milliseconds: Double) {
        self.step = step
        self.sent = sent
        self.messageID = messageID
        self.code = code
        self.answer = answer
        self.milliseconds = milliseconds
    }
}
