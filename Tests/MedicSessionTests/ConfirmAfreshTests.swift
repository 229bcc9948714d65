import Foundation
import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// What is approved is what was shown: a late secret keeps the step's hosts, the check after
/// a batch asks for its own late secret, and `set` at a confirmation puts the action again.
@Suite("A confirmation approves what was shown")
struct ConfirmAfreshTests {
    static let start = SessionStart(
        runbookID: "late", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [], interactive: true)

    static let onHosts = """
        medic: 1
        id: late
        title: Late
        inputs:
          token: {type: secret}
          probe: {type: secret}
        hosts:
          web: [a, b]
        steps:
          look:
            kind: check
            title: Look
            why: w
            where: {host: remote.example}
            script: 'echo "${#TOKEN}"'
            branches:
              - otherwise: act
          act:
            kind: action
            title: Act
            why: w
            where: {hosts: web}
            batch: {size: 1, verify: health}
            script: 'echo "$TOKEN" > /dev/null'
            skip: done
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: done
              - otherwise: done
          health:
            kind: check
            title: Health
            why: w
            where: {hosts: web}
            script: 'test -n "$PROBE"'
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let ok = StepResult(exitStatus: 0)

    func session(_ yaml: String, replies: [ConsoleReply], secrets: [String], deferred: [String], results: [String: [String: StepResult]])
        throws -> (RunSession, ScriptedConsole, HostRunnerDouble, MemoryRecorder)
    {
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(yaml)), inputs: [:])
        walk.deferInputs(deferred)
        let console = ScriptedConsole(interactive: true, replies: replies, secrets: secrets)
        let runner = HostRunnerDouble(results: results)
        let recorder = MemoryRecorder()
        let options = RunOptions(operatorName: "alice@box", sessionPath: "/tmp/s")
        return (RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options), console, runner, recorder)
    }

    @Test("a late secret read as ${#TOKEN} is asked, and the check still runs on its host; the batch's check asks for its own secret")
    func lateSecretKeepsHost() throws {
        let (session, console, runner, _) = try session(
            Self.onHosts, replies: [.line("yes"), .line("yes")], secrets: ["s3cret", "pr0be"], deferred: ["token", "probe"],
            results: ["look": ["remote.example": Self.ok], "act": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok]])
        let end = session.run(start: Self.start)
        #expect(end.outcome == "resolved", "\(end.summary)")
        #expect(console.secrets.isEmpty, "both secrets were asked")
        #expect(
            console.prompts.filter { $0.prompt.contains("(input hidden)") }.map(\.prompt) == ["  token (input hidden): ", "  probe (input hidden): "])
        let look = try #require(runner.ran.first)
        #expect(look.stepID == "look" && look.remote?.hosts == ["remote.example"], "the check ran on its host, not here")
        #expect(look.environment["TOKEN"] == "s3cret")
        #expect(runner.hosts(of: "act") == [["a"], ["b"]])
        #expect(runner.hosts(of: "health") == [["a"], ["b"]])
        #expect(
            runner.ran.filter { $0.stepID == "health" }.allSatisfy { $0.environment["PROBE"] == "pr0be" }, "the check after a batch has its secret")
    }

    @Test("a late secret asked at an action on a host set keeps the set: the screen says where, and the approval runs there")
    func lateSecretAtAction() throws {
        let yaml = Self.onHosts.replacingOccurrences(of: "script: 'echo \"${#TOKEN}\"'", with: "command: [\"true\"]")
        let (session, console, runner, _) = try session(
            yaml, replies: [.line("yes"), .line("yes")], secrets: ["s3cret", "pr0be"], deferred: ["token", "probe"],
            results: ["look": ["remote.example": Self.ok], "act": ["a": Self.ok, "b": Self.ok], "health": ["a": Self.ok, "b": Self.ok]])
        let end = session.run(start: Self.start)
        #expect(end.outcome == "resolved", "\(end.summary)")
        #expect(!console.screen.contains("will run (local)"), "\(console.screen)")
        #expect(console.screen.contains("will run (hosts web (batch 1 of 2): a)"), "\(console.screen)")
        #expect(runner.hosts(of: "act") == [["a"], ["b"]])
        #expect(runner.ran.filter { $0.stepID == "act" }.allSatisfy { $0.environment["TOKEN"] == "s3cret" })
    }

    static let marker = """
        medic: 1
        id: marker
        title: Marker
        inputs:
          marker: {type: string, default: first, pattern: '^[a-z]+$'}
          h: {type: string, default: one.example}
        steps:
          act:
            kind: action
            title: Write
            why: w
            where: {host: "${h}"}
            confirm: type-target
            target: "${marker}"
            script: 'touch "/tmp/$MARKER"'
            skip: done
            branches:
              - when: {succeeded: true}
                next: done
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("set at a confirmation puts the action again: the old name approves nothing, and what runs is the new screen's")
    func setAtConfirmation() throws {
        let (session, console, runner, recorder) = try session(
            Self.marker, replies: [.line("set marker=second"), .line("set h=two.example"), .line("first"), .line("second")], secrets: [],
            deferred: [], results: ["act": ["two.example": Self.ok]])
        let end = session.run(start: Self.start)
        #expect(end.outcome == "resolved", "\(end.summary)")
        #expect(console.screen.contains("'first' is not the target's name, nor no, skip or abort: it decides nothing"))
        #expect(console.screen.contains("Type the target's name, second, to run it"))
        #expect(console.screen.contains("will run (host two.example)"), "\(console.screen)")
        let ran = try #require(runner.ran.first)
        #expect(ran.environment["MARKER"] == "second" && ran.remote?.hosts == ["two.example"])
        #expect(recorder.confirmations.map { "\($0.expected) \($0.reply) \($0.approved)" } == ["second second true"])
    }

    @Test(
        "a target's name the prompt reads as a decision or a command never approves: no declines, quit quits",
        arguments: [("no", "no"), ("No", "No"), ("abort", "abort"), ("quit", "quit"), ("show done", "show done")])
    func clashingTarget(target: String, typed: String) throws {
        let yaml = Self.marker.replacingOccurrences(of: "target: \"${marker}\"", with: "target: \"\(target)\"")
        let (session, console, runner, recorder) = try session(
            yaml, replies: [.line(typed), .line("no"), .line("yes")], secrets: [], deferred: [], results: ["act": ["one.example": Self.ok]])
        _ = session.run(start: Self.start)
        #expect(runner.ran.isEmpty, "typing '\(typed)' approved '\(target)'")
        #expect(recorder.confirmations.allSatisfy { !$0.approved })
        #expect(console.screen.contains("so it cannot be approved"), "\(console.screen)")
    }

    @Test("tab never completes a confirmation's approval, even for a target's name that is a completion")
    func noCompletionToApprove() throws {
        let yaml = Self.marker.replacingOccurrences(of: "target: \"${marker}\"", with: "target: \"goto \"")
        let (session, console, _, _) = try session(yaml, replies: [.line("no")], secrets: [], deferred: [], results: [:])
        _ = session.run(start: Self.start)
        let offered = try #require(console.completionsOffered.first)
        #expect(!offered.contains("goto ") && !offered.contains("yes"), "\(offered)")
        #expect(offered.contains("goto act") && offered.contains("no"), "the rest is still offered")
    }
}
