import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// A confirmation approves exactly what was on screen: `set` at the prompt puts the action
/// again, a target's name that is a decision word cannot approve, and nothing typed before (in
/// this run or an earlier one) comes back at a decision with Up.
@Suite("A confirmation approves what was shown", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct ConfirmAfreshTerminalTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/confirm-afresh.yaml"

    func run(_ dir: String, _ runbook: String = Self.runbook, session: String) throws -> Terminal {
        let command = "\(CommandLineTests.binary) run \(runbook) --var dir=\(dir) --transcript \(dir)/\(session)"
        return try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
    }

    @Test("set at a confirmation shows the action again with the new value: the old name approves nothing, the new one runs what it shows")
    func setShowsAgain() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        try terminal.waitFor("Answer (1-2) › ")
        try terminal.enter("yes", expecting: "Type the target's name, first, to run it")
        try terminal.enter(
            "set marker=second", expecting: "the action is shown again with the new value; the earlier screen and name approve nothing")
        try terminal.waitFor("Type the target's name, second, to run it")
        try terminal.waitFor("$MARKER = second")
        try terminal.enter("first", expecting: "'first' is not the target's name, nor no, skip or abort: it decides nothing")
        try terminal.enter("second", expecting: "Restart the service")
        #expect(FileManager.default.fileExists(atPath: dir + "/second"), "what ran is what was shown last")
        #expect(!FileManager.default.fileExists(atPath: dir + "/first"))
        let confirmations = try SessionEvidence(directory: dir + "/s").confirmations
        #expect(confirmations.first.map { ($0.expected, $0.reply, $0.approved) } ?? ("", "", false) == ("second", "second", true))
        // Typed before the next prompt appears, it would be discarded.
        try terminal.waitFor("Run it? › ", times: 4)
        try terminal.enter("no", expecting: "[exit 0]")
    }

    @Test("a target's name that is 'no' cannot be approved: typing no declines, and the prompt says why; --yes still approves it")
    func decisionWordTarget() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        try terminal.waitFor("Answer (1-2) › ")
        try terminal.enter("yes", expecting: "Run it? › ")
        try terminal.enter("no", expecting: "Restart the service")
        let screen = try terminal.waitFor("Run it? › ", times: 2)
        #expect(screen.contains("The target's name, 'no', is a decision at this prompt, so it cannot be approved"), "\(screen)")
        try terminal.enter("no", expecting: "[exit 0]")
        #expect(!FileManager.default.fileExists(atPath: dir + "/service"), "the word meant to decline declined")
        let confirmations = try SessionEvidence(directory: dir + "/s").confirmations
        #expect(confirmations.count == 2 && confirmations.allSatisfy { !$0.approved }, "\(confirmations)")

        let approved = try CommandLineTests().medic(
            [
                "run", Self.runbook, "--var", "dir=\(dir)", "--yes", "--answer", "ready=yes", "--transcript", dir + "/y",
            ])
        #expect(FileManager.default.fileExists(atPath: dir + "/service"), "--yes approves whatever the name: \(approved.output)")
    }

    @Test("Up at a confirmation recalls nothing, in this run or a later one: answers and decisions are never in the history; commands are")
    func noHistoryAtDecisions() throws {
        let dir = try TestSupport.temporaryDirectory()
        let first = try run(dir, session: "one")
        defer { first.close() }
        try first.waitFor("Answer (1-2) › ")
        try first.enter("yes", expecting: "Run it? › ")
        try first.enter("vars", expecting: "marker = first")
        // Up at the prompt itself (a key typed before it would be discarded, and prove nothing).
        try first.waitForPrompt("Run it? › ")
        try first.send("Up")
        try first.send("Enter")
        let afterUp = try first.waitFor("nothing was typed, and an empty line decides nothing")
        #expect(!afterUp.contains("typed before this prompt was discarded"), "Up was pressed at the prompt: \(afterUp)")
        try first.enter("abort", expecting: "[exit")
        let history = try String(contentsOfFile: dir + "/medic/history", encoding: .utf8)
        #expect(history.split(separator: "\n").contains("vars"), "commands are kept: \(history)")
        #expect(!history.split(separator: "\n").contains("yes"), "the answer is not: \(history)")

        // A later run whose first action asks for yes: Up brings back nothing to approve it with.
        let second = try run(dir, "Tests/MedicCLITests/Fixtures/decide.yaml", session: "two")
        defer { second.close() }
        try second.waitFor("Run it? › ")
        try second.send("Up")
        try second.send("Enter")
        try second.waitFor("nothing was typed, and an empty line decides nothing")
        try second.enter("abort", expecting: "[exit")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
        #expect(try SessionEvidence(directory: dir + "/two").confirmations.allSatisfy { !$0.approved })
    }
}
