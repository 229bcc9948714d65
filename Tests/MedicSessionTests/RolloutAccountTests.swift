import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// What the ending says about a rolling action: where it ran, where it failed and why, where it
/// did not run and why, and who decided each batch. Driven through the session with the host
/// double and the runbook of `HostSessionTests` (a restart of the down hosts, one per batch,
/// the `health` check between batches).
@Suite("The account of a rolling action")
struct RolloutAccountTests {
    static let twoDown = ["a": HostSessionTests.failed, "b": HostSessionTests.failed, "c": HostSessionTests.active]
    static let ok = HostSessionTests.ok
    static let unhealthy = StepResult(exitStatus: 22, output: "curl: (22) 502\n")

    func restart(_ end: SessionEnd) throws -> ActionRecord {
        try #require(end.actions.first { $0.stepID == "restart" })
    }

    @Test("--yes, the check after batch 1 fails: the action failed there, the rest never ran, and the ending says so")
    func yesVerifyFails() throws {
        let h = try HostSessionTests.harness(
            [], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.unhealthy]], yes: true)
        let end = h.session.run(start: HostSessionTests.start)
        #expect(h.runner.hosts(of: "restart") == [["a"]])
        let restart = try restart(end)
        #expect(restart.fate == .failed)
        #expect(
            restart.sentence
                == "\"Restart where it is down\" (restart) ran on 1 of 2 hosts (a); failed on a (the check health did not pass there: exit 22);"
                + " not run on b: the rollout stopped (the check after batch 1 (health) did not pass: it failed on a):"
                + " batch 1 approved by --yes at \(ActionRecord.clock(restart.batches[0].at))")
        #expect(!end.summary.contains("ran and succeeded"))
        #expect(end.summary.contains("Not done on this path:\n- " + restart.sentence + "."))
        #expect(restart.notRunSentence?.hasPrefix("\"Restart where it is down\" (restart) was not run on b: the rollout stopped") == true)
    }

    @Test("batch 1 yes, batch 2 no: it ran on the first host, and the second was declined, not the action")
    func yesThenNo() throws {
        let h = try HostSessionTests.harness(
            [.line("yes"), .line("no")], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        let restart = try restart(end)
        #expect(restart.fate == .partial)
        #expect(
            restart.sentence.hasPrefix(
                "\"Restart where it is down\" (restart) ran on 1 of 2 hosts (a); not run on b: the rollout stopped (the operator declined batch 2): batch 1 confirmed by alice@box at "
            ))
        #expect(restart.sentence.contains(", batch 2 declined by alice@box at "))
        #expect(!end.summary.contains("was not run: declined"))
        #expect(restart.batches.map(\.approved) == [true, false])
    }

    @Test("batch 1 yes, then the input ends at batch 2: it ran on the first host only, and nobody approved the rest")
    func yesThenEndOfInput() throws {
        let h = try HostSessionTests.harness(
            [.line("yes")], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        #expect(end.outcome == SessionEnd.needsPerson)
        let restart = try restart(end)
        #expect(restart.fate == .partial)
        #expect(
            restart.sentence.hasPrefix(
                "\"Restart where it is down\" (restart) ran on 1 host (a) in batch 1 of 2; not run on the hosts of batch 2 of 2: nobody approved batch 2: batch 1 confirmed by alice@box at "
            ))
        #expect(end.summary.contains("Not done on this path:"))
    }

    @Test("batch 1 yes, then back at batch 2: the visit ran on the first host only")
    func yesThenBack() throws {
        let h = try HostSessionTests.harness(
            [.line("yes"), .line("back")], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        let first = try restart(end)
        #expect(first.fate == .partial)
        #expect(first.sentence.contains("ran on 1 host (a) in batch 1 of 2; not run on the hosts of batch 2 of 2: nobody approved batch 2"))
    }

    @Test("a host where the batch failed: ran and failed there, and the result never says it could not run")
    func failedHost() throws {
        let h = try HostSessionTests.harness(
            [], results: ["state": Self.twoDown, "restart": ["a": StepResult(exitStatus: 1, output: "no such unit\n")]], yes: true)
        let end = h.session.run(start: HostSessionTests.start)
        let restart = try restart(end)
        #expect(restart.fate == .failed)
        #expect(
            restart.sentence.contains(
                "ran on 1 of 2 hosts (a); failed on a (exit 1); not run on b: the rollout stopped (batch 1 did not succeed: it failed on a)"))
        #expect(!end.summary.contains("could not run"))
        let results = h.recorder.events.compactMap { if case .result(let result) = $0, result.stepID == "restart" { result } else { nil } }
        #expect(results.first?.failureReason == nil, "the batch ran: there is no reason it could not run")
    }

    @Test("every batch approved and succeeded: done, host by host")
    func allDone() throws {
        let h = try HostSessionTests.harness(
            [.line("yes"), .line("yes")],
            results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        let restart = try restart(end)
        #expect(restart.fate == .done)
        #expect(
            restart.sentence.hasPrefix(
                "\"Restart where it is down\" (restart) ran and succeeded on all 2 hosts (a, b): batch 1 confirmed by alice@box at "))
        #expect(!end.summary.contains("Not done on this path"))
    }
}
