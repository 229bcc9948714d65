import Foundation
import MedicCore
import MedicTestSupport
import Testing

@testable import MedicTranscript

/// Reading a step's output back as the run kept it, for `medic resume`.
@Suite("reading a step's output back")
struct StepOutputReaderTests {
    /// A session holding one step output of `bytes`, and its output record.
    func output(_ bytes: [UInt8]) throws -> (session: SessionDirectory, record: OutputRecord) {
        let session = try SampleEvents.session()
        let store = try session.openOutput(stepID: "long")
        try store.write(bytes[...])
        let file = try store.close()
        return (session, OutputRecord(stepID: "long", excerpt: "", bytes: bytes.count, lines: 0, file: file))
    }

    @Test("the first and last bytes of a long output, and all of a short one")
    func headAndTail() throws {
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 256) }
        let (session, record) = try output(bytes)
        let long = try StepOutputReader.headAndTail(of: record, inSession: session.path, headBytes: 100_000, tailBytes: 50_000)
        #expect(long.head == Array(bytes.prefix(100_000)))
        #expect(long.tail == Array(bytes.suffix(50_000)))
        let whole = try StepOutputReader.headAndTail(of: record, inSession: session.path, headBytes: 200_000, tailBytes: 200_000)
        #expect(whole.head + whole.tail == bytes)
        #expect(whole.head.count == 200_000)
    }

    @Test("a file that no longer holds the recorded bytes, one outside output/, and a symbolic link are refused")
    func refusals() throws {
        let (session, record) = try output(Array("hello\n".utf8))
        var shorter = record
        shorter.bytes = 5
        #expect(throws: TranscriptError.self) { try StepOutputReader.headAndTail(of: shorter, inSession: session.path, headBytes: 10, tailBytes: 10) }
        for file in ["../transcript.jsonl", "output/../transcript.jsonl", "transcript.jsonl", "output/", "output/.."] {
            var outside = record
            outside.file = file
            let error = #expect(throws: TranscriptError.self) {
                try StepOutputReader.headAndTail(of: outside, inSession: session.path, headBytes: 10, tailBytes: 10)
            }
            #expect(error?.description.contains("not a file of the session's output folder") == true, "\(file)")
        }
        try FileManager.default.createSymbolicLink(
            atPath: session.path + "/output/link.log", withDestinationPath: session.path + "/" + (record.file ?? ""))
        var link = record
        link.file = "output/link.log"
        #expect(throws: TranscriptError.self) { try StepOutputReader.headAndTail(of: link, inSession: session.path, headBytes: 10, tailBytes: 10) }
        var nothing = record
        nothing.file = nil
        nothing.bytes = 0
        #expect(try StepOutputReader.headAndTail(of: nothing, inSession: session.path, headBytes: 10, tailBytes: 10) == ([], []))
    }
}
