import MedicCore
import MedicSession
import MedicTestSupport
import MedicTranscript
import Testing

/// A step may run past the 1h cap only with a reason (`timeout_beyond_cap`); that reason is
/// visible wherever the step's timeout matters: the screen before it runs, the journal and the
/// report (`show` is covered in MedicCoreTests).
@Suite("A timeout past the cap, shown with its reason")
struct TimeoutBeyondCapTests {
    static func yaml(timeout: String, reason: String?) -> String {
        """
        medic: 1
        id: long
        title: Long
        steps:
          dump:
            kind: action
            title: Dump the database
            why: A copy before the repair.
            command: [pg_dump, app]
            timeout: \(timeout)
        \(reason.map { "    timeout_beyond_cap: \"\($0)\"\n" } ?? "")    branches:
              - when: {succeeded: true}
                next: done
              - otherwise: failed
          done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
          failed: {kind: conclusion, title: Failed, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "Nothing", description: "In this test, nothing."}
        """
    }

    static let reason = "a full dump of the app's database takes about two hours"
    static let start = SessionStart(
        runbookID: "long", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [], interactive: true)

    /// Runs the runbook, answering yes, into a real session directory.
    static func run(timeout: String, reason: String?) throws -> (console: ScriptedConsole, runs: [RunRecord], report: String) {
        let runbook = try TestSupport.runbook(yaml(timeout: timeout, reason: reason))
        let session = try SampleEvents.session(runbookID: "long")
        let console = ScriptedConsole(interactive: true, replies: [.line("yes")])
        let runner = FakeRunner(results: ["dump": [StepResult(exitStatus: 0, output: "")]])
        let options = RunOptions(autoApprove: false, operatorName: "alice@box", sessionPath: session.path)
        _ = RunSession(
            walk: Walk(bundle: TestSupport.bundle(runbook), inputs: [:]), console: console, runner: runner, recorder: session, options: options
        )
        .run(start: start)
        try session.finish()
        #expect(runner.ran.map(\.stepID) == ["dump"])
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        let runs = read.entries.compactMap { if case .event(.run(let record)) = $0.record { record } else { nil } }
        return (console, runs, try Files.text(session.path + "/transcript.md"))
    }

    @Test("the screen (before the confirmation), the journal and the report give the timeout and the reason")
    func shownEverywhere() throws {
        let sentence = "timeout 3h, past the 1h cap because: \(Self.reason)"
        let run = try Self.run(timeout: "3h", reason: Self.reason)
        let shown = run.console.shown.firstIndex { $0.text == "  " + sentence }
        let asked = run.console.shown.firstIndex { $0.text.hasPrefix("Run it?") }
        #expect(shown != nil && asked != nil && shown! < asked!, "\(run.console.screen)")
        #expect(run.runs.map(\.timeoutBeyondCap) == [TimeoutBeyondCap(timeout: "3h", reason: Self.reason)])
        #expect(run.report.contains("Its \(sentence)."), "\(run.report)")
    }

    @Test("a timeout within the cap says nothing more")
    func withinTheCap() throws {
        let run = try Self.run(timeout: "50m", reason: nil)
        #expect(!run.console.screen.contains("past the 1h cap"))
        #expect(run.runs.count == 1 && run.runs.allSatisfy { $0.timeoutBeyondCap == nil })
        #expect(!run.report.contains("past the 1h cap"))
    }
}
