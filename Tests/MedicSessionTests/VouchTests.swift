import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// A check read-only only on its author's word (`read_only`) runs the first time under a
/// runbook digest only after the operator confirms it; it is shown and recorded as unverified.
@Suite("Unverified checks")
struct VouchTests {
    static let yaml = """
        medic: 1
        id: vouched
        title: Vouched
        steps:
          login:
            kind: check
            title: Log in
            why: To see the login work.
            read_only: {reason: the login endpoint only checks a password}
            http: {url: "http://127.0.0.1:1/login", method: POST, json: {user: alice}}
            branches:
              - when: {status: 200}
                next: done
                because: it logs in
              - otherwise: done
                because: it does not
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    struct Run {
        let console: ScriptedConsole
        let runner: FakeRunner
        let recorder: MemoryRecorder
        let end: SessionEnd
    }

    static func run(
        _ replies: [ConsoleReply], ledger: MemoryVouchLedger?, digest: String? = String(repeating: "a", count: 64), interactive: Bool = true,
        autoApprove: Bool = false
    ) throws -> Run {
        let runbook = try TestSupport.runbook(yaml)
        var bundle = TestSupport.bundle(runbook)
        if let digest { bundle.digests[runbook.path] = digest }
        let console = ScriptedConsole(interactive: interactive, replies: replies)
        let runner = FakeRunner(results: ["login": [StepResult(exitStatus: nil, output: "{}", httpStatus: 200)]])
        let recorder = MemoryRecorder()
        var options = RunOptions(autoApprove: autoApprove, operatorName: "alice@box", sessionPath: "/tmp/s")
        options.vouches = ledger
        let session = RunSession(walk: Walk(bundle: bundle, inputs: [:]), console: console, runner: runner, recorder: recorder, options: options)
        let end = session.run(start: RunSessionTests.start)
        return Run(console: console, runner: runner, recorder: recorder, end: end)
    }

    static func confirmations(_ recorder: MemoryRecorder) -> [ConfirmRecord] {
        recorder.events.compactMap { if case .confirm(let record) = $0 { record } else { nil } }
    }

    static func runs(_ recorder: MemoryRecorder) -> [RunRecord] {
        recorder.events.compactMap { if case .run(let record) = $0 { record } else { nil } }
    }

    @Test("the first run asks, shows why it is unverified, and records the confirmation and the reason")
    func firstRunAsks() throws {
        let ledger = MemoryVouchLedger()
        let run = try Self.run([.line("yes")], ledger: ledger)
        #expect(run.console.prompts.map(\.prompt) == ["Run it? › "])
        #expect(
            run.console.screen.contains("unverified: read-only on the author's word, not proven by Medic: the login endpoint only checks a password"))
        #expect(run.runner.ran.map(\.stepID) == ["login"])
        #expect(Self.confirmations(run.recorder) == [ConfirmRecord(stepID: "login", expected: "yes", reply: "yes", approved: true, by: "alice@box")])
        #expect(Self.runs(run.recorder).map(\.unverified) == ["the login endpoint only checks a password"])
        #expect(run.end.outcome == "no-fault")
        #expect(ledger.isConfirmed(stepID: "login", digest: String(repeating: "a", count: 64)))
    }

    @Test("the same runbook digest is not asked again; a changed runbook is")
    func oncePerDigest() throws {
        let ledger = MemoryVouchLedger()
        _ = try Self.run([.line("yes")], ledger: ledger)
        let again = try Self.run([], ledger: ledger)
        #expect(again.console.prompts.isEmpty)
        #expect(again.runner.ran.map(\.stepID) == ["login"])
        #expect(again.console.screen.contains("confirmed at an earlier run of this runbook (same digest)"))
        #expect(Self.runs(again.recorder).map(\.unverified) == ["the login endpoint only checks a password"], "still recorded as unverified")
        let changed = try Self.run([.line("yes")], ledger: ledger, digest: String(repeating: "b", count: 64))
        #expect(changed.console.prompts.map(\.prompt) == ["Run it? › "])
        #expect(changed.runner.ran.map(\.stepID) == ["login"])
    }

    @Test("without a digest or a ledger every run asks")
    func noMemory() throws {
        let ledger = MemoryVouchLedger()
        _ = try Self.run([.line("yes")], ledger: ledger, digest: nil)
        let again = try Self.run([.line("yes")], ledger: ledger, digest: nil)
        #expect(again.console.prompts.map(\.prompt) == ["Run it? › "])
        let none = try Self.run([.line("yes")], ledger: nil)
        #expect(none.console.prompts.map(\.prompt) == ["Run it? › "])
    }

    @Test("no declines: nothing runs, nothing is remembered, and the walk waits for skip, back, goto or retry")
    func declined() throws {
        let ledger = MemoryVouchLedger()
        let run = try Self.run([.line("y"), .line("no"), .line("skip")], ledger: ledger)
        #expect(run.console.screen.contains("'y' is not a decision: type yes to run it or no"))
        #expect(run.runner.ran.isEmpty)
        #expect(Self.confirmations(run.recorder).map(\.approved) == [false])
        #expect(Self.runs(run.recorder).isEmpty, "no run record: nothing was about to run")
        #expect(run.console.screen.contains("the unverified check was not run"))
        #expect(!ledger.isConfirmed(stepID: "login", digest: String(repeating: "a", count: 64)))
        #expect(run.end.stepID == "done", "skip took the check's otherwise branch")
    }

    @Test("without a terminal the run stops before the check, needing a person; --yes approves it and says so")
    func unattended() throws {
        let refused = try Self.run([.line("yes")], ledger: MemoryVouchLedger(), interactive: false)
        #expect(refused.runner.ran.isEmpty)
        #expect(refused.end.outcome == SessionEnd.needsPerson)
        #expect(refused.end.summary.contains("an unverified check runs the first time only after a person confirms it"))
        let ledger = MemoryVouchLedger()
        let approved = try Self.run([], ledger: ledger, interactive: false, autoApprove: true)
        #expect(approved.runner.ran.map(\.stepID) == ["login"])
        #expect(
            Self.confirmations(approved.recorder) == [ConfirmRecord(stepID: "login", expected: "yes", reply: "--yes", approved: true, by: "--yes")])
        #expect(approved.console.screen.contains("approved by --yes"))
        #expect(ledger.isConfirmed(stepID: "login", digest: String(repeating: "a", count: 64)))
    }
}
