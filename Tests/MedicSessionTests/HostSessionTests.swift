import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// Steps on host sets, through the session's protocols: grouping, conditions over the set,
/// `capture_hosts`, rolling batches and dry runs, with a double answering per host.
@Suite("Steps on hosts")
struct HostSessionTests {
    static let yaml = """
        medic: 1
        id: pool
        title: Pool
        defaults: {forks: 2}
        inputs:
          extra: {type: hosts, default: "d"}
        hosts:
          pool: [a, b, c]
          more: {input: extra}
        steps:
          state:
            kind: check
            title: Is the app active on every host?
            why: w
            where: {hosts: pool}
            command: [systemctl, is-active, app]
            capture_hosts:
              down: {not: {succeeded: true}}
            branches:
              - when: {any_host: {unreachable: true}}
                next: lost
                because: unreachable ${unreachable_hosts}
              - when: {all_hosts: {succeeded: true}}
                next: fine
                because: active everywhere
              - when: {count_hosts: {succeeded: false}, at_most: 2}
                next: restart
                because: down on ${down} (${down_count})
              - otherwise: lost
          restart:
            kind: action
            title: Restart where it is down
            why: w
            where: {hosts: down}
            batch: {size: 1, verify: health}
            command: [systemctl, restart, app]
            skip: lost
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: fine
                because: restarted on ${down}
              - otherwise: lost
          health:
            kind: check
            title: Does it answer?
            why: w
            where: {hosts: pool}
            command: [curl, -fsS, "http://127.0.0.1:8000/health"]
            branches:
              - when: {no_host: {succeeded: false}}
                next: fine
              - otherwise: lost
          fine: {kind: conclusion, title: Fine, why: w, outcome: resolved, cause: none}
          lost: {kind: conclusion, title: Lost, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    struct Harness {
        let session: RunSession
        let console: ScriptedConsole
        let runner: HostRunnerDouble
        let recorder: MemoryRecorder
    }

    static func harness(_ replies: [ConsoleReply], results: [String: [String: StepResult]], dryRun: Bool = false, yes: Bool = false) throws -> Harness
    {
        let walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(yaml)), inputs: ["extra": "d"])
        let console = ScriptedConsole(interactive: true, replies: replies)
        let runner = HostRunnerDouble(results: results)
        let recorder = MemoryRecorder()
        let options = RunOptions(dryRun: dryRun, autoApprove: yes, operatorName: "alice@box", sessionPath: "/tmp/s")
        return Harness(
            session: RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options), console: console,
            runner: runner, recorder: recorder)
    }

    static let start = SessionStart(
        runbookID: "pool", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [], interactive: true)

    static let active = StepResult(exitStatus: 0, output: "active\n")
    static let failed = StepResult(exitStatus: 3, output: "failed\n")
    static let ok = StepResult(exitStatus: 0)

    func hostsRecords(_ recorder: MemoryRecorder) -> [HostsRecord] {
        recorder.events.compactMap { if case .hosts(let record) = $0 { record } else { nil } }
    }

    @Test("identical results are grouped on the screen; the journal keeps each host")
    func grouping() throws {
        let h = try Self.harness([], results: ["state": ["a": Self.active, "b": Self.active, "c": Self.active]])
        let end = h.session.run(start: Self.start)
        #expect(end.outcome == "resolved")
        #expect(h.console.screen.contains("✓ 3 hosts: exit 0 · a, b, c"))
        #expect(h.console.screen.contains("│ active"))
        let records = hostsRecords(h.recorder)
        #expect(records.count == 1)
        #expect(records.first?.hosts.map(\.host) == ["a", "b", "c"])
        #expect(records.first?.hosts.allSatisfy { $0.succeeded && $0.excerpt.hasPrefix("active") } == true)
        #expect(records.first?.placement == "hosts pool: a, b, c")
    }

    @Test("a different host gets its own group; capture_hosts names it, and the action runs only there, batch by batch")
    func oneDown() throws {
        let h = try Self.harness(
            [.line("yes")],
            results: [
                "state": ["a": Self.active, "b": Self.failed, "c": Self.active],
                "restart": ["b": Self.ok], "health": ["b": Self.ok],
            ])
        let end = h.session.run(start: Self.start)
        #expect(h.console.screen.contains("✓ 2 hosts: exit 0 · a, c"))
        #expect(h.console.screen.contains("✗ 1 host: exit 3 · b"))
        #expect(h.console.screen.contains("down on b (1)"))
        #expect(h.runner.hosts(of: "restart") == [["b"]])
        #expect(h.runner.hosts(of: "health") == [["b"]], "the verify check runs on the batch's hosts only")
        #expect(end.outcome == "resolved")
        #expect(h.console.screen.contains("restarted on b"))
    }

    @Test("each batch is confirmed on its own: yes approves that batch only")
    func batches() throws {
        let everywhereDown = ["a": Self.failed, "b": Self.failed, "c": Self.active]
        let h = try Self.harness(
            [.line("yes"), .line("yes")],
            results: ["state": everywhereDown, "restart": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok]])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart") == [["a"], ["b"]])
        #expect(h.runner.ranIDs == ["state", "restart", "health", "restart", "health"])
        #expect(h.recorder.confirmations.count == 2)
        #expect(h.console.screen.contains("batch 1 of 2"))
        #expect(h.console.screen.contains("batch 2 of 2"))
        #expect(end.outcome == "resolved")
    }

    @Test("declining the second batch stops the rollout: the rest is recorded as not run")
    func declineLater() throws {
        let h = try Self.harness(
            [.line("yes"), .line("no")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": Self.ok],
            ])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart") == [["a"]], "b must never be touched")
        let stopped = hostsRecords(h.recorder).last
        #expect(stopped?.stopped?.contains("declined batch 2") == true)
        #expect(stopped?.hosts.map(\.host) == ["b"])
        #expect(end.outcome == "escalate", "a host not restarted means not every host succeeded")
    }

    @Test("a failed batch stops the rollout before the next, and the verify check must pass on every host of the batch")
    func failureStops() throws {
        let h = try Self.harness(
            [.line("yes"), .line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": StepResult(exitStatus: 22, output: "curl: (22) 502\n")],
            ])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart") == [["a"]])
        #expect(h.console.screen.contains("rollout stopped"))
        #expect(hostsRecords(h.recorder).last?.stopped?.contains("health") == true)
        #expect(end.outcome == "escalate")
        #expect(h.recorder.confirmations.count == 1, "no confirmation is asked for a batch that will not run")
    }

    @Test("a host where the check after the last batch fails is a failed restart, though the action exited 0 there")
    func verifyFailsLastBatch() throws {
        let h = try Self.harness(
            [.line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.active, "c": Self.active], "restart": ["a": Self.ok],
                "health": ["a": StepResult(exitStatus: 22, output: "curl: (22) 502\n")],
            ])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.ranIDs == ["state", "restart", "health"])
        #expect(hostsRecords(h.recorder).last?.stopped?.contains("(health) did not pass: it failed on a") == true)
        #expect(end.outcome == "escalate", "the rollout's branches must see that the check failed on a")
        #expect(!h.console.screen.contains("restarted on a"))
    }

    @Test("retry after a cancelled batch goes on from that batch: the batches that succeeded are not run again")
    func retryResumes() throws {
        let h = try Self.harness(
            [.line("yes"), .line("yes"), .line("retry"), .line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": Self.ok, "b": Self.ok],
            ])
        h.runner.cancelledRuns = ["restart": [2]]
        let end = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart") == [["a"], ["b"], ["b"]], "a is not restarted again")
        #expect(h.runner.hosts(of: "health") == [["a"], ["b"]])
        #expect(h.console.screen.contains("the rollout was cancelled; retry goes on from batch 2"))
        #expect(h.console.screen.contains("the rollout goes on: already done on a; remaining: b"))
        #expect(h.recorder.confirmations.count == 3)
        #expect(end.outcome == "resolved", "a's result from the first attempt and b's from the retry make the rollout")
        #expect(h.console.screen.contains("restarted on a, b"))

        // Its journal replays to the same end: the cancelled batch asked what now, and the retry went on.
        let events = Array(h.recorder.events.prefix { if case .end = $0 { false } else { true } })
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.yaml)), inputs: ["extra": "d"])
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        #expect(walk.currentStepID == "fine")
    }

    @Test("retry of a cancelled first batch starts the rollout over: nothing succeeded to skip")
    func retryFirstBatch() throws {
        let h = try Self.harness(
            [.line("yes"), .line("retry"), .line("yes"), .line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": Self.ok, "b": Self.ok],
            ])
        h.runner.cancelledRuns = ["restart": [1]]
        let end = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart") == [["a"], ["a"], ["b"]])
        #expect(!h.console.screen.contains("the rollout goes on"))
        #expect(end.outcome == "resolved")
    }

    @Test("resume after a run killed between batches goes on from the next batch")
    func resumeBetweenBatches() throws {
        let h = try Self.harness(
            [.line("yes"), .line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": Self.ok, "b": Self.ok],
            ])
        _ = h.session.run(start: Self.start)
        // The journal as it stood when the run was killed at batch 2's confirmation.
        var confirms = 0
        let events = Array(
            h.recorder.events.prefix {
                if case .confirm = $0 { confirms += 1 }
                return confirms < 2
            })
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.yaml)), inputs: ["extra": "d"])
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        let confirm = walk.handle(.retry).compactMap { if case .confirm(let invocation, _) = $0 { invocation } else { nil } }.first
        #expect(confirm?.remote?.hosts == ["b"])
        #expect(confirm?.remote?.batch?.number == 2)
        #expect(confirm?.remote?.resumed?.done == ["a"])
        #expect(confirm?.remote?.resumed?.remaining == ["b"])
    }

    @Test("an unreachable host is a result the branches read")
    func unreachable() throws {
        let lost = StepResult(
            exitStatus: 255, output: "ssh: connect to host c port 22: Connection refused\n",
            failureReason: "ssh: connect to host c port 22: Connection refused", unreachable: true)
        let h = try Self.harness([], results: ["state": ["a": Self.active, "b": Self.active, "c": lost]])
        let end = h.session.run(start: Self.start)
        #expect(end.outcome == "escalate")
        #expect(h.console.screen.contains("✗ 1 host: unreachable · c"))
        #expect(h.console.screen.contains("unreachable c"))
        #expect(hostsRecords(h.recorder).first?.hosts.last?.unreachable == true)
    }

    @Test("a dry run shows every batch and runs no action anywhere")
    func dryRun() throws {
        let h = try Self.harness(
            [.line("yes"), .line("yes")],
            results: ["state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "health": ["a": Self.ok, "b": Self.ok]],
            dryRun: true)
        _ = h.session.run(start: Self.start)
        #expect(h.runner.hosts(of: "restart").isEmpty)
        #expect(h.console.screen.contains("batch 2 of 2"))
    }

    @Test("a journal with per-host results and a rollout replays to the same place, nothing run again")
    func replay() throws {
        let h = try Self.harness(
            [.line("yes"), .line("yes")],
            results: [
                "state": ["a": Self.failed, "b": Self.failed, "c": Self.active], "restart": ["a": Self.ok, "b": Self.ok],
                "health": ["a": Self.ok, "b": Self.ok],
            ])
        let end = h.session.run(start: Self.start)
        #expect(end.outcome == "resolved")
        // Replay everything up to (not including) the end, as `resume` would after a kill.
        let events = Array(h.recorder.events.prefix { if case .end = $0 { false } else { true } })
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.yaml)), inputs: ["extra": "d"])
        let outcome = JournalReplay.replay(
            events, keptOutput: { record, _ in (record.excerpt, nil) }, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &walk)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        #expect(walk.currentStepID == "fine")
        #expect(outcome.completedActions.contains("restart"))
    }

    @Test("replayed from its journal and output file, each host's whole output gives the run's capture and branch; its excerpt would not")
    func replayReadsEachHostWhole() throws {
        let yaml = """
            medic: 1
            id: needle
            title: Needle
            hosts:
              pool: [a, b]
            steps:
              look:
                kind: check
                title: Which host logged the needle?
                why: w
                where: {hosts: pool}
                command: [cat, app.log]
                capture_hosts:
                  found: {matches: NEEDLE}
                branches:
                  - when: {count_hosts: {matches: NEEDLE}, equals: 1}
                    next: one
                    because: on ${found}
                  - otherwise: other
              one: {kind: conclusion, title: One, why: w, outcome: resolved, cause: none}
              other: {kind: conclusion, title: Other, why: w, outcome: escalate, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        // Line 15 of 30: outside the first and last ten lines an excerpt keeps.
        func log(_ middle: String) -> String { (1...30).map { $0 == 15 ? middle + "\n" : "line \($0)\n" }.joined() }
        let bundle = TestSupport.bundle(try TestSupport.runbook(yaml))
        let recorder = MemoryRecorder()
        let options = RunOptions(dryRun: false, autoApprove: false, operatorName: "alice@box", sessionPath: "/tmp/s")
        let session = RunSession(
            walk: Walk(bundle: bundle, inputs: [:]), console: ScriptedConsole(interactive: true, replies: []),
            runner: HostRunnerDouble(results: [
                "look": ["a": StepResult(exitStatus: 0, output: log("NEEDLE")), "b": StepResult(exitStatus: 0, output: log("hay"))]
            ]),
            recorder: recorder, options: options)
        let end = session.run(start: Self.start)
        #expect(end.outcome == "resolved")
        let events = Array(recorder.events.prefix { if case .end = $0 { false } else { true } })
        let whole: (OutputRecord, Int) throws -> (text: String, parts: [String]?) = { record, _ in
            (String(decoding: recorder.outputs[record.stepID] ?? [], as: UTF8.self), nil)
        }

        var walk = Walk(bundle: bundle, inputs: [:])
        let outcome = JournalReplay.replay(
            events, keptOutput: whole, hostOutputs: { _, hosts, _ in try hosts.outputs(inFile: recorder.outputs["look"] ?? []) }, on: &walk)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        #expect(walk.isEnded && walk.variables["found"] == "a", "\(walk.variables)")

        var excerpts = Walk(bundle: bundle, inputs: [:])
        let lost = JournalReplay.replay(events, keptOutput: whole, hostOutputs: { _, hosts, _ in hosts.hosts.map(\.excerpt) }, on: &excerpts)
        #expect(lost.problem == "at 'look' the run went to 'one', but replaying its journal goes to 'other'")
    }
}
