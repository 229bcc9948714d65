import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// Decisions at a real terminal: a typo, Ctrl-C or the end of input never approves or declines
/// an action or answers a question, and a run that stopped for want of a person resumes.
@Suite("Decisions at a terminal", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct DecisionTerminalTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/decide.yaml"

    /// `medic run` of the fixture in a new terminal; `input` is put around the command line,
    /// `%` standing for it (`yes | %`, `% < /dev/null`).
    func run(_ dir: String, session: String, input: String = "%") throws -> Terminal {
        let command = "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/\(session)"
        return try Terminal(input.replacingOccurrences(of: "%", with: command), environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
    }

    /// `medic resume` of `session` in a new terminal.
    func resume(_ dir: String, _ session: String, into next: String) throws -> Terminal {
        try Terminal(
            "\(CommandLineTests.binary) resume \(dir)/\(session) --transcript \(dir)/\(next)", environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
    }

    @Test("typos, a yes where the target's name is asked, near-miss answers and Ctrl-C at a question decide nothing; each says why and asks again")
    func typos() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        let first = try terminal.waitFor("Run it? › ")
        #expect(first.contains("  with $DIR = \(dir)"), "the script's value is on screen before the approval")
        try terminal.enter("y", expecting: "'y' is not yes: only the whole word counts")
        try terminal.enter("YES", expecting: "'YES' is not yes: it must be typed exactly, in the same case")
        try terminal.enter(" yes ", expecting: "' yes ' has spaces around it: only exactly yes counts")
        try terminal.enter("", expecting: "nothing was typed, and an empty line decides nothing")
        try terminal.waitFor("Type yes to run it; no or skip to skip it; abort to stop the run.", times: 5)
        try terminal.enter("why", expecting: "What it changes (on this machine): 'touch' changes state.")
        try terminal.enter("no", expecting: "Leave marker B on the host")
        try terminal.waitFor("Run it? › ", times: 7)
        try terminal.enter("yes", expecting: "'yes' does not approve this action: it asks for the target's name, web1")
        try terminal.enter("web2", expecting: "'web2' is not the target's name, nor no, skip or abort: it decides nothing")
        try terminal.enter("web1", expecting: "Answer (1-2) › ")
        try terminal.type("mo")
        try terminal.send("C-c")
        try terminal.waitFor("(Ctrl-C again, or quit, to leave)")
        try terminal.waitFor("Answer (1-2) › ", times: 2)
        try terminal.enter(" done", expecting: "' done' has spaces around it; answers are typed exactly: type 1-2 or one of done, more")
        try terminal.enter("3", expecting: "'3' is not one of the answers")
        try terminal.enter("done", expecting: "[exit 0]")

        #expect(!FileManager.default.fileExists(atPath: dir + "/a"), "declined with no, after four lines that decided nothing")
        #expect(FileManager.default.fileExists(atPath: dir + "/b"), "approved with the target's name")
        let confirmations = try SessionEvidence(directory: dir + "/s").confirmations
        #expect(confirmations.count == 2, "only the two decisions are in the journal")
        #expect(confirmations.first.map { ($0.reply, $0.approved) } ?? ("", true) == ("no", false))
        #expect(confirmations.last.map { ($0.reply, $0.approved) } ?? ("", false) == ("web1", true))
    }

    @Test("Ctrl-C at a confirmation clears the line and asks again; twice in a row offers to leave")
    func controlC() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.type("ye")
        try terminal.send("C-c")
        try terminal.waitFor("(Ctrl-C again, or quit, to leave)")
        try terminal.waitFor("Run it? › ", times: 2)
        try terminal.enter("yes", expecting: "Leave marker B on the host")
        try terminal.waitFor("Run it? › ", times: 3)
        try terminal.send("C-c")
        try terminal.waitFor("(Ctrl-C again, or quit, to leave)", times: 2)
        try terminal.send("C-c")
        // An action ran and nothing has verified it since: leaving is offered, not imposed.
        try terminal.waitFor("the fix is not verified. Type yes to quit anyway.")
        try terminal.enter("yes", expecting: "[exit 4]")

        #expect(FileManager.default.fileExists(atPath: dir + "/a"), "the line cut by Ctrl-C was not a decision; the yes after it was")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        let journal = try SessionEvidence(directory: dir + "/s")
        #expect(journal.end?.outcome == "aborted")
        #expect(journal.confirmations.count == 1, "Ctrl-C declined nothing")
    }

    @Test("SIGTERM at the quit question (an action not verified) stops the run; it does not stay, answered 'not quitting'")
    func stopAtQuitQuestion() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.enter("yes", expecting: "Leave marker B on the host")
        try terminal.waitFor("Run it? › ", times: 2)
        try terminal.send("C-c")
        try terminal.waitFor("(Ctrl-C again, or quit, to leave)")
        try terminal.send("C-c")
        try terminal.waitFor("Quit? › ")
        let medic = try #require(StopDuringDiscoveryTests.medicPid(transcript: dir + "/s"))
        kill(medic, SIGTERM)
        let screen = try terminal.waitFor("[exit ", timeout: 20)
        #expect(!screen.contains("not quitting"), "\(screen)")
        let journal = try SessionEvidence(directory: dir + "/s")
        #expect(journal.end?.summary.contains("told to stop at the quit question") == true, "\(journal.end?.summary ?? "no end")")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"), "nothing more ran")
    }

    @Test("Ctrl-D at a confirmation or a question stops the run, needing a person; medic resume at a terminal goes on")
    func controlD() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "one")
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.send("C-d")
        let stopped = try terminal.waitFor("[exit 7]")
        #expect(stopped.contains("══ STOPPED before 'Leave marker A' (first): needs a person"))
        #expect(stopped.contains("medic resume \(dir)/one"))
        let one = try SessionEvidence(directory: dir + "/one")
        #expect(one.end?.summary.hasPrefix("stopped before first: needs a person (input ended before anyone decided)\n") == true)
        #expect(one.confirmations.isEmpty)
        #expect(!one.path.contains("second"), "the declined branch was never taken")

        let second = try resume(dir, "one", into: "two")
        defer { second.close() }
        try second.waitFor("The run stopped at first (Leave marker A)")
        try second.waitFor("Run it? › ")
        try second.enter("no", expecting: "Leave marker B on the host")
        try second.waitFor("Run it? › ", times: 2)
        try second.enter("web1", expecting: "Answer (1-2) › ")
        try second.send("C-d")
        let atQuestion = try second.waitFor("[exit 7]")
        #expect(atQuestion.contains("══ STOPPED before 'Was that enough?' (enough): needs a person"))
        #expect(
            try SessionEvidence(directory: dir + "/two").end?.summary.hasPrefix(
                "stopped before enough: needs a person (input ended before anyone answered)\n") == true)

        let third = try resume(dir, "two", into: "three")
        defer { third.close() }
        try third.waitFor("Answer (1-2) › ")
        try third.enter("done", expecting: "[exit 0]")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
        #expect(try String(contentsOfFile: dir + "/b", encoding: .utf8).isEmpty, "marker B was left once")
        #expect(try SessionEvidence(directory: dir + "/three").end?.outcome == "resolved")
    }

    @Test("told to stop (SIGTERM) at a confirmation, Medic stops there undecided, needing a person")
    func terminatedAtConfirmation() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        kill(try ResumeTests().pidOfMedic(sessionDirectory: "\(dir)/s"), SIGTERM)
        let screen = try terminal.waitFor("[exit 7]")
        #expect(screen.contains("the terminal went away or Medic was told to stop before anyone decided; nothing was decided."))
        let end = try #require(try SessionEvidence(directory: dir + "/s").end)
        #expect(end.outcome == "needs-person" && end.stepID == "first")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
    }

    @Test(
        "without a terminal on stdin (yes piped in, /dev/null, a closed stdin, a closed pipe) the run diagnoses and stops before the action",
        arguments: ["yes | %", "% < /dev/null", "% <&-", "true | %"])
    func unattended(input: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s", input: input)
        defer { terminal.close() }
        let screen = try terminal.waitFor("[exit 7]")
        #expect(screen.contains("[1] CHECK  Look around"))
        #expect(screen.contains("══ STOPPED before 'Leave marker A' (first): needs a person"))
        #expect(screen.contains("standard input is not a terminal, and without one only --yes approves an action"))
        #expect(!screen.contains("Run it? › "), "nothing is read as a confirmation")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
    }

    @Test("yes piped into medic approves nothing; a person resumes the run at a terminal and confirms the fix")
    func pipedYesThenResume() throws {
        let dir = try TestSupport.temporaryDirectory()
        let unattended = try run(dir, session: "night", input: "yes | %")
        defer { unattended.close() }
        let night = try unattended.waitFor("[exit 7]")
        #expect(night.contains("↳ there is something to fix"), "the diagnosis ran unattended")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))

        let person = try resume(dir, "night", into: "morning")
        defer { person.close() }
        try person.waitFor("It stopped before first: needs a person (standard input is not a terminal")
        try person.waitFor("Run it? › ")
        try person.enter("yes", expecting: "Leave marker B on the host")
        try person.waitFor("Run it? › ", times: 2)
        try person.enter("web1", expecting: "Answer (1-2) › ")
        try person.enter("1", expecting: "[exit 0]")
        #expect(FileManager.default.fileExists(atPath: dir + "/a") && FileManager.default.fileExists(atPath: dir + "/b"))
        let morning = try SessionEvidence(directory: dir + "/morning")
        #expect(morning.start?.flags.contains("--resumed-from=../night") == true, "\(String(describing: morning.start?.flags))")
        #expect(!morning.confirmations.isEmpty && morning.confirmations.allSatisfy { $0.by != "--yes" })
        #expect(morning.end?.actions.allSatisfy { $0.by != "--yes" } == true)
    }

    @Test("an answer typed while a check runs is discarded: the question still waits, and only the answer typed at it decides")
    func typeaheadAtAQuestion() throws {
        let dir = try TestSupport.temporaryDirectory()
        let command =
            "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/typeahead.yaml --var dir=\(dir) --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("$ sleep 3")
        // Typed during the check's sleep, before the question is on screen.
        try terminal.type("1")
        try terminal.send("Enter")
        try terminal.waitFor("Answer (1-2) › ")
        Thread.sleep(forTimeInterval: 1.5)
        let waiting = try terminal.screen()
        #expect(!waiting.contains("Run it? › ") && !waiting.contains("Answer (1-2) › 1"), "the typed-ahead 1 answered nothing: \(waiting)")
        try terminal.enter("2", expecting: "[exit 0]")
        let evidence = try SessionEvidence(directory: dir + "/s")
        let answers = evidence.events.compactMap { if case .answer(_, let answer, _) = $0 { answer } else { nil } }
        #expect(answers == ["leave"], "only the answer typed at the question: \(answers)")
        #expect(evidence.path.last == "done" && !evidence.path.contains("fix"), "\(evidence.path)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/marker"))
    }

    @Test("a command typed while a check runs is discarded at the medic › prompt, which says so once; only what is typed at the prompt counts")
    func typeaheadAtTheCommandPrompt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let command = "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/typeahead-command.yaml --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("sleep 3; printf")
        // Typed during the check's sleep, before the prompt is on screen: it would end the run.
        try terminal.type("goto done")
        try terminal.send("Enter")
        // And a line begun but not ended: it would be on the prompt's line, for Enter to send.
        try terminal.type("skip")
        try terminal.waitFor("medic › ")
        Thread.sleep(forTimeInterval: 1.5)
        let waiting = try terminal.screen()
        let notice = "(what was typed before this prompt was discarded: only what is typed at it counts)"
        #expect(!waiting.contains("[exit") && !waiting.contains("CONCLUSION"), "the typed-ahead goto moved nothing: \(waiting)")
        #expect(waiting.components(separatedBy: notice).count == 2, "told once: \(waiting)")
        let promptLine = waiting.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(promptLine?.trimmingCharacters(in: .whitespaces) == "medic ›", "the begun line is not on the prompt's: \(waiting)")
        try terminal.enter("quit", expecting: "[exit ")
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(!evidence.path.contains("done"), "\(evidence.path)")
        let commands = evidence.events.compactMap { if case .command(_, let text) = $0 { text } else { nil } }
        #expect(commands == ["quit"], "only the command typed at the prompt: \(commands)")
    }
}
