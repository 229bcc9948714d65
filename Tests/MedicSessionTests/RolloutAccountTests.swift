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

    @Test("batch 1 yes, then the input ends at batch 2: it ran on the first host only, and the host never reached is named")
    func yesThenEndOfInput() throws {
        let h = try HostSessionTests.harness(
            [.line("yes")], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        #expect(end.outcome == SessionEnd.needsPerson)
        let restart = try restart(end)
        #expect(restart.fate == .partial)
        #expect(
            restart.sentence.hasPrefix(
                "\"Restart where it is down\" (restart) ran on 1 of 2 hosts (a); not run on b: the rollout stopped (batch 2 was never approved: input ended before anyone decided): batch 1 confirmed by alice@box at "
            ))
        #expect(end.summary.contains("Not done on this path:"))
        #expect(h.console.screen.contains("not run on: b"))
    }

    @Test("batch 1 yes, then back at batch 2: the visit ran on the first host only, and names the host it left")
    func yesThenBack() throws {
        let h = try HostSessionTests.harness(
            [.line("yes"), .line("back")], results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        let first = try restart(end)
        #expect(first.fate == .partial)
        #expect(
            first.sentence.contains("ran on 1 of 2 hosts (a); not run on b: the rollout stopped (batch 2 was never approved: the operator went back)")
        )
        #expect(first.notRunSentence?.contains("was not run on b: the rollout stopped (batch 2 was never approved: the operator went back)") == true)
    }

    @Test("batch 1 yes, then goto at batch 2: the host left is named, and so is the step the operator went to")
    func yesThenGoto() throws {
        let h = try HostSessionTests.harness(
            [.line("yes"), .line("goto lost")],
            results: ["state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok]])
        let end = h.session.run(start: HostSessionTests.start)
        let first = try restart(end)
        #expect(first.sentence.contains("not run on b: the rollout stopped (batch 2 was never approved: the operator went to step 'lost')"))
    }

    @Test("stopped for want of a person at batch 2, then resumed and batch 2 approved: one rollout, told across both runs")
    func resumedRollout() throws {
        let results: [String: [String: StepResult]] = [
            "state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok],
        ]
        let first = try HostSessionTests.harness([.line("yes")], results: results)
        #expect(first.session.run(start: HostSessionTests.start).outcome == SessionEnd.needsPerson)
        // As `medic resume` does: the walk rebuilt from the journal, the earlier account carried over.
        let events = first.recorder.events
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(HostSessionTests.yaml)), inputs: ["extra": "d"])
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        var earlier = ActionAccount()
        for (index, event) in events.enumerated() { earlier.observe(event, at: "2026-11-21T03:12:\(10 + index).000Z") }
        let console = ScriptedConsole(interactive: true, replies: [.line("yes")])
        let runner = HostRunnerDouble(results: results)
        let recorder = MemoryRecorder()
        let options = RunOptions(operatorName: "bob@box", sessionPath: "/tmp/s2")
        let session = RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options)
        session.carryOver(earlier)
        let end = session.resume(start: HostSessionTests.start)
        #expect(runner.hosts(of: "restart") == [["b"]])
        #expect(end.outcome == "resolved")
        let visits = end.actions.filter { $0.stepID == "restart" }
        #expect(visits.count == 1, "the resumed run went on with the same rollout: \(visits.map(\.sentence))")
        let restart = try #require(visits.first)
        #expect(restart.fate == .done)
        #expect(
            restart.sentence.hasPrefix(
                "\"Restart where it is down\" (restart) ran and succeeded on all 2 hosts (a, b): batch 1 confirmed by alice@box at 03:12:"))
        #expect(restart.sentence.contains(", batch 2 confirmed by bob@box at 03:12:"))
        #expect(restart.sentence.hasSuffix(" (in the resumed run)"))
        #expect(restart.batches.count == 2)
        #expect(!end.summary.contains("not run on"), "\(end.summary)")
        #expect(!end.summary.contains("Not done on this path"), "\(end.summary)")
    }

    @Test("a resumed run that goes back from the rollout's next batch leaves the earlier visit as it was")
    func resumedThenBack() throws {
        let results: [String: [String: StepResult]] = [
            "state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok],
        ]
        let first = try HostSessionTests.harness([.line("yes")], results: results)
        _ = first.session.run(start: HostSessionTests.start)
        let events = first.recorder.events
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(HostSessionTests.yaml)), inputs: ["extra": "d"])
        _ = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        var earlier = ActionAccount()
        for event in events { earlier.observe(event, at: "") }
        let session = RunSession(
            walk: walk, console: ScriptedConsole(interactive: true, replies: [.line("back"), .line("quit")]),
            runner: HostRunnerDouble(results: results), recorder: MemoryRecorder(),
            options: RunOptions(operatorName: "bob@box", sessionPath: "/tmp/s2"))
        session.carryOver(earlier)
        let end = session.resume(start: HostSessionTests.start)
        let visits = end.actions.filter { $0.stepID == "restart" }
        #expect(visits.first?.fate == .partial)
        #expect(
            visits.first?.sentence.contains("ran on 1 of 2 hosts (a); not run on b: the rollout stopped (batch 2 was never approved: input ended")
                == true)
        #expect(visits.allSatisfy { !$0.sentence.contains("(in the resumed run)") })
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
    @Test("a run killed during batch 2, resumed: the new visit says an earlier attempt passed batch 1, never that `retry` did")
    func resumedAfterKill() throws {
        let results: [String: [String: StepResult]] = [
            "state": Self.twoDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok],
        ]
        let first = try HostSessionTests.harness([.line("yes"), .line("yes")], results: results)
        _ = first.session.run(start: HostSessionTests.start)
        // The journal as it stood when the run was killed: batch 2 approved and started, no result.
        let restartRuns = first.recorder.events.indices.filter {
            if case .run(let run) = first.recorder.events[$0], run.stepID == "restart" { true } else { false }
        }
        let killedAt = try #require(restartRuns.dropFirst().first)
        let events = Array(first.recorder.events[...killedAt])
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(HostSessionTests.yaml)), inputs: ["extra": "d"])
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        #expect(outcome.interruptedAction == "restart", "\(outcome)")
        var earlier = ActionAccount()
        for event in events { earlier.observe(event, at: "") }
        let runner = HostRunnerDouble(results: results)
        let session = RunSession(
            walk: walk, console: ScriptedConsole(interactive: true, replies: [.line("yes")]), runner: runner, recorder: MemoryRecorder(),
            options: RunOptions(operatorName: "bob@box", sessionPath: "/tmp/s2"))
        session.carryOver(earlier)
        let end = session.resume(start: HostSessionTests.start)
        #expect(runner.hosts(of: "restart") == [["b"]])
        let visits = end.actions.filter { $0.stepID == "restart" }
        #expect(visits.count == 2, "the interrupted batch stays told as approved and started: \(visits.map(\.sentence))")
        let resumed = try #require(visits.last)
        #expect(
            resumed.sentence.contains("(the hosts of batch 1 had passed in an earlier attempt, and this one went on after them)"),
            "\(resumed.sentence)")
        #expect(!resumed.sentence.contains("`retry`"))
    }
}
