import Foundation
import MedicSession
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

/// The report's first screen and timeline for whole sessions of the two-fixes runbook, against
/// snapshot files (`Fixtures/reports/NAME.md`). Re-record with `MEDIC_RECORD_SNAPSHOTS=1 swift test`.
@Suite("The report's first screen")
struct ReportSnapshotTests {
    static let folder = TestSupport.repositoryRoot + "/Tests/MedicTranscriptTests/Fixtures/reports"
    static let sessionPath = "/var/lib/medic/sessions/20261122T031000Z-two-fixes"

    /// Writes journal lines as a session directory does, with a fixed clock: 03:10:00 UTC plus
    /// 7 seconds per record, so the report is the same on every run.
    final class FixedClockJournal: Recorder {
        let encoder: SessionDirectory
        var lines: [String] = []
        var outputs = 0
        init() throws { encoder = try SampleEvents.session(runbookID: "two-fixes") }

        func record(_ event: TranscriptEvent) throws -> String {
            let milliseconds: Int64 = 1_795_317_000_000 + Int64(lines.count) * 7000
            lines.append(encoder.journalLine(event, sequence: lines.count + 1, milliseconds: milliseconds))
            return Clock.iso8601(milliseconds: milliseconds)
        }

        func openOutput(stepID: String) throws -> any OutputStore {
            outputs += 1
            return NamedStore(name: "output/00\(outputs)-\(stepID).log")
        }
    }

    final class NamedStore: OutputStore {
        let name: String
        init(name: String) { self.name = name }
        func write(_ bytes: ArraySlice<UInt8>) throws {}
        func close() throws -> String { name }
    }

    /// A session: how it is driven, and how many journal lines to keep (all when nil).
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var replies: [ConsoleReply]
        var results: [String: [StepResult]] = [:]
        var interactive = true
        var dryRun = false
        var yes = false
        var keepLines: Int?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "approved", replies: [.line("yes"), .line("yes")]),
        Case(name: "declined", replies: [.line("no"), .line("yes")]),
        Case(name: "dry-run", replies: [], interactive: false, dryRun: true),
        Case(
            name: "restart-failed", replies: [], results: ["restart": [StepResult(exitStatus: 1, output: "unit not found\n")]], interactive: false,
            yes: true),
        Case(name: "refused", replies: [], interactive: false),
        Case(name: "unfinished", replies: [.line("yes"), .line("yes")], keepLines: 9),
    ]

    /// The whole report of `item`'s session, and the journal it was rendered from.
    static func report(_ item: Case) throws -> String {
        let journal = try FixedClockJournal()
        let (session, _) = try TwoFixes.session(
            item.replies, results: item.results, interactive: item.interactive, dryRun: item.dryRun, yes: item.yes, recorder: journal)
        var flags: [String] = []
        if item.yes { flags.append("--yes") }
        if item.dryRun { flags.append("--dry-run") }
        _ = session.run(start: TwoFixes.start(flags: flags, interactive: item.interactive))
        let kept = item.keepLines.map { Array(journal.lines.prefix($0)) } ?? journal.lines
        let path = try TestSupport.temporaryDirectory() + "/transcript.jsonl"
        try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let read = JournalReader.read(path: path)
        return MarkdownReport.render(read.entries, problems: read.problems, sessionPath: sessionPath)
    }

    @Test("the first screen and the timeline are as recorded", arguments: cases)
    func snapshot(_ item: Case) throws {
        let report = try Self.report(item)
        let top = String(try #require(report.components(separatedBy: "## Details\n").first))
        let snapshot = Self.folder + "/\(item.name).md"
        if TestSupport.recordingSnapshots {
            try top.write(toFile: snapshot, atomically: true, encoding: .utf8)
            return
        }
        #expect(top == (try String(contentsOfFile: snapshot, encoding: .utf8)))
    }

    @Test("the first screen fits one screen", arguments: cases)
    func fitsOneScreen(_ item: Case) throws {
        let report = try Self.report(item)
        let first = try #require(report.components(separatedBy: "## Timeline\n").first)
        #expect(first.split(separator: "\n", omittingEmptySubsequences: false).count <= 24, "\(first)")
    }

    @Test("a declined action changes the first screen: it is listed as not run, with who and when")
    func declinedOnFirstScreen() throws {
        let first = try #require(try Self.report(Self.cases[1]).components(separatedBy: "## Timeline\n").first)
        #expect(first.contains("**Actions not run:**\n  - \"Stop the build jobs\" (stop-jobs) was not run: declined by alice@box at 03:10:"))
        #expect(first.contains("> Not done on this path:\n> - \"Stop the build jobs\" (stop-jobs) was not run: declined by alice@box at 03:10:"))
        #expect(first.contains("**Actions taken:**\n  - \"Restart the app\" (restart) ran and succeeded: confirmed by alice@box at 03:1"))
    }

    @Test("the details list only the inputs the path used")
    func inputsUsed() throws {
        let report = try Self.report(Self.cases[0])
        #expect(report.contains("### Inputs the path used\n\n- `dir`: `/srv/app`\n- `restart_status`: `0`\n"))
        #expect(report.contains("1 other input was given but not used on this path."))
        #expect(!report.contains("`unused`"))
    }
}
