import Foundation
import MedicSession
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

/// transcript.md for a rolling action that stopped part way: the first screen, the timeline
/// and the end record tell the same story, host by host.
@Suite("The report of a rolling action")
struct RolloutReportTests {
    static let yaml = """
        medic: 1
        id: roll
        title: Roll
        hosts:
          web: [a, b, c]
        steps:
          restart:
            kind: action
            title: Restart web
            why: w
            where: {hosts: web}
            batch: {size: 1, verify: ok}
            command: [systemctl, restart, app]
            skip: bad
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: good
              - otherwise: bad
          ok:
            kind: check
            title: Is it ok?
            why: w
            where: {hosts: web}
            command: [systemctl, is-active, app]
          good: {kind: conclusion, title: Good, why: w, outcome: resolved, cause: none, summary: restarted everywhere}
          bad: {kind: conclusion, title: Bad, why: w, outcome: escalate, cause: none, summary: the restart did not help}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    /// `--yes`; the check after batch 2 fails on b, so c is never touched.
    static func report() throws -> (report: String, end: SessionEnd, journal: [JournalEntry]) {
        let journal = try ReportSnapshotTests.FixedClockJournal()
        let walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(yaml)), inputs: [:])
        let ok = StepResult(exitStatus: 0)
        let runner = HostRunnerDouble(results: [
            "restart": ["a": ok, "b": ok, "c": ok], "ok": ["a": ok, "b": StepResult(exitStatus: 3, output: "inactive\n")],
        ])
        let options = RunOptions(autoApprove: true, operatorName: "alice@box", sessionPath: "/tmp/s")
        let session = RunSession(
            walk: walk, console: ScriptedConsole(interactive: false, replies: []), runner: runner, recorder: journal, options: options)
        let end = session.run(
            start: SessionStart(
                runbookID: "roll", runbookVersion: "1", files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: ["--yes"],
                interactive: false))
        let path = try TestSupport.temporaryDirectory() + "/transcript.jsonl"
        try (journal.lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let read = JournalReader.read(path: path)
        return (MarkdownReport.render(read.entries, problems: read.problems, sessionPath: "/tmp/s"), end, read.entries)
    }

    @Test("--yes, the check fails on b: taken on a and b, failed on b, not run on c, in the first screen and the ending")
    func firstScreen() throws {
        let (report, end, _) = try Self.report()
        let at = try #require(end.actions.first).batches.map { ActionRecord.clock($0.at) }
        try #require(at.count == 2)
        let told =
            "\"Restart web\" (restart) ran on 2 of 3 hosts (a, b); failed on b (the check ok did not pass there: exit 3);"
            + " not run on c: the rollout stopped (the check after batch 2 (ok) did not pass: it failed on b):"
            + " batch 1 approved by --yes at \(at[0]), batch 2 approved by --yes at \(at[1])"
        #expect(end.actions.map(\.sentence) == [told])
        #expect(report.contains("- **Actions taken:**\n  - \(told).\n"), "\(report)")
        #expect(
            report.contains(
                "- **Actions not run:**\n  - \"Restart web\" (restart) was not run on c: the rollout stopped (the check after batch 2 (ok) did not pass: it failed on b).\n"
            ))
        #expect(report.contains("> - \(told)."))
        #expect(
            report.contains("- **Verification:** the checks after the last action\n  - failed: ok (`ok`, failed on 1 of 1 hosts (b))\n"),
            "the check between batches ran after the last batch")
        #expect(!report.contains("ran and succeeded"))
        #expect(!report.contains("could not run"))
    }

    @Test("the timeline names the check between batches and where a run failed, never 'could not run'")
    func timeline() throws {
        let (report, _, _) = try Self.report()
        #expect(
            report.contains(
                "ACTION Restart web (`restart`): approved by --yes; succeeded; check `ok` succeeded; approved by --yes; succeeded;"
                    + " check `ok` failed on 1 of 1 hosts (b), failed; the rollout stopped: the check after batch 2 (ok) did not pass: it failed on b; next `bad`"
            ), "\(report)")
    }

    @Test("the end record keeps each batch and host, and reads back to the same sentence")
    func endRecordRoundTrip() throws {
        let (_, end, entries) = try Self.report()
        let ends = entries.compactMap { entry -> SessionEnd? in if case .end(let end)? = entry.event { end } else { nil } }
        let read = try #require(ends.first)
        #expect(read.actions == end.actions)
        let restart = try #require(read.actions.first)
        #expect(restart.fate == .failed)
        #expect(restart.hosts.map(\.state) == [.succeeded, .verifyFailed, .notRun])
        #expect(restart.batches.count == 2)
    }
    @Test("a rollout stopped for want of a person at batch 2, then resumed: the resumed run's report tells it once, across both runs")
    func resumedRollout() throws {
        let bundle = TestSupport.bundle(try TestSupport.runbook(Self.yaml))
        let ok = StepResult(exitStatus: 0)
        let results: [String: [String: StepResult]] = ["restart": ["a": ok, "b": ok, "c": ok], "ok": ["a": ok, "b": ok, "c": ok]]
        let start = SessionStart(
            runbookID: "roll", runbookVersion: "1", files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [],
            interactive: true)
        // The first run: batch 1 approved, then the input ends at batch 2's confirmation.
        let first = MemoryRecorder()
        _ = RunSession(
            walk: Walk(bundle: bundle, inputs: [:]), console: ScriptedConsole(interactive: true, replies: [.line("yes")]),
            runner: HostRunnerDouble(results: results), recorder: first,
            options: RunOptions(operatorName: "alice@box", sessionPath: "/tmp/s1")
        ).run(start: start)
        // The resumed run, as `medic resume` builds it: batches 2 and 3 approved.
        var walk = Walk(bundle: bundle, inputs: [:])
        #expect(
            JournalReplay.replay(
                first.events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) },
                on: &walk
            ).problem == nil)
        var earlier = ActionAccount()
        for event in first.events { earlier.observe(event, at: "2026-11-21T03:00:00.000Z") }
        let journal = try ReportSnapshotTests.FixedClockJournal()
        let session = RunSession(
            walk: walk, console: ScriptedConsole(interactive: true, replies: [.line("yes"), .line("yes")]),
            runner: HostRunnerDouble(results: results), recorder: journal, options: RunOptions(operatorName: "bob@box", sessionPath: "/tmp/s2"))
        session.carryOver(earlier)
        let end = session.resume(start: start)
        #expect(end.outcome == "resolved")
        let path = try TestSupport.temporaryDirectory() + "/transcript.jsonl"
        try (journal.lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let read = JournalReader.read(path: path)
        let report = MarkdownReport.render(read.entries, problems: read.problems, sessionPath: "/tmp/s2")
        let told = try #require(end.actions.first?.sentence)
        #expect(end.actions.count == 1)
        #expect(
            told.hasPrefix(
                "\"Restart web\" (restart) ran and succeeded on all 3 hosts (a, b, c): batch 1 confirmed by alice@box at 03:00:00 UTC, batch 2 confirmed by bob@box at "
            ))
        #expect(told.hasSuffix(" (in the resumed run)"))
        #expect(report.contains("- **Actions taken:**\n  - \(told).\n"), "\(report)")
        #expect(report.contains("- **Actions not run:** none\n"), "\(report)")
        #expect(!report.contains("not run on"), "\(report)")
        // The end record reads back to the same account, the resumed batches marked.
        let ends = read.entries.compactMap { entry -> SessionEnd? in if case .end(let end)? = entry.event { end } else { nil } }
        #expect(ends.first?.actions == end.actions)
        #expect(ends.first?.actions.first?.batches.map(\.resumed) == [false, true, true])
    }
}
