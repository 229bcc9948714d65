import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A question is answered at a terminal or by `--answer STEP=ANSWER`, never by a line piped in:
/// without a terminal, what is read cannot be told from something nobody meant as an answer.
@Suite("Questions without a terminal: --answer, never a piped line")
struct PresetAnswerTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/confirm-afresh.yaml"
    let cli = CommandLineTests()

    func answers(_ events: [TranscriptEvent]) -> [String] {
        events.compactMap { if case .answer(let step, let answer, let by) = $0 { "\(step)=\(answer)\(by.map { " by \($0)" } ?? "")" } else { nil } }
    }

    @Test("a line piped in answers no question: the run stops there, needing a person, and names --answer", arguments: ["yes\n", "1\n", ""])
    func pipedLineIsNoAnswer(stdin: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--yes", "--transcript", dir + "/s"], stdin: stdin)
        #expect(run.status == 7, "\(run.output)\n\(run.error)")
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(answers(evidence.events).isEmpty, "nobody answered")
        #expect(evidence.path == ["ready"] && evidence.actionRuns.isEmpty, "\(evidence.path)")
        let end = try #require(evidence.end)
        #expect(end.outcome == SessionEnd.needsPerson && end.stepID == "ready")
        #expect(
            end.summary.hasPrefix(
                "stopped before ready: needs a person (standard input is not a terminal, and without one only --answer ready=ANSWER answers a question)"
            ), "\(end.summary)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/first"))
    }

    @Test("--answer answers its question without a terminal, on screen and in the journal, and the start record lists it")
    func answeredByFlag() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--yes", "--answer", "ready=1", "--transcript", dir + "/s"])
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        #expect(run.output.contains("answered 'yes' by --answer"), "\(run.output)")
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(answers(evidence.events) == ["ready=yes by --answer"], "the number is recorded as the answer it stands for, and by whom")
        #expect(evidence.start?.flags == ["--yes", "--answer=ready=yes"])
        #expect(FileManager.default.fileExists(atPath: dir + "/first"), "the answer led on to the action, which --yes approved")
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("--answer=ready=yes") && report.contains("answered `yes` by --answer"), "\(report)")
        // The other answer leads elsewhere: nothing runs.
        let other = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)/n", "--yes", "--answer", "ready=no", "--transcript", dir + "/n"])
        let otherAnswers = answers(try SessionEvidence(directory: dir + "/n").events)
        #expect(other.status == 0 && otherAnswers == ["ready=no by --answer"], "\(other.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/n/first"))
    }

    @Test(
        "an --answer that answers no question of the runbook is an error before anything runs",
        arguments: [
            ("ready", "--answer ready: give it as STEP=ANSWER"),
            ("=yes", "--answer =yes: give it as STEP=ANSWER"),
            ("ready=", "--answer ready=: give it as STEP=ANSWER"),
            ("leave=yes", "--answer leave=yes: 'leave' is no question the walk of confirm-afresh can reach (its questions: ready)"),
            ("redy=yes", "--answer redy=yes: 'redy' is no question the walk of confirm-afresh can reach (its questions: ready)"),
            ("ready=maybe", "--answer ready=maybe: 'maybe' is not an answer to 'ready' (its answers: yes, no)"),
            ("ready=3", "--answer ready=3: '3' is not an answer to 'ready' (its answers: yes, no)"),
            ("other/ready=yes", "--answer other/ready=yes: 'other/ready' is no question the walk of confirm-afresh can reach (its questions: ready)"),
            (
                "confirm-afresh/ready=yes",
                "--answer confirm-afresh/ready=yes: 'confirm-afresh/ready' is no question the walk of confirm-afresh can reach (its questions: ready)"
            ),
        ])
    func refused(answer: String, message: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)", "--answer", answer, "--transcript", dir + "/s"])
        #expect(run.status != 0 && run.status != 7, "\(run.output)")
        #expect(run.error.contains(message + "; nothing was run"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "no session was started")
    }

    @Test("a called runbook's question is answered by its qualified id; one question answered two ways is refused")
    func qualified() throws {
        let dir = try TestSupport.temporaryDirectory()
        try Self.write(dir + "/caller.yaml", calling: [("ask-there", "asker.yaml")], id: "caller")
        try """
        medic: 1
        id: asker
        title: Asks
        steps:
          which:
            kind: question
            title: Which one?
            why: A question in a called runbook.
            options:
              - {answer: left, label: The left one, next: done}
              - {answer: right, label: The right one, next: done}
          done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: dir + "/asker.yaml", atomically: true, encoding: .utf8)
        let bundle = try #require(RunbookLoader().loadBundle(dir + "/caller.yaml").bundle)
        #expect((try? PresetAnswers.parse(["asker/which=2"], in: bundle).get())?.byStep == ["asker/which": "right"])
        #expect((try? PresetAnswers.parse(["asker/which=left", "asker/which=1"], in: bundle).get())?.byStep == ["asker/which": "left"])
        #expect(
            PresetAnswers.parse(["asker/which=left", "asker/which=right"], in: bundle)
                == .failure(PresetAnswerProblem("--answer asker/which=right: 'asker/which' is answered twice, 'left' and 'right'")))
        for wrong in ["which", "caller/asker/which", "bogus/asker/which"] {
            #expect(
                PresetAnswers.parse(["\(wrong)=left"], in: bundle)
                    == .failure(
                        PresetAnswerProblem(
                            "--answer \(wrong)=left: '\(wrong)' is no question the walk of caller can reach (its questions: asker/which)")))
        }
        let run = try cli.medic(["run", dir + "/caller.yaml", "--answer", "asker/which=right", "--transcript", dir + "/s"])
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        #expect(answers(try SessionEvidence(directory: dir + "/s").events) == ["asker/which=right by --answer"])

        // Called from a runbook that is itself called, the question's id carries both ids.
        try Self.write(dir + "/outer.yaml", calling: [("mid", "caller.yaml")], id: "outer")
        let nested = try #require(RunbookLoader().loadBundle(dir + "/outer.yaml").bundle)
        #expect(Set(PresetAnswers.questions(in: nested).keys) == ["caller/asker/which"])
        #expect((try? PresetAnswers.parse(["caller/asker/which=left"], in: nested).get())?.byStep == ["caller/asker/which": "left"])
        #expect((try? PresetAnswers.parse(["asker/which=left"], in: nested).get()) == nil)

        // Two files with one id: one question id names both, and an answer could mean either.
        try FileManager.default.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
        try String(contentsOfFile: dir + "/asker.yaml", encoding: .utf8).replacingOccurrences(of: "answer: left", with: "answer: wipe")
            .write(toFile: dir + "/b/asker.yaml", atomically: true, encoding: .utf8)
        try Self.write(dir + "/twice.yaml", calling: [("one", "asker.yaml"), ("two", "b/asker.yaml")], id: "twice")
        let twice = try #require(RunbookLoader().loadBundle(dir + "/twice.yaml").bundle)
        let refused = PresetAnswers.parse(["asker/which=right"], in: twice)
        #expect(
            refused
                == .failure(
                    PresetAnswerProblem(
                        "--answer asker/which=right: 'asker/which' names a question in 2 runbooks (\(dir)/asker.yaml, \(dir)/b/asker.yaml), which share an id; give each its own id"
                    )), "\(refused)")
    }

    /// A runbook `id` whose steps call each of `calls` (step id, file) in turn, then end.
    static func write(_ path: String, calling calls: [(String, String)], id: String) throws {
        var steps = ""
        for (index, (step, file)) in calls.enumerated() {
            let next = index + 1 < calls.count ? calls[index + 1].0 : "done"
            steps += """
                  \(step):
                    kind: runbook
                    title: Call \(file)
                    why: A call.
                    runbook: \(file)
                    branches:
                      - otherwise: \(next)
                        because: it ended

                """
        }
        try """
        medic: 1
        id: \(id)
        title: Calls others
        steps:
        \(steps)  done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("an --answer answers its question once: reached again (a loop), without a terminal, the run stops there for a person")
    func answersOnce() throws {
        let dir = try TestSupport.temporaryDirectory()
        try """
        medic: 1
        id: loop
        title: Asks again after each look
        steps:
          look:
            kind: check
            title: Look
            why: A check before each question.
            command: ["true"]
            branches:
              - otherwise: again
                because: looked
          again:
            kind: question
            title: Look again?
            why: The question a loop comes back to.
            options:
              - {answer: wait, label: Look again, next: look}
              - {answer: stop, label: Stop, next: done}
          done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: dir + "/loop.yaml", atomically: true, encoding: .utf8)
        let run = try cli.medic(["run", dir + "/loop.yaml", "--answer", "again=wait", "--transcript", dir + "/s"], stdin: "stop\n")
        #expect(run.status == 7, "\(run.output)\n\(run.error)")
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(answers(evidence.events) == ["again=wait by --answer"])
        #expect(evidence.path == ["look", "again", "look", "again"], "\(evidence.path)")
        #expect(
            evidence.end?.summary.hasPrefix(
                "stopped before again: needs a person (standard input is not a terminal, and --answer answered this question the first time it was reached, not again)"
            ) == true, "\(evidence.end?.summary ?? "")")
    }

    @Test("at the prompt after a step stalled, a line piped in may show and set, never decide: goto, skip, back, retry and quit do nothing")
    func pipedCommandsMoveNothing() throws {
        let dir = try TestSupport.temporaryDirectory()
        try """
        medic: 1
        id: stall
        title: A check that stalls
        inputs:
          note: {type: string, default: "x", pattern: '^[a-z]+$'}
        steps:
          look:
            kind: check
            title: Look
            why: Its pattern backtracks until the step's deadline, so no branch is taken and the command prompt follows.
            script: |
              printf 'a%.0s' $(seq 1 40); printf '!\\n'
            timeout: 2s
            branches:
              - when: {matches: '^(a+)+$'}
                next: fine
                because: only a's
              - otherwise: fine
                because: a bang
          fine: {kind: conclusion, title: Fine, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: dir + "/stall.yaml", atomically: true, encoding: .utf8)
        let lines = ["vars", "set note=changed", "goto fine", "skip", "back", "retry", "quit"]
        let run = try cli.medic(["run", dir + "/stall.yaml", "--transcript", dir + "/s"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(run.status == 7, "\(run.output)\n\(run.error)")
        for line in ["goto fine", "skip", "back", "retry", "quit"] {
            #expect(
                run.output.contains("'\(line)' is a decision, and standard input is not a terminal: only a person at one decides; nothing was done"),
                "\(run.output)")
        }
        #expect(run.output.contains("note = changed"), "a line that moves nothing still works: \(run.output)")
        let evidence = try SessionEvidence(directory: dir + "/s")
        let commands = evidence.events.compactMap { if case .command(_, let text) = $0 { text } else { nil } }
        #expect(commands == ["set note=changed"], "\(commands)")
        #expect(evidence.path == ["look"] && evidence.end?.outcome == SessionEnd.needsPerson, "\(evidence.path)")
    }
}
