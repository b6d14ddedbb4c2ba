import Testing
import INSiCore
@testable import INSiServer

@Suite("call record")
struct CallRecordTests {
    @Test("a record is a value: a copy changed leaves the original as it was, and both change in place once alone")
    func copiesAreIndependent() {
        var original = ServerHardeningTests.call("uuid:1")
        var copy = original
        copy.code = "fault"
        copy.messageID = nil
        copy.findings.append(Finding(.headerAction, "no action"))
        #expect(original.code == "00")
        #expect(original.messageID == "uuid:1")
        #expect(original.findings.isEmpty)
        #expect(copy.code == "fault" && copy.messageID == nil && copy.findings.count == 1)
        #expect(original != copy)
        // Each now holds its fields alone: a change to one is still not seen by the other.
        original.code = "01"
        copy.matricule = "1970299999999"
        #expect(original.code == "01" && original.matricule == nil)
        #expect(copy.code == "fault" && copy.matricule == "1970299999999")
    }
}
