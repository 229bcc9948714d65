import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run` as an operator meets it: the real binary in a pseudo-terminal.
@Suite("medic run at a terminal", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct TerminalTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/terminal.yaml"

    @Test("Ctrl-C cancels a hanging check; tab completes; history recalls a command, never at a decision; yes runs, y asks again")
    func walkAtTheTerminal() throws {
        let dir = try TestSupport.temporaryDirectory()
        let state = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(Self.runbook) --var dir=\(dir) --transcript \(dir)/session",
            environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("$ sleep 300")
        Thread.sleep(forTimeInterval: 0.3)
        try terminal.send("C-c")
        try terminal.waitFor("medic › ")
        #expect(try terminal.screen().contains("cancelled"))

        // History: `where` is remembered, and Up recalls it at the command prompt.
        try terminal.type("where")
        try terminal.send("Enter")
        try terminal.waitFor("1. hang")
        // What is typed before a prompt is discarded: each key waits for the prompt.
        try terminal.waitForPrompt("medic › ")
        try terminal.send("Up")
        try terminal.waitFor("medic › where", times: 2)
        try terminal.send("Enter")
        try terminal.waitFor("1. hang", times: 2)
        try terminal.waitForPrompt("medic › ")

        // Tab completion: "sk" + Tab becomes "skip" (a value gets no trailing space).
        try terminal.type("sk")
        try terminal.send("Tab")
        try terminal.waitFor("medic › skip")
        try terminal.send("Enter")
        try terminal.waitFor("Run it? › ")

        // A decision has no history: Up recalls nothing there.
        try terminal.send("Up")
        try terminal.send("Enter")
        try terminal.waitFor("nothing was typed, and an empty line decides nothing")
        try terminal.waitFor("Run it? › ", times: 2)

        try terminal.type("yes")
        try terminal.send("Enter")
        try terminal.waitFor("Leave marker B")
        try terminal.waitFor("Run it? › ", times: 3)
        try terminal.type("y")
        try terminal.send("Enter")
        try terminal.waitFor("'y' is not yes: only the whole word counts")
        try terminal.waitFor("Run it? › ", times: 4)
        try terminal.type("no")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 0]")

        #expect(FileManager.default.fileExists(atPath: dir + "/a"), "the action confirmed with yes ran")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"), "the action answered with y, then no, did not run")
        #expect(screen.contains("not run: declined by"))
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
        defer { terminal.close() }
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
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """.write(toFile: runbook, atomically: true, encoding: .utf8)
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(runbook) --transcript \(dir)/session", environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        defer { terminal.close() }
        try terminal.waitFor("token (input hidden): ")
        try terminal.type("pa55-w0rd")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(!screen.contains("pa55-w0rd"))
        #expect(screen.contains("token is ••••"))
    }
}

/// `medic resume` after Medic was killed mid-run.
@Suite("medic resume", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct ResumeTests {
    @Test("a run killed with -9 resumes where it stopped and never repeats a completed action")
    func resumeAfterKill() throws {
        let dir = try TestSupport.temporaryDirectory()
        let runbook = "Tests/MedicCLITests/Fixtures/resume.yaml"
        let first = try Terminal(
            "\(CommandLineTests.binary) run \(runbook) --var dir=\(dir) --transcript \(dir)/one",
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])
        defer { first.close() }
        try first.waitFor("Run it? › ")
        try first.type("yes")
        try first.send("Enter")
        try first.waitFor("┆ sleep 300")
        // The connection drops: Medic dies at once, with no chance to write anything more.
        let medicPID = try pidOfMedic(sessionDirectory: "\(dir)/one")
        kill(medicPID, SIGKILL)
        try first.waitFor("[exit 137]")
        // Its orphaned `sleep` (a script step, so its environment names our folder) is ours to end.
        defer { endProcesses(withEnvironment: "DIR=\(dir)") }

        let second = try Terminal(
            "\(CommandLineTests.binary) resume \(dir)/one --transcript \(dir)/two", environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir])

        defer { second.close() }
        try second.waitFor("The run stopped at wait")
        try second.waitFor("┆ sleep 300")
        try second.send("C-c")
        try second.waitFor("medic › ")
        try second.type("skip")
        try second.send("Enter")
        try second.waitFor("Count a run of the second action")
        try second.waitFor("Run it? › ")
        try second.type("yes")
        try second.send("Enter")
        let screen = try second.waitFor("[exit 0]")
        #expect(screen.contains("Actions that ran to completion and will not be repeated: first"))
        #expect(try String(contentsOfFile: dir + "/first", encoding: .utf8) == "ran\n", "the first action ran exactly once")
        #expect(try String(contentsOfFile: dir + "/second", encoding: .utf8) == "ran\n")
        #expect(try SessionEvidence(directory: dir + "/two").start?.flags.contains("--resumed-from=../one") == true)
    }

    /// Ends the processes whose environment holds `variable` (started by this test's runs).
    func endProcesses(withEnvironment variable: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            if data.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == variable }) { kill(pid, SIGKILL) }
        }
    }

    /// The pid of the `medic run` writing to `sessionDirectory`, found in /proc.
    func pidOfMedic(sessionDirectory: String) throws -> pid_t {
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first?.hasSuffix("/medic") == true, arguments.contains(sessionDirectory) { return pid }
        }
        throw TestFailure("no medic process writes to \(sessionDirectory)")
    }
}
