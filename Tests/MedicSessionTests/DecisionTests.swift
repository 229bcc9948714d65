import Foundation
import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// A decision at a confirmation or a question is only ever made on purpose: typos, Ctrl-C and
/// the end of input decide nothing. Driven through the session's doubles.
@Suite("Decisions on purpose")
struct DecisionTests {
    typealias Harness = RunSessionTests.Harness
    let start = RunSessionTests.start

    @Test(
        "a near miss at a confirmation decides nothing: Medic says why in one line, gives the hint, and asks again",
        arguments: [
            ("y", "'y' is not yes: only the whole word counts"),
            ("Y", "'Y' is not yes: only the whole word counts"),
            ("YES", "'YES' is not yes: it must be typed exactly, in the same case"),
            (" yes ", "' yes ' has spaces around it: only exactly yes counts"),
            ("yes ", "'yes ' has spaces around it: only exactly yes counts"),
            ("", "nothing was typed, and an empty line decides nothing"),
            ("   ", "only spaces were typed, and they decide nothing"),
            ("n", "'n' is not no: only the whole word counts"),
            ("No", "'No' is not no: it must be typed exactly, in the same case"),
            (" skip", "' skip' has spaces around it: only exactly skip counts"),
            ("ABORT", "'ABORT' is not abort: it must be typed exactly, in the same case"),
            ("yes please", "'yes please' is not yes, no, skip or abort: it decides nothing"),
        ])
    func nearMiss(typed: String, reason: String) throws {
        let h = try RunSessionTests.harness([.line(typed), .line("yes")])
        let end = h.session.run(start: start)
        #expect(h.runner.ranIDs == ["look", "fix", "verify"], "only the later, exact yes ran the action")
        #expect(end.outcome == "resolved")
        #expect(h.recorder.confirmations.map(\.reply) == ["yes"], "a line that decides nothing is not recorded as a decision")
        #expect(h.console.screen.contains("  " + reason))
        let hint = "  Type yes to run it; no or skip to skip it; abort to stop the run."
        #expect(h.console.shown.filter { $0.text == hint }.count == 2, "the hint is shown again after the reason")
        #expect(h.console.prompts.filter { $0.prompt == "Run it? › " }.map(\.fresh) == [true, true], "asked again, discarding typeahead")
    }

    @Test("no number of wrong answers approves or declines; the end of input then stops the run, needing a person")
    func manyWrongAnswers() throws {
        let typos: [ConsoleReply] = Array(repeating: .line("y"), count: 25) + [.line(""), .line("YES"), .line(" no ")]
        let h = try RunSessionTests.harness(typos)
        let end = h.session.run(start: start)
        #expect(h.runner.ranIDs == ["look"])
        #expect(h.recorder.confirmations.isEmpty)
        #expect(h.console.prompts.count == typos.count + 1)
        #expect(end.outcome == SessionEnd.needsPerson && end.exitStatus == 7 && end.stepID == "fix")
        #expect(end.summary.split(separator: "\n").first == "stopped before fix: needs a person (input ended before anyone decided)")
        #expect(end.summary.contains("Not done on this path:"), "the ending names the action nobody decided")
        #expect(!h.session.path.contains("gone"), "the declined branch was never taken")
    }

    @Test("at a type-target confirmation only the target's name approves, and yes is explained")
    func typeTarget() throws {
        let h = try Self.typeTargetHarness([.line("yes"), .line("web"), .line("WEB1"), .line("web1")])
        let end = h.session.run(start: start)
        #expect(end.outcome == "resolved")
        #expect(h.runner.ranIDs == ["restart"])
        #expect(h.recorder.confirmations.map(\.reply) == ["web1"])
        let screen = h.console.screen
        #expect(screen.contains("'yes' does not approve this action: it asks for the target's name, web1"))
        #expect(screen.contains("'web' is not web1: only the whole word counts"))
        #expect(screen.contains("'WEB1' is not web1: it must be typed exactly, in the same case"))
        #expect(screen.contains("Type the target's name, web1, to run it; no or skip to skip it; abort to stop the run."))
    }

    @Test("an action whose target's name is empty can never be approved, not even by an empty line")
    func emptyTarget() throws {
        let h = try Self.typeTargetHarness([.line(""), .line("no")], target: "")
        let end = h.session.run(start: start)
        #expect(h.runner.ranIDs.isEmpty)
        #expect(h.recorder.confirmations.map(\.approved) == [false])
        #expect(end.outcome == "escalate")
        #expect(h.console.screen.contains("the target's name is empty, so this action cannot be approved"))
    }

    @Test("Ctrl-C at a confirmation asks again; twice in a row offers to leave")
    func controlC() throws {
        let once = try RunSessionTests.harness([.interrupted, .line("yes")])
        #expect(once.session.run(start: start).outcome == "resolved")
        #expect(once.runner.ranIDs.contains("fix"))
        #expect(once.console.screen.contains("(Ctrl-C again, or quit, to leave)"))

        // A line between two Ctrl-Cs starts the count again.
        let apart = try RunSessionTests.harness([.interrupted, .line("where"), .interrupted, .line("no")])
        #expect(apart.session.run(start: start).outcome == "escalate")
        #expect(apart.recorder.confirmations.map(\.reply) == ["no"])

        let twice = try RunSessionTests.harness([.interrupted, .interrupted])
        let end = twice.session.run(start: start)
        #expect(end.outcome == "aborted" && end.summary.hasPrefix("the operator quit") && end.exitStatus == ExitStatus.aborted.rawValue)
        #expect(twice.recorder.confirmations.isEmpty, "leaving is not a decline")
        #expect(!twice.session.path.contains("gone"))
    }

    @Test("the end of input or a lost terminal at a confirmation stops there, undecided", arguments: [ConsoleReply.endOfInput, .hangUp])
    func endOfInput(reply: ConsoleReply) throws {
        let h = try RunSessionTests.harness([reply])
        let end = h.session.run(start: start)
        #expect(h.runner.ranIDs == ["look"])
        #expect(end.outcome == SessionEnd.needsPerson && end.exitStatus == ExitStatus.needsPerson.rawValue)
        #expect(h.recorder.confirmations.isEmpty)
        #expect(h.recorder.end == end, "the stop is the journal's last record")
        #expect(h.console.screen.contains("══ STOPPED before 'Restart' (fix): needs a person"))
        #expect(h.console.screen.contains("medic resume /tmp/s"))
    }

    @Test("a run stopped before an action resumes at that action's confirmation")
    func resumeAfterStop() throws {
        let first = try RunSessionTests.harness([])
        _ = first.session.run(start: start)
        #expect(first.recorder.end?.outcome == SessionEnd.needsPerson)
        let runbook = try TestSupport.runbook(RunSessionTests.yaml)
        var walk = Walk(bundle: TestSupport.bundle(runbook), inputs: ["service": "app", "target": "web1", "password": ""])
        // The journal, its needs-person end included, is replayed as `medic resume` replays it.
        #expect(
            JournalReplay.replay(first.recorder.events, keptOutput: { _, _ in ("broken\n", nil) }, hostOutputs: { _, _, _ in nil }, on: &walk).problem
                == nil)
        #expect(walk.pending == .confirmation(stepID: "fix"))
        let console = ScriptedConsole(replies: [.line("yes")])
        let runner = FakeRunner(results: ["fix": [StepResult(exitStatus: 0)], "verify": [StepResult(exitStatus: 0)]])
        let recorder = MemoryRecorder()
        let session = RunSession(
            walk: walk, console: console, runner: runner, recorder: recorder,
            options: RunOptions(operatorName: "bob@box", sessionPath: "/tmp/t"))
        let end = session.resume(start: start)
        #expect(runner.ranIDs == ["fix", "verify"])
        #expect(recorder.confirmations.map(\.by) == ["bob@box"])
        #expect(end.outcome == "resolved")
    }

    @Test(
        "a near miss at a question is not an answer: Medic says why and asks again",
        arguments: [
            (" 2", "' 2' has spaces around it; answers are typed exactly: type 1-2 or one of fix, leave"),
            ("LEAVE", "'LEAVE' is not leave; answers are typed exactly, in the same case: type 1-2 or one of fix, leave"),
            ("", "nothing was typed: type 1-2 or one of fix, leave"),
            ("3", "'3' is not one of the answers: type 1-2 or one of fix, leave"),
        ])
    func questionNearMiss(typed: String, reason: String) throws {
        let h = try RunSessionTests.harness([.line(typed), .line("leave")], results: ["look": [StepResult(exitStatus: 0, output: "fine\n")]])
        let end = h.session.run(start: start)
        #expect(h.console.screen.contains("  " + reason))
        #expect(h.recorder.events.filter { if case .answer = $0 { true } else { false } } == [.answer(stepID: "ask", answer: "leave")])
        #expect(end.outcome == "escalate")
    }

    @Test("the end of input at a question stops the run there, with no guess")
    func questionEndOfInput() throws {
        let h = try RunSessionTests.harness([.line("maybe")], results: ["look": [StepResult(exitStatus: 0, output: "fine\n")]], yes: true)
        let end = h.session.run(start: start)
        #expect(end.outcome == SessionEnd.needsPerson && end.stepID == "ask")
        #expect(end.summary == "stopped before ask: needs a person (input ended before anyone answered)")
        #expect(!h.recorder.events.contains { if case .answer = $0 { true } else { false } })
        #expect(h.runner.ranIDs == ["look"], "--yes approves actions, it never answers questions")
    }

    @Test("without a terminal a line is not read at a question; --answer answers it, at a terminal too, and reads nothing")
    func questionWithoutTerminal() throws {
        let results = ["look": [StepResult(exitStatus: 0, output: "fine\n")]]
        let piped = try RunSessionTests.harness([.line("leave")], results: results, interactive: false, yes: true)
        let stopped = piped.session.run(start: start)
        #expect(stopped.outcome == SessionEnd.needsPerson && stopped.stepID == "ask")
        #expect(
            stopped.summary
                == "stopped before ask: needs a person (standard input is not a terminal, and without one only --answer ask=ANSWER answers a question)"
        )
        #expect(!piped.recorder.events.contains { if case .answer = $0 { true } else { false } }, "the line was never read")
        for interactive in [false, true] {
            let h = try RunSessionTests.harness([], results: results, interactive: interactive, yes: true, answers: ["ask=leave"])
            let end = h.session.run(start: start)
            #expect(h.console.screen.contains("  answered 'leave' by --answer"), "\(h.console.screen)")
            #expect(
                h.recorder.events.filter { if case .answer = $0 { true } else { false } } == [.answer(stepID: "ask", answer: "leave", by: "--answer")]
            )
            #expect(end.outcome == "escalate", "\(end.summary)")
        }
        // Once only: `back` from the action it led to asks the question again, of the operator.
        let again = try RunSessionTests.harness([.line("back"), .line("leave")], results: results, answers: ["ask=fix"])
        let end = again.session.run(start: start)
        #expect(
            again.recorder.events.filter { if case .answer = $0 { true } else { false } } == [
                .answer(stepID: "ask", answer: "fix", by: "--answer"), .answer(stepID: "ask", answer: "leave"),
            ])
        #expect(again.runner.ranIDs == ["look"] && end.outcome == "escalate", "\(end.summary)")
    }

    @Test("the end of input after a step stalled stops the run there too; a lost terminal likewise")
    func stalledEndOfInput() throws {
        for reply in [ConsoleReply.endOfInput, .hangUp] {
            let h = try RunSessionTests.harness([reply], results: ["look": [StepResult(exitStatus: nil, cancelled: true)]])
            let end = h.session.run(start: start)
            #expect(end.outcome == SessionEnd.needsPerson && end.stepID == "look")
            #expect(end.summary.hasPrefix("stopped before look: needs a person ("))
            #expect(h.session.path == ["look"], "no branch was taken for the operator")
        }
    }

    @Test("a script action shows the values it will read before the approval, secrets masked")
    func scriptValues() throws {
        let h = try Self.typeTargetHarness([.line("why"), .line("no")], script: true, password: "hunter2")
        _ = h.session.run(start: start)
        let screen = h.console.screen
        let values = try #require(screen.range(of: "  with $TARGET = web1\n       $PASSWORD = ••••\n       $EMPTY is empty"))
        let prompt = try #require(screen.range(of: "Run it? › why"))
        #expect(values.upperBound < prompt.lowerBound, "the values are on screen before the prompt")
        #expect(!screen.contains("$LOCAL ="), "a variable the script sets itself is not Medic's to show")
        #expect(!screen.contains("hunter2"))
        #expect(!h.recorder.everything.contains("hunter2"))
    }

    @Test("why at an action says what it changes and what follows, not the teaching text again")
    func whyAtAnAction() throws {
        let h = try Self.typeTargetHarness([.line("why"), .line("no")])
        _ = h.session.run(start: start)
        let screen = h.console.screen
        let afterPrompt = String(screen[try #require(screen.range(of: "Run it? › why")).upperBound...])
        #expect(afterPrompt.contains("What it changes (on this machine): 'systemctl restart' changes state."))
        #expect(afterPrompt.contains("It acts on web1; the runbook asks you to type that name"))
        #expect(afterPrompt.contains("If it runs past 30s, its whole process group is stopped"))
        #expect(afterPrompt.contains("Afterwards, by its result: succeeded → fixed; otherwise → broken."))
        #expect(afterPrompt.contains("If you decline (no or skip), the run goes on at broken without it"))
        #expect(!afterPrompt.contains("A restart clears a wedged worker."), "the teaching text is already on screen")
    }

    static func typeTargetHarness(_ replies: [ConsoleReply], target: String = "web1", script: Bool = false, password: String = "") throws -> Harness {
        let runs =
            script
            ? """
                script: |
                  LOCAL=x; echo "$TARGET $LOCAL ${PASSWORD:-none} $EMPTY" '$SINGLE' \\$ESCAPED  # $COMMENT
            """
            : """
                command: [systemctl, restart, "${target}"]
            """
        let yaml = """
            medic: 1
            id: target
            title: Target
            inputs:
              target: {type: string, required: false, pattern: '^[a-z0-9]*$'}
              password: {type: secret, required: false}
              empty: {type: string, required: false}
              single: {type: string, default: s}
              escaped: {type: string, default: e}
              comment: {type: string, default: c}
            steps:
              restart:
                kind: action
                title: Restart the worker
                why: A restart clears a wedged worker.
            \(runs)
                confirm: type-target
                target: "${target}"
                skip: broken
                branches:
                  - when: {succeeded: true}
                    next: fixed
                  - otherwise: broken
              fixed: {kind: conclusion, title: Fixed, why: w, outcome: resolved, cause: none}
              broken: {kind: conclusion, title: Broken, why: w, outcome: escalate, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let runbook = try TestSupport.runbook(yaml)
        let walk = Walk(bundle: TestSupport.bundle(runbook), inputs: ["target": target, "password": password, "empty": ""])
        let console = ScriptedConsole(replies: replies)
        let runner = FakeRunner(results: ["restart": [StepResult(exitStatus: 0)]])
        let recorder = MemoryRecorder()
        let options = RunOptions(operatorName: "alice@box", sessionPath: "/tmp/s")
        return Harness(
            session: RunSession(walk: walk, console: console, runner: runner, recorder: recorder, options: options), console: console,
            runner: runner, recorder: recorder)
    }
}
