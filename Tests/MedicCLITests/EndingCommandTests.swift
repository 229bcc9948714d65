import Foundation
import MedicCore
import MedicTestSupport
import MedicTranscript
import Testing

/// The real binary: what the ending says on the screen, in the journal's `end` record and in
/// transcript.md when an action is not run or fails, and the drill's verdict.
@Suite("The ending of a real run, and a drill's verdict")
struct EndingCommandTests {
    let cli = CommandLineTests()

    /// A folder holding the two-fixes runbook and its scenario.
    func folder() throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        try TwoFixes.yaml.write(toFile: dir + "/two-fixes.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/two-fixes.scenarios", withIntermediateDirectories: true)
        try TwoFixes.scenario.write(toFile: dir + "/two-fixes.scenarios/recovered.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    /// The `end` record of the session's journal, which must be its last.
    func end(_ session: String) throws -> SessionEnd {
        try #require(try SessionEvidence(directory: session).end, "the journal of \(session) does not end with an end record")
    }

    @Test("with --yes and every action succeeding, the ending is the conclusion's summary alone")
    func allDone() throws {
        let dir = try folder()
        let run = try cli.medic(["run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/s"])
        #expect(run.status == 0)
        let end = try end(dir + "/s")
        #expect(end.summary == "The app in \(dir) answers again.")
        #expect(end.actions.map(\.fate) == [.done, .done])
        #expect(!run.output.contains("Not done"))
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("- **Session directory:** `\(dir)/s`"))
        #expect(report.contains("- **Actions not run:** none"))
    }

    @Test("a dry run's ending names every action as not run: on the screen, in the end record and in transcript.md")
    func dryRun() throws {
        let dir = try folder()
        let run = try cli.medic(["run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--dry-run", "--transcript", dir + "/s"])
        #expect(run.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/jobs-stopped"))
        let told = """
            Not done on this path:
            - "Stop the build jobs" (stop-jobs) was not run: dry run (--dry-run).
            - "Restart the app" (restart) was not run: dry run (--dry-run).
            """
        #expect(run.output.contains("The app in \(dir) answers again.\n" + told))
        #expect(try end(dir + "/s").summary == "The app in \(dir) answers again.\n" + told)
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("> Not done on this path:\n> - \"Stop the build jobs\" (stop-jobs) was not run: dry run (--dry-run)."))
        #expect(report.contains("- **Actions taken:** none"))
    }

    @Test("a failed action under --yes is named with its status and approver, and the escalation is in the end record")
    func failed() throws {
        let dir = try folder()
        let run = try cli.medic([
            "run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--var", "restart_status=1", "--yes", "--transcript", dir + "/s",
        ])
        #expect(run.status == 3)
        let end = try end(dir + "/s")
        let summary = end.summary
        #expect(summary.contains("- \"Restart the app\" (restart) ran and failed (exit status 1): approved by --yes at "))
        #expect(run.output.contains(summary))
        #expect(end.escalateTo == "the app's owners in the app-oncall channel")
        #expect(run.output.contains("Escalate to: the app's owners in the app-oncall channel"))
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("- **Escalate to:** the app's owners in the app-oncall channel"))
    }

    @Test("without a terminal or --yes the run stops before the action, needing a person, and the ending says nobody approved it")
    func refused() throws {
        let dir = try folder()
        let run = try cli.medic(["run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--transcript", dir + "/s"], stdin: "yes\n")
        #expect(run.status == 7)
        let told = "- \"Stop the build jobs\" (stop-jobs) was not run: nobody approved it."
        #expect(run.output.contains(told))
        #expect(try end(dir + "/s").summary.contains(told))
        #expect(try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8).contains(told))
    }

    @Test("`medic transcript render` prints the same first screen from the journal")
    func render() throws {
        let dir = try folder()
        _ = try cli.medic(["run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--dry-run", "--transcript", dir + "/s"])
        let rendered = try cli.medic(["transcript", "render", dir + "/s"])
        #expect(rendered.status == 0)
        #expect(rendered.output == (try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)))
    }

    @Test("a resumed run's ending and report tell what became of the actions before the interruption")
    func resumed() throws {
        let dir = try folder()
        let first = try cli.medic(["run", dir + "/two-fixes.yaml", "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/one"])
        try #require(first.status == 0)
        // Cut the journal back to the moment the restart was entered, as if Medic had died there.
        let stopped = try #require(
            JournalReader.read(path: dir + "/one/transcript.jsonl").entries.first {
                if case .confirm(let record)? = $0.event { record.stepID == "stop-jobs" } else { false }
            })
        let stoppedAt = try #require(stopped.time.firstMatch(of: #/T(\d\d:\d\d:\d\d)/#)?.output.1)
        try SessionEvidence.cut(dir + "/one", atStep: "restart")

        let resumed = try cli.medic(["resume", dir + "/one", "--yes", "--transcript", dir + "/two"])
        #expect(resumed.status == 0, "\(resumed.output)\(resumed.error)")
        let actions = try end(dir + "/two").actions
        #expect(actions.map(\.stepID) == ["stop-jobs", "restart"], "one visit each: the restart nobody decided is entered again")
        #expect(actions.map(\.fate) == [.done, .done])
        let report = try String(contentsOfFile: dir + "/two/transcript.md", encoding: .utf8)
        #expect(report.contains("- \"Stop the build jobs\" (stop-jobs) ran and succeeded: approved by --yes at \(stoppedAt) UTC."))
    }

    @Test("a drill that declines every fix reaches RESOLVED and still fails, exit 6")
    func drillDeclined() throws {
        let dir = try folder()
        let run = try cli.medic(["drill", dir + "/two-fixes.yaml", "--scenario", "recovered"], stdin: "no\nno\n")
        #expect(run.status == 6, "\(run.output)")
        #expect(run.output.contains("you reached: resolved · oom-killed"))
        #expect(run.output.contains("✗ Stop the build jobs (stop-jobs): you declined; expected approved"))
        #expect(run.output.contains("✗ Restart the app (restart): you declined; expected approved"))
        #expect(run.output.contains("drill failed: 2 decisions not as the incident needed"))
    }

    @Test("a drill that approves the fixes the incident needs passes, exit 0")
    func drillApproved() throws {
        let dir = try folder()
        let run = try cli.medic(["drill", dir + "/two-fixes.yaml", "--scenario", "recovered"], stdin: "yes\nyes\n")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("✓ Stop the build jobs (stop-jobs): you approved; expected approved"))
        #expect(run.output.contains("drill passed"))
        let test = try cli.medic(["test", dir + "/two-fixes.yaml"])
        #expect(test.status == 0, "the same scenario passes medic test: \(test.output)")
    }

    @Test("a drill of a rolling restart that approves every batch passes: each batch is graded as a decision of its own")
    func drillRollout() throws {
        let run = try cli.medic(["drill", "runbooks/upstream-pool.yaml", "--scenario", "two-down-rolling"], stdin: "yes\nyes\n")
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("✓ Restart the app where it is stopped, batch 1 (restart): you approved; expected approved"), "\(run.output)")
        #expect(run.output.contains("✓ Restart the app where it is stopped, batch 2 (restart): you approved; expected approved"))
        #expect(run.output.contains("drill passed"))
    }

    @Test("a drill of a rolling restart that declines the second batch fails on that batch only")
    func drillRolloutSecondBatchDeclined() throws {
        let run = try cli.medic(["drill", "runbooks/upstream-pool.yaml", "--scenario", "two-down-rolling"], stdin: "yes\nno\n")
        #expect(run.status == 6, "\(run.output)\(run.error)")
        #expect(run.output.contains("✓ Restart the app where it is stopped, batch 1 (restart): you approved; expected approved"), "\(run.output)")
        #expect(run.output.contains("✗ Restart the app where it is stopped, batch 2 (restart): you declined; expected approved"))
    }
}

/// The same ending at a real terminal: the operator declines the first fix.
@Suite("The ending at a terminal", .enabled(if: Terminal.available, "tmux is not installed"))
struct EndingTerminalTests {
    @Test("declining a fix at the prompt is named in the ending: on the screen, in the end record and in transcript.md")
    func declinedAtTheTerminal() throws {
        let dir = try EndingCommandTests().folder()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(dir)/two-fixes.yaml --var dir=\(dir) --transcript \(dir)/s", environment: ["NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("Run it? › ", times: 2)
        try terminal.type("yes")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 0]")
        let end = try EndingCommandTests().end(dir + "/s")
        let summary = end.summary
        let told = try #require(
            summary.firstMatch(of: #/- "Stop the build jobs" \(stop-jobs\) was not run: declined by [^ ]+@[^ ]+ at \d\d:\d\d:\d\d UTC\./#))
        #expect(screen.contains(String(told.output)))
        #expect(try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8).contains("**Actions not run:**\n  " + told.output))
        #expect(!FileManager.default.fileExists(atPath: dir + "/jobs-stopped"))
        #expect(FileManager.default.fileExists(atPath: dir + "/restarted"))
    }
}
