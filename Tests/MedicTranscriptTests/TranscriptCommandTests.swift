import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("medic transcript render")
struct TranscriptCommandTests {
    /// The `medic` binary SwiftPM builds beside this test bundle.
    static var binary: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("medic").path
    }

    func medic(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { try Test.cancel("skipped: \(Self.binary) is not built") }
        return try Files.run([Self.binary] + arguments)
    }

    @Test("md prints the report; json prints the entries as a JSON array; a torn journal renders with a warning")
    func render() throws {
        let session = try SampleEvents.session()
        for event in MarkdownReportTests.run.prefix(9) { try session.record(event) }
        let markdown = try medic(["transcript", "render", session.path])
        #expect(markdown.status == 0)
        #expect(markdown.output.hasPrefix("# Incident transcript: nginx-502\n"))
        #expect(markdown.output.contains("**The run did not finish"))
        #expect(markdown.error.isEmpty)

        let json = try medic(["transcript", "render", session.path, "--format", "json"])
        #expect(json.status == 0)
        guard case .array(let items)? = JSONValue.parse(json.output) else { throw TestFailure("not a JSON array: \(json.output)") }
        #expect(items.count == 9)
        #expect(items.first?.value(at: "event") == .string("start"))

        let path = session.path + "/transcript.jsonl"
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size - 10)) == 0)
        let torn = try medic(["transcript", "render", session.path, "--format", "json"])
        #expect(torn.status == 0)
        #expect(torn.error == "medic: warning: line 9 is incomplete: the run was interrupted while writing it\n")
        guard case .array(let kept)? = JSONValue.parse(torn.output) else { throw TestFailure("not a JSON array: \(torn.output)") }
        #expect(kept.count == 8)
    }

    @Test("a folder without a journal is an error naming the file, exit 1")
    func missing() throws {
        let folder = try TestSupport.temporaryDirectory()
        let run = try medic(["transcript", "render", folder])
        #expect(run.status == 1)
        #expect(run.error == "medic: error: could not read \(folder)/transcript.jsonl: No such file or directory\n")
    }
}
