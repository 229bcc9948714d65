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
        events.compactMap { if case .answer(let step, let answer) = $0 { "\(step)=\(answer)" } else { nil } }
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
        #expect(answers(evidence.events) == ["ready=yes"], "the number is recorded as the answer it stands for")
        #expect(evidence.start?.flags == ["--yes", "--answer=ready=yes"])
        #expect(FileManager.default.fileExists(atPath: dir + "/first"), "the answer led on to the action, which --yes approved")
        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        #expect(report.contains("--answer=ready=yes"), "\(report)")
        // The other answer leads elsewhere: nothing runs.
        let other = try cli.medic(["run", Self.runbook, "--var", "dir=\(dir)/n", "--yes", "--answer", "ready=no", "--transcript", dir + "/n"])
        let otherAnswers = answers(try SessionEvidence(directory: dir + "/n").events)
        #expect(other.status == 0 && otherAnswers == ["ready=no"], "\(other.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/n/first"))
    }

    @Test(
        "an --answer that answers no question of the runbook is an error before anything runs",
        arguments: [
            ("ready", "--answer ready: give it as STEP=ANSWER"),
            ("=yes", "--answer =yes: give it as STEP=ANSWER"),
            ("ready=", "--answer ready=: give it as STEP=ANSWER"),
            ("leave=yes", "--answer leave=yes: 'leave' is no question of confirm-afresh (its questions: ready)"),
            ("redy=yes", "--answer redy=yes: 'redy' is no question of confirm-afresh (its questions: ready)"),
            ("ready=maybe", "--answer ready=maybe: 'maybe' is not an answer to 'ready' (its answers: yes, no)"),
            ("ready=3", "--answer ready=3: '3' is not an answer to 'ready' (its answers: yes, no)"),
            ("other/ready=yes", "--answer other/ready=yes: no runbook with the id 'other' is called"),
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
        try """
        medic: 1
        id: caller
        title: Calls the asker
        steps:
          ask-there:
            kind: runbook
            title: Ask in the called runbook
            why: Its question is answered by its qualified id.
            runbook: asker.yaml
            branches:
              - otherwise: done
                because: it ended
          done: {kind: conclusion, title: Done, why: The end., outcome: resolved, cause: none}
        causes:
          none: {title: "No fault", description: "Nothing is wrong."}

        """.write(toFile: dir + "/caller.yaml", atomically: true, encoding: .utf8)
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
        #expect(
            PresetAnswers.parse(["which=left"], in: bundle)
                == .failure(PresetAnswerProblem("--answer which=left: 'which' is no question of caller (it has none)")))
        let run = try cli.medic(["run", dir + "/caller.yaml", "--answer", "asker/which=right", "--transcript", dir + "/s"])
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        #expect(answers(try SessionEvidence(directory: dir + "/s").events) == ["asker/which=right"])
    }
}
