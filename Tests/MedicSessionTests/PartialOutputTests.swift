import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// A step that prints more than Medic keeps in memory: its conditions, captures and counts read
/// the kept first and last bytes, never Medic's own marker between them, and the journal says
/// the decision was made on part of the output.
@Suite("Decisions on partial output")
struct PartialOutputTests {
    static let yaml = """
        medic: 1
        id: partial
        title: Partial
        steps:
          look:
            kind: check
            title: Look
            why: To see.
            command: [cat, /var/log/app.log]
            capture: ['(?<dropped>\\d+) bytes']
            count: {bees: 'b'}
            branches:
              - when: {matches: '(?i)memory'}
                next: oom
                because: the log speaks of memory
              - when: {matches: 'b'}
                next: bee
                because: the log has a b
              - otherwise: fine
                because: nothing of note
          oom: {kind: conclusion, title: Out of memory, why: w, outcome: escalate, cause: oom-killed}
          bee: {kind: conclusion, title: A bee, why: w, outcome: escalate, cause: none}
          fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
        causes:
          oom-killed: {title: "The kernel's OOM killer killed the upstream", description: "In this test, the kernel's OOM killer killed the upstream."}
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    /// Runs the runbook with `output` as what `look` prints; returns the step it ended at, the captured
    /// values and the journal's notes.
    func run(printing output: String) throws -> (ended: String?, captured: [CapturedValue], notes: [String]) {
        let runbook = try TestSupport.runbook(Self.yaml)
        let walk = Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
        let console = ScriptedConsole(interactive: false, replies: [])
        let runner = FakeRunner(results: ["look": [StepResult(exitStatus: 0, output: output)]], chunkSize: 1 << 16)
        let recorder = MemoryRecorder()
        let options = RunOptions(dryRun: false, autoApprove: false, operatorName: "alice@box", sessionPath: "/tmp/s")
        let session = RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options)
        let start = SessionStart(
            runbookID: "partial", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [],
            interactive: false)
        let end = session.run(start: start)
        var captured: [CapturedValue] = []
        var notes: [String] = []
        for event in recorder.events {
            if case .captured(_, let values) = event { captured += values }
            if case .note(let text) = event { notes.append(text) }
        }
        return (end.stepID, captured, notes)
    }

    @Test("3 MB of 'all good' does not match (?i)memory: Medic's marker is not output")
    func markerNotMatched() throws {
        let ran = try run(printing: String(repeating: "all good\n", count: 3 << 20 / 9))
        #expect(ran.ended == "fine")
        #expect(ran.captured.contains(CapturedValue(name: "dropped", value: "")), "the marker's byte count is not captured")
        #expect(ran.captured.contains(CapturedValue(name: "bees", value: "0")))
        let note = try #require(ran.notes.first { $0.hasPrefix("decided on partial output: 'look' printed") })
        #expect(note.contains("read only the first 1048576 and the last 1048576 bytes"))
    }

    // 12 MB rather than the 100 MB of the report: past the 2 MiB kept, the size changes
    // nothing but the time a debug build takes to stream it.
    @Test("a 12 MB line with no b does not match 'b'; a b in the kept tail does")
    func longLine() throws {
        let line = String(repeating: "a", count: 12 << 20)
        let ran = try run(printing: line)
        #expect(ran.ended == "fine")
        #expect(!ran.notes.isEmpty)
        let bee = try run(printing: String(repeating: "a", count: 3 << 20) + "b\n")
        #expect(bee.ended == "bee" && bee.captured.contains(CapturedValue(name: "bees", value: "1")))
    }

    @Test("a whole output decides as before, with no note")
    func wholeOutput() throws {
        let ran = try run(printing: "out of memory\n")
        #expect(ran.ended == "oom")
        #expect(ran.notes.isEmpty)
    }
}
