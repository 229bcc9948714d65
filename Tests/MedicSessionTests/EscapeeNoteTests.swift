import MedicCore
import MedicSession
import MedicTestSupport
import Testing

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
            "Medic ended 2 processes 'look' started that left its process group (a new session, as setsid makes): sleep (pid 4242), sh (pid 4243)"
        #expect(console.screen.contains(expected))
        let notes = recorder.events.compactMap { if case .note(let text) = $0 { text } else { nil } }
        #expect(notes.contains(expected))
    }
}
