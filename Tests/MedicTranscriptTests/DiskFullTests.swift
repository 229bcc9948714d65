import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("a full disk")
struct DiskFullTests {
    /// Mounts a 64 KiB tmpfs for the test, or cancels the test with the reason.
    func tinyFilesystem() throws -> String {
        guard getuid() == 0 else { try Test.cancel("skipped: mounting a tmpfs needs root") }
        let mountPoint = try TestSupport.temporaryDirectory()
        let mount = try Files.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
        guard mount.status == 0 else { try Test.cancel("skipped: could not mount a tmpfs at \(mountPoint): \(mount.error)") }
        return mountPoint
    }

    @Test("recording until the disk is full throws, keeps throwing, and leaves only whole, true lines")
    func journalFillsDisk() throws {
        let mountPoint = try tinyFilesystem()
        defer {
            _ = try? Files.run(["umount", mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let session = try SessionDirectory.create(
            at: mountPoint + "/session", runbookID: "full", masking: Masking(secrets: []), screenSize: nil)

        // The output of a step fills the disk first: its write reports it.
        let output = try session.openOutput(stepID: "flood")
        let chunk = ArraySlice([UInt8](repeating: UInt8(ascii: "x"), count: 4096))
        var outputError: TranscriptError?
        for _ in 0..<64 {
            do { try output.write(chunk) } catch let error as TranscriptError {
                outputError = error
                break
            }
        }
        #expect(
            outputError?.description == "could not write the output of step 'flood' to \(session.path)/output/001-flood.log: No space left on device")
        _ = try? output.close()
        try FileManager.default.removeItem(atPath: session.path + "/output/001-flood.log")

        var recorded = 0
        var recordError: TranscriptError?
        for i in 0..<1000 {
            do {
                try session.record(.note("note \(i) " + String(repeating: "y", count: 333 + i % 17)))
                recorded += 1
            } catch let error as TranscriptError {
                recordError = error
                break
            }
        }
        let path = session.path + "/transcript.jsonl"
        #expect(recordError?.description == "could not record to \(path): No space left on device")
        #expect(recorded > 10)
        // Space comes back, but the journal must not go on after a gap.
        try? FileManager.default.removeItem(atPath: session.path + "/session.cast")
        #expect(throws: TranscriptError.self) { try session.record(.note("after the failure")) }
        #expect(throws: TranscriptError.self) { try session.openOutput(stepID: "after") }

        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.last == 0x0A)
        let read = JournalReader.read(path: path)
        #expect(read.problems.isEmpty, "\(read.problems)")
        #expect(read.entries.count == recorded)
        guard case .note(let text)? = read.entries.last?.event else {
            Issue.record("the last record is not a note")
            return
        }
        #expect(text.hasPrefix("note \(recorded - 1) "))
    }
}
