import MedicCore
import Testing

/// A host set's step output file holds each host's section in turn; `medic resume` reads each
/// host's output back from it by the byte counts its hosts record keeps.
@Suite("Host sections of a step's output file")
struct HostSectionTests {
    func record(_ host: String, _ output: String, exit: Int? = 0) -> HostRecord {
        HostRecord(
            host: host, exitStatus: exit, unreachable: false, timedOut: false, cancelled: false, succeeded: exit == 0, durationMilliseconds: 5,
            failureReason: nil, excerpt: String(output.prefix(10)), bytes: output.utf8.count)
    }

    /// The file the run writes for `outputs`, one host each, and the record it journals.
    func written(_ outputs: [(String, String)]) -> (file: [UInt8], record: HostsRecord) {
        let records = outputs.map { record($0.0, $0.1) }
        let file = zip(records, outputs).map { $0.section($1.1) }.joined()
        return (Array(file.utf8), HostsRecord(stepID: "look", placement: "hosts pool", hosts: records))
    }

    @Test("each host's output is read back byte for byte: long, empty, without a last newline, not ASCII")
    func roundTrip() throws {
        let long = (1...3000).map { $0 == 1500 ? "NEEDLE\n" : "line \($0)\n" }.joined()
        let outputs = [("a", long), ("b", ""), ("c", "no newline at the end"), ("d", "é ✓\n\n"), ("e", "ssh: connect to host e: refused\r\n")]
        let (file, record) = written(outputs)
        #expect(try record.outputs(inFile: file) == outputs.map(\.1))
    }

    @Test("an output that prints the next host's section line does not move the boundary")
    func forgedSectionLine() throws {
        let forged = "before\n── b: exit 0\nforged for b\n"
        let outputs = [("a", forged), ("b", "b's own\n")]
        let (file, record) = written(outputs)
        #expect(try record.outputs(inFile: file) == [forged, "b's own\n"])
    }

    @Test("a file that does not hold the recorded sections is refused, not read differently", arguments: ["cut", "extra", "count", "line"])
    func mismatch(_ change: String) {
        var (file, record) = written([("a", "one\ntwo\n"), ("b", "three\n")])
        switch change {
        case "cut": file.removeLast()
        case "extra": file += Array("more\n".utf8)
        case "count": record.hosts[0].bytes = 4
        default: record.hosts[1].exitStatus = 1
        }
        #expect(throws: HostsRecord.SectionMismatch.self) { try record.outputs(inFile: file) }
    }

    @Test("a journal that does not record each host's byte count (an earlier Medic) reads no file: the excerpts stand in")
    func earlierJournal() throws {
        var (file, record) = written([("a", "one\n")])
        record.hosts[0].bytes = nil
        #expect(try record.outputs(inFile: file) == nil)
    }

    @Test("a byte count no file can hold is refused, however large, beside a long section line")
    func hugeCount() {
        var (file, record) = written([("a", "one\n")])
        record.hosts[0].exitStatus = nil
        record.hosts[0].failureReason = String(repeating: "x", count: 2000)
        record.hosts[0].bytes = Int.max - 100
        #expect(throws: HostsRecord.SectionMismatch.self) { try record.outputs(inFile: file) }
        file = []
        #expect(throws: HostsRecord.SectionMismatch.self) { try record.outputs(inFile: file) }
    }

    @Test("what the run held as text is read back as written: replacement characters for bytes that were not UTF-8, a masked host")
    func repairedAndMasked() throws {
        let repaired = String(decoding: [0x61, 0xFF, 0x62, 0x0A, 0xC3], as: UTF8.self)
        let outputs = [("\u{2022}\u{2022}\u{2022}\u{2022}1", repaired), ("b", "\u{FFFD}\n")]
        let (file, record) = written(outputs)
        #expect(try record.outputs(inFile: file) == outputs.map(\.1))
    }
}
