import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// `resume` rebuilds a walk from its journal: a step's variant and a called runbook's outputs
/// must come back exactly as the interrupted run had them.
@Suite("Resuming through variants and outputs")
struct ReuseReplayTests {
    static let caller = """
        medic: 1
        id: caller
        title: Caller
        inputs:
          runtime: {type: choice, choices: [docker, systemd], default: docker}
        steps:
          call:
            kind: runbook
            title: Call
            why: w
            runbook: callee.yaml
            branches:
              - otherwise: restart
                because: ${errors} errors
          restart:
            kind: action
            title: Restart
            why: w
            by: runtime
            variants:
              docker: {command: ["docker", "restart", "app"]}
              systemd: {command: ["systemctl", "restart", "app"]}
            branches:
              - when: {succeeded: true}
                next: end
              - otherwise: end
          end:
            kind: conclusion
            title: End
            why: w
            outcome: resolved
            cause: none
            summary: ${errors} errors before the restart
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let callee = """
        medic: 1
        id: callee
        title: Callee
        outputs:
          errors: {type: int}
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: cat /var/log/x
            count: {errors: 'error'}
            branches:
              - otherwise: done
          done:
            kind: conclusion
            title: Done
            why: w
            outcome: resolved
            cause: none
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a replayed journal stops at the same variant with the same outputs handed back")
    func replay() throws {
        let caller = try TestSupport.parsed(Self.caller, path: "/rb/caller.yaml")
        let callee = try TestSupport.parsed(Self.callee, path: "/rb/callee.yaml")
        let bundle = TestSupport.bundle(caller, calling: [callee])
        var walk = Walk(bundle: bundle, inputs: ["runtime": "systemd"])
        let events: [TranscriptEvent] = [
            .output(OutputRecord(stepID: "callee/look", excerpt: "error\nerror\n", bytes: 12, lines: 2, file: "output/1.txt")),
            .result(
                ResultRecord(
                    stepID: "callee/look", exitStatus: 0, httpStatus: nil, durationMilliseconds: 3, timedOut: false, cancelled: false,
                    failureReason: nil, notRun: nil, succeeded: true)),
            .branch(BranchTaken(from: "callee/look", to: "callee/done", condition: "otherwise", because: nil)),
            .branch(BranchTaken(from: "call", to: "restart", condition: "otherwise", because: "2 errors")),
        ]
        let outcome = JournalReplay.replay(events, keptOutput: { _, _ in ("error\nerror\n", nil) }, hostOutputs: { _, _, _ in nil }, on: &walk)
        #expect(outcome.problem == nil)
        #expect(walk.pending == .confirmation(stepID: "restart"))
        #expect(walk.variables["errors"] == "2")
        let step = try #require(walk.currentStep)
        #expect(walk.invocation(for: step)?.payload == .command(argv: ["systemctl", "restart", "app"]))
    }
}
