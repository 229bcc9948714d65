import MedicCore
import MedicTestSupport
import Testing

@testable import MedicSession

/// What a step started that left its process group is named on screen and in the journal: ended
/// for a check, still running for an action.
@Suite("Processes that left a step's process group")
struct EscapeeNoteTests {
    static let yaml = """
        medic: 1
        id: escape
        title: Escape
        steps:
          look:
            kind: check
            title: Look
            why: To see.
            command: [uptime]
            branches:
              - otherwise: fine
          fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a check's escaped processes are named as ended, on screen and in the journal")
    func checkEscapeesNamed() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let walk = Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
        let console = ScriptedConsole(interactive: false, replies: [])
        var result = StepResult(exitStatus: 0, output: "up\n")
        result.escapees = ["sleep (pid 4242)", "sh (pid 4243)"]
        result.leftoversEnded = true
        let runner = FakeRunner(results: ["look": [result]], chunkSize: 1 << 16)
        let recorder = MemoryRecorder()
        let options = RunOptions(dryRun: false, autoApprove: false, operatorName: "alice@box", sessionPath: "/tmp/s")
        let session = RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options)
        let start = SessionStart(
            runbookID: "escape", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [],
            interactive: false)
        _ = session.run(start: start)
        let expected =
            "Medic ended 2 processes 'look' started that left its process group: sleep (pid 4242), sh (pid 4243)"
        #expect(console.screen.contains(expected))
        let notes = recorder.events.compactMap { if case .note(let text) = $0 { text } else { nil } }
        #expect(notes.contains(expected))
    }

    @Test("one note each for what was left in the group and what left it: ended for a check, still running for an action")
    func notesForBothKinds() {
        var result = StepResult(exitStatus: 0)
        result.leftovers = ["sleep (pid 10)"]
        result.escapees = ["sleep (pid 11)", "sh (pid 12)"]
        result.leftoversEnded = true
        #expect(
            RunSession.backgroundNotes(result, stepID: "look") == [
                "Medic ended 1 process 'look' left running in the background: sleep (pid 10)",
                "Medic ended 2 processes 'look' started that left its process group: sleep (pid 11), sh (pid 12)",
            ])
        result.escapeesSurvived = 1
        #expect(
            RunSession.backgroundNotes(result, stepID: "look").last
                == "Medic tried to end 2 processes 'look' started that left its process group, and after 2 s 1 still ran "
                + "(stuck in the kernel, or forking faster than they were ended): sleep (pid 11), sh (pid 12)",
            "what survived is never said to be ended")
        result.escapeesSurvived = 0
        result.leftoversEnded = false
        result.escapees = ["sleep (pid 11)"]
        #expect(
            RunSession.backgroundNotes(result, stepID: "act") == [
                "'act' left 1 process running in the background: sleep (pid 10)",
                "'act' started 1 process that left its process group and is still running: sleep (pid 11)",
            ])
        #expect(RunSession.backgroundNotes(StepResult(exitStatus: 0), stepID: "none").isEmpty)
    }
}
