#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the process when an invariant does not hold: libFuzzer then saves the input as a crash
/// file, and a replay exits non-zero. `abort()` rather than `fatalError` so that the message is
/// printed even where the Swift backtracer is disabled.
public func fuzzCheck(
    _ condition: @autoclosure () -> Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    if condition() { return }
    fuzzPrintError("INVARIANT BROKEN at \(file):\(line): \(message())")
    abort()
}

/// A short, printable rendering of bytes for messages.
public func fuzzDescribe<S: Sequence>(_ bytes: S, limit: Int = 160) -> String where S.Element == UInt8 {
    var text = ""
    var count = 0
    for byte in bytes {
        if count == limit { text += "…"; break }
        switch byte {
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x20...0x7E: text += String(UnicodeScalar(byte))
        default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
        count += 1
    }
    return "\"" + text + "\""
}

/// Writes a line to the standard error, unbuffered (the process may abort right after).
public func fuzzPrintError(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}
