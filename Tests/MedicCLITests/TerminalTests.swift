import Foundation
import MedicTestSupport
import Testing

/// `medic run` as an operator meets it: the real binary in a pseudo-terminal.
@Suite("medic run at a terminal", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct TerminalTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/terminal.yaml"

    @Test("Ctrl-C cancels a hanging check; tab completes; history recalls; yes runs, y does not")
    func walkAtTheTerminal() throws {
        let dir = try TestSupport.temporaryDirectory()
        let state = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/session",
            environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"])
        try terminal.waitFor("$ sleep 300")
        Thread.sleep(forTimeInterval: 0.3)
        try terminal.send("C-c")
        try terminal.waitFor("medic › ")
        #expect(try terminal.screen().contains("cancelled"))

        // Tab completion: "sk" + Tab becomes "skip ".
        try terminal.type("sk")
        try terminal.send("Tab")
        try terminal.waitFor("medic › skip")
        try terminal.send("Enter")
        try terminal.waitFor("Run it? › ")

        // History: `where` is remembered, and Up recalls it.
        try terminal.type("where")
        try terminal.send("Enter")
        try terminal.waitFor("1. hang")
        try terminal.send("Up")
        try terminal.waitFor("Run it? › where", times: 2)
        try terminal.send("Enter")
        try terminal.waitFor("1. hang", times: 2)

        try terminal.type("yes")
        try terminal.send("Enter")
        try terminal.waitFor("Leave marker B")
        try terminal.waitFor("Run it? › ", times: 4)
        try terminal.type("y")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 0]")

        #expect(FileManager.default.fileExists(atPath: dir + "/a"), "the action confirmed with yes ran")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"), "the action answered with y did not run")
        #expect(screen.contains("not run: only 'yes' approves it, and 'y' was typed"))
        let history = (try? String(contentsOfFile: state + "/medic/history", encoding: .utf8)) ?? ""
        #expect(history.contains("where"))
        #expect(!history.contains("yes"), "confirmations never enter the history")
    }

    @Test("Ctrl-C twice at a prompt leaves, with status 4")
    func leaveWithControlC() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/session",
            environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        try terminal.waitFor("$ sleep 300")
        Thread.sleep(forTimeInterval: 0.3)
        try terminal.send("C-c")
        try terminal.waitFor("medic › ")
        try terminal.type("half-typed")
        try terminal.send("C-c")
        try terminal.waitFor("Ctrl-C again")
        try terminal.send("C-c")
        let screen = try terminal.waitFor("[exit 4]")
        #expect(screen.contains("ABORTED · the operator quit"))
    }

    @Test("a secret input is asked with echo off and never shown")
    func secretPrompt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let runbook = dir + "/secret.yaml"
        try """
        medic: 1
        id: secret
        title: Secret prompt
        inputs:
          token: {type: secret, description: The API token.}
        steps:
          use:
            kind: check
            title: Use the token
            why: w
            script: printf 'token is %s\\n' "$TOKEN"
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        """.write(toFile: runbook, atomically: true, encoding: .utf8)
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(runbook) --transcript \(dir)/session", environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        try terminal.waitFor("token (input hidden): ")
        try terminal.type("pa55-w0rd")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(!screen.contains("pa55-w0rd"))
        #expect(screen.contains("token is ••••"))
    }
}
