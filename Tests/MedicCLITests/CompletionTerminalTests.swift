import Foundation
import MedicTestSupport
import Testing

/// What tab completes at each prompt, through the real binary in a pseudo-terminal: only what
/// means something there, and never the word that accepts or approves (that is typed whole).
@Suite("Tab completion at each prompt", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct CompletionTerminalTests {
    @Test("the inputs screen: tab completes set NAME=, never yes; y and Tab is not an acceptance")
    func inputsScreen() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/completion-inputs.yaml --transcript \(dir)/session",
            environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ")
        try terminal.type("y")
        try terminal.send("Tab")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ", times: 2)
        #expect(screen.contains("type yes to accept these values, or set NAME=VALUE to change one"), "\(screen)")
        #expect(!screen.contains("› yes"), "tab made yes of y")
        // `set NAME=` means something here: tab completes it.
        try terminal.type("se")
        try terminal.send("Tab")
        try terminal.waitFor("› set word=")
        try terminal.type("good")
        try terminal.send("Enter")
        try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ", times: 3)
        try terminal.type("yes")
        try terminal.send("Enter")
        let end = try terminal.waitFor("[exit ")
        #expect(end.contains("NO-FAULT · none · Done") && end.contains("[exit 5]"), "\(end)")
    }

    @Test("a check confirmed like an action: tab completes no, and none of the commands that prompt does not take")
    func vouchPrompt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/resume-vouched.yaml --transcript \(dir)/session",
            environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        // `help` is no decision here and the prompt does not read it as a command: not offered.
        try terminal.type("he")
        try terminal.send("Tab")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("is not a decision: type yes to run it or no")
        #expect(screen.contains("'he' is not a decision"), "\(screen)")
        #expect(!screen.contains("'help'"), "\(screen)")
        try terminal.waitFor("Run it? › ", times: 2)
        // `no` declines: offered.
        try terminal.type("n")
        try terminal.send("Tab")
        try terminal.waitFor("Run it? › no")
        try terminal.send("Enter")
        try terminal.waitFor("not run: declined by")
        try terminal.waitFor("medic › ")
        try terminal.type("quit")
        try terminal.send("Enter")
        try terminal.waitFor("[exit ")
    }
}
