import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// `medic run`'s session driven through its protocols: a scripted console, a fake runner and an
/// in-memory recorder.
@Suite("A run session")
struct RunSessionTests {
    static let yaml = """
        medic: 1
        id: tiny
        title: Tiny
        inputs:
          service: {type: string, default: app, pattern: '^[a-z]+$'}
          password: {type: secret, required: false}
          target: {type: string, default: web1, pattern: '^[a-z0-9]+$'}
        steps:
          look:
            kind: check
            title: Look
            why: To see.
            script: echo "$PASSWORD"
            branches:
              - when: {matches: broken}
                next: fix
                because: it is broken
              - when: {timed_out: true}
                next: gone
                because: the look timed out
              - otherwise: ask
                because: it looks fine
          ask:
            kind: question
            title: Fix anyway?
            why: A human decides.
            options:
              - {answer: fix, label: Fix it, next: fix}
              - {answer: leave, label: Leave it, next: gone}
          fix:
            kind: action
            title: Restart
            why: Restarting clears it.
            command: [systemctl, restart, "${service}"]
            skip: gone
            branches:
              - when: {succeeded: true}
                next: verify
                because: the restart worked
              - otherwise: gone
                because: the restart failed
          verify:
            kind: check
            title: Verify
            why: Close the loop.
            command: [curl, "http://127.0.0.1/"]
            branches:
              - when: {succeeded: true}
                next: fixed
                because: it answers
              - otherwise: gone
                because: still broken
          fixed:
            kind: conclusion
            title: Fixed
            why: w
            outcome: resolved
            cause: upstream-crashed
            summary: restarted ${service}
          gone:
            kind: conclusion
            title: Escalate
            why: w
            outcome: escalate
            cause: none
        causes:
          upstream-crashed: {title: "The upstream exits on start-up or while serving", description: "In this test, the upstream exits on start-up or while serving."}
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    struct Harness {
        let session: RunSession
        let console: ScriptedConsole
        let runner: FakeRunner
        let recorder: MemoryRecorder
    }

    static func harness(
        _ replies: [ConsoleReply], results: [String: [StepResult]] = [:], interactive: Bool = true, inputs: [String: String] = [:],
        dryRun: Bool = false, yes: Bool = false, failAfter: Int? = nil, secrets: [String] = [], answers: [String] = []
    ) throws -> Harness {
        let runbook = try TestSupport.runbook(yaml)
        var values: [String: String] = ["service": "app", "target": "web1", "password": ""]
        values.merge(inputs) { $1 }
        let bundle = TestSupport.bundle(runbook)
        let walk = Walk(bundle: bundle, inputs: values)
        let console = ScriptedConsole(interactive: interactive, replies: replies, secrets: secrets)
        let defaults: [String: [StepResult]] = [
            "look": [StepResult(exitStatus: 0, output: "broken\n")], "fix": [StepResult(exitStatus: 0)],
            "verify": [StepResult(exitStatus: 0, output: "ok\n")],
        ]
        let runner = FakeRunner(results: defaults.merging(results) { $1 })
        let recorder = MemoryRecorder(failAfter: failAfter)
        var options = RunOptions(dryRun: dryRun, autoApprove: yes, operatorName: "alice@box", sessionPath: "/tmp/s")
        options.answers = try PresetAnswers.parse(answers, in: bundle).get()
        return Harness(
            session: RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options), console: console, runner: runner,
            recorder: recorder)
    }

    static let start = SessionStart(
        runbookID: "tiny", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [], interactive: true)

    @Test("a check runs at once and an action runs after exactly 'yes'")
    func confirmedAction() throws {
        let h = try Self.harness([.line("yes")])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.ranIDs == ["look", "fix", "verify"])
        #expect(end.outcome == "resolved" && end.exitStatus == 0)
        #expect(h.recorder.confirmations.map(\.approved) == [true])
        #expect(h.recorder.confirmations.first?.by == "alice@box")
        #expect(h.console.prompts.first?.fresh == true, "typeahead before a confirmation is discarded")
        #expect(h.console.screen.contains("$ systemctl restart app"))
        #expect(h.console.screen.contains("it is broken"))
    }

    @Test("exactly no or skip declines: the action does not run and the skip branch is taken", arguments: ["no", "skip"])
    func declined(word: String) throws {
        let h = try Self.harness([.line(word)])
        let end = h.session.run(start: Self.start)
        #expect(!h.runner.ranIDs.contains("fix"), "the action must not run")
        #expect(h.recorder.confirmations.map(\.approved) == [false])
        #expect(h.recorder.confirmations.map(\.reply) == [word])
        #expect(end.outcome == "escalate", "declining takes the skip branch")
    }

    @Test("abort at a confirmation stops the run")
    func abortAtConfirmation() throws {
        let h = try Self.harness([.line("abort")])
        let end = h.session.run(start: Self.start)
        #expect(end.outcome == "aborted" && end.exitStatus == ExitStatus.aborted.rawValue)
        #expect(h.runner.ranIDs == ["look"])
    }

    @Test("without a terminal the run stops before an action, needing a person, unless --yes")
    func stoppedWithoutTerminal() throws {
        let h = try Self.harness([.line("yes")], interactive: false)
        let end = h.session.run(start: Self.start)
        #expect(h.runner.ranIDs == ["look"])
        #expect(end.outcome == SessionEnd.needsPerson && end.exitStatus == ExitStatus.needsPerson.rawValue)
        #expect(end.stepID == "fix")
        #expect(end.summary.hasPrefix("stopped before fix: needs a person"))
        #expect(h.recorder.confirmations.isEmpty, "nobody decided anything")
        #expect(h.console.prompts.isEmpty, "a 'yes' piped on stdin is never read as a confirmation")

        let approved = try Self.harness([], interactive: false, yes: true)
        let approvedEnd = approved.session.run(start: Self.start)
        #expect(approved.runner.ranIDs == ["look", "fix", "verify"])
        #expect(approved.recorder.confirmations.map(\.by) == ["--yes"])
        #expect(approvedEnd.outcome == "resolved")
    }

    @Test("a dry run runs checks, records actions as not run, and goes on as if they succeeded")
    func dryRun() throws {
        let h = try Self.harness([], dryRun: true)
        let end = h.session.run(start: Self.start)
        #expect(h.runner.ranIDs == ["look", "verify"])
        #expect(end.outcome == "resolved")
        let notRun = h.recorder.events.compactMap { if case .result(let r) = $0, r.stepID == "fix" { r.notRun } else { nil } }
        #expect(notRun == ["dry run"])
    }

    @Test("questions take a number or an answer; commands work at every prompt")
    func questionAndCommands() throws {
        let h = try Self.harness(
            [.line("wat"), .line("hepl"), .line("why"), .line("where"), .line("show"), .line("note checked the dashboards"), .line("2")],
            results: ["look": [StepResult(exitStatus: 0, output: "all good\n")]])
        let end = h.session.run(start: Self.start)
        #expect(end.outcome == "escalate")
        let screen = h.console.screen
        #expect(screen.contains("'wat' is not one of the answers: type 1-2 or one of fix, leave"))
        #expect(screen.contains("A human decides."))
        #expect(screen.contains("1. look"))
        #expect(screen.contains("│ all good"))
        #expect(h.recorder.events.contains(.note("checked the dashboards")))
        #expect(h.recorder.events.contains(.answer(stepID: "ask", answer: "leave")))
    }

    @Test("back, retry, goto and skip move the walk and are recorded")
    func movement() throws {
        // At the confirmation: back re-runs the check; then goto verify; verify fails, skip is
        // not needed as the branch leads on.
        let h = try Self.harness([.line("back"), .line("goto verify")])
        let end = h.session.run(start: Self.start)
        #expect(h.runner.ranIDs == ["look", "look", "verify"])
        #expect(end.outcome == "resolved")
        let commands = h.recorder.events.compactMap { if case .command(_, let text) = $0 { text } else { nil } }
        #expect(commands == ["back", "goto verify"])
    }

    @Test("a cancelled or timed-out step: the timeout is a branch, a cancel asks what now")
    func cancelAndTimeout() throws {
        let timedOut = try Self.harness([], results: ["look": [StepResult(exitStatus: nil, output: "", timedOut: true)]])
        #expect(timedOut.session.run(start: Self.start).outcome == "escalate")
        #expect(timedOut.console.screen.contains("timed out"))

        let cancelled = try Self.harness(
            [.line("retry"), .line("yes")],
            results: ["look": [StepResult(exitStatus: nil, cancelled: true), StepResult(exitStatus: 0, output: "broken\n")]])
        let end = cancelled.session.run(start: Self.start)
        #expect(cancelled.runner.ranIDs == ["look", "look", "fix", "verify"])
        #expect(end.outcome == "resolved")
        #expect(cancelled.console.screen.contains("cancelled"))
    }

    @Test("Ctrl-C twice at an ordinary prompt leaves; quit after an unverified action asks first")
    func leaving() throws {
        let h = try Self.harness([.interrupted, .interrupted], results: ["look": [StepResult(exitStatus: 0, output: "fine\n")]])
        #expect(h.session.run(start: Self.start).outcome == "aborted")

        // The action ran, verify failed into a stall? No: verify fails -> gone. Use a cancelled verify.
        let q = try Self.harness(
            [.line("yes"), .line("quit"), .line("no"), .line("quit"), .line("yes")],
            results: ["verify": [StepResult(exitStatus: nil, cancelled: true)]])
        let end = q.session.run(start: Self.start)
        #expect(end.outcome == "aborted")
        #expect(q.console.screen.contains("the fix is not verified"))
        #expect(q.console.screen.contains("not quitting"))
    }

    @Test("secrets are masked on screen, in output files and in the journal, even across chunks")
    func masking() throws {
        let secret = "pa$s%\"word"
        let h = try Self.harness(
            [.line("yes"), .line("set password=other"), .line("vars")],
            results: ["look": [StepResult(exitStatus: 0, output: "broken: \(secret)\nagain \(secret)")]], inputs: ["password": secret])
        h.runner.chunkSize = 2
        _ = h.session.run(start: Self.start)
        #expect(!h.console.screen.contains(secret))
        #expect(!h.recorder.everything.contains(secret))
        #expect(h.console.screen.contains("broken: ••••"))
        #expect(!h.recorder.everything.contains("pa$s"))
    }

    @Test("set refuses a secret on the line, asks for it hidden, and keeps it out of history")
    func settingSecrets() throws {
        let h = try Self.harness(
            [.line("set password=hunter2"), .line("set password"), .line("set service=BAD"), .line("set servcie=x"), .line("yes")],
            secrets: ["s3cret"])
        _ = h.session.run(start: Self.start)
        #expect(h.console.screen.contains("'password' is secret"))
        #expect(h.console.screen.contains("not set:"))
        #expect(h.console.screen.contains("did you mean 'service'"))
        #expect(!h.console.remembered.contains { $0.contains("hunter2") || $0.contains("s3cret") })
        #expect(!h.recorder.everything.contains("s3cret"))
    }

    @Test("when the journal cannot be written the run stops before the next action")
    func recordingFailure() throws {
        // start, step look, run look, output, result, branch, step fix = 7 events; fail from then on.
        let h = try Self.harness([.line("yes")], failAfter: 7)
        let end = h.session.run(start: Self.start)
        #expect(!h.runner.ranIDs.contains("fix"))
        #expect(end.exitStatus == ExitStatus.failure.rawValue)
        #expect(h.console.screen.contains("could not be written"))
    }
}
