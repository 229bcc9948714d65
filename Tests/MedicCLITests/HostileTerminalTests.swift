import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// What a hostile runbook, output or `~/.editrc` tries at a real terminal: escape sequences and
/// bidi controls are shown, never obeyed, and a confirmation reads exactly what was typed.
@Suite("Hostile text and key bindings at a terminal", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct HostileTerminalTests {
    /// The characters that must never reach a person raw: ESC, BEL and RIGHT-TO-LEFT OVERRIDE.
    static let raw: [Character] = ["\u{1B}", "\u{07}", "\u{202E}"]

    @Test("OSC 52, OSC 0, ESC[2J and U+202E in output, a captured value and a target's name are shown escaped on screen and in transcript.md")
    func escapesShown() throws {
        let dir = try TestSupport.temporaryDirectory()
        let command = "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/hostile-text.yaml --verbose --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        let screen = try terminal.waitFor("Run it? › ")
        #expect(screen.contains("clip ^[]52;c;cHduZWQ=^G title ^[]0;pwned-out^G clear ^[[2J bidi \\u{202e}dlrow"), "\(screen)")
        #expect(screen.contains("captured level = ^[]0;pwned-cap^Gx\\u{202e}y"))
        #expect(screen.contains("Type the target's name, ^[]0;pwned-target^G^[[2Jweb\\u{202e}1, to run it"), "the confirmation most of all")
        #expect(try !terminal.title().contains("pwned"), "nothing retitled the terminal")
        #expect(screen.contains("[1] CHECK"), "nothing cleared the screen")
        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("[exit 0]")

        let report = try String(contentsOfFile: dir + "/s/transcript.md", encoding: .utf8)
        let rendered = try CommandLineTests().medic(["transcript", "render", dir + "/s"])
        for text in [report, rendered.output] {
            #expect(text.contains("^[]52;c;cHduZWQ=^G"), "the output is in the report, escaped")
            #expect(text.contains("`level` = `^[]0;pwned-cap^Gx\\u{202e}y`"), "the captured value too")
            for character in Self.raw { #expect(!text.contains(character), "\(character.unicodeScalars.first?.value ?? 0) written raw") }
        }
    }
}

extension HostileTerminalTests {
    @Test(
        "a confirmation and a question read without ~/.editrc: a binding that turns no into yes has no effect there, and yes with a literal CR (Ctrl-V Ctrl-M) approves nothing"
    )
    func confirmationReadsExactly() throws {
        let dir = try TestSupport.temporaryDirectory()
        // A hostile HOME: typing `no` enters `yes`, wherever the user's bindings apply.
        try "bind -s no yes\n".write(toFile: dir + "/.editrc", atomically: true, encoding: .utf8)
        let command = "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/decide.yaml --var dir=\(dir) --transcript \(dir)/s"
        let terminal = try Terminal(command, environment: ["HOME": dir, "XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        try terminal.type("yes")
        try terminal.send("C-v", "C-m")
        try terminal.send("Enter")
        // The terminal turns the quoted CR into a line feed (ICRNL); either way it stays typed.
        try terminal.waitFor("'yes^J' holds a control character (typed with Ctrl-V?): only exactly what is asked counts")
        try terminal.waitForPrompt("Run it? › ")
        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("not run: declined by")
        try terminal.waitFor("Run it? › ", times: 3)
        // A value's prompt keeps the user's bindings: the same keys enter `yes` there, so the
        // binding was loaded, and only the decisions ignore it.
        try terminal.type("set host")
        try terminal.send("Enter")
        try terminal.waitFor("host = ")
        try terminal.type("no")
        try terminal.waitFor("host = yes")
        try terminal.send("C-u")
        try terminal.type("web1")
        try terminal.send("Enter")
        try terminal.waitFor("Run it? › ", times: 4)
        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("Answer (1-2) › ")
        // A question is a decision too: the binding has no effect there either.
        try terminal.type("no")
        try terminal.waitFor("Answer (1-2) › no")
        try terminal.send("C-u")
        try terminal.type("1")
        try terminal.send("Enter")
        try terminal.waitFor("[exit 0]")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"), "neither the literal CR nor the binding approved")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        let confirmations = try SessionEvidence(directory: dir + "/s").confirmations
        #expect(confirmations.count == 2 && confirmations.allSatisfy { !$0.approved }, "\(confirmations)")
    }
}

extension HostileTerminalTests {
    @Test("show, graph and list print a runbook's escape sequences and bidi controls escaped")
    func documentEscaped() throws {
        let dir = try TestSupport.temporaryDirectory()
        let fixture = "Tests/MedicCLITests/Fixtures/hostile-text.yaml"
        var text = try String(contentsOfFile: TestSupport.repositoryRoot + "/" + fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "title: Text that tries to drive the terminal", with: "title: \"Text \\e]0;pwned-list\\a\\u202Eseno\"")
        try text.write(toFile: dir + "/hostile.yaml", atomically: true, encoding: .utf8)
        let cli = CommandLineTests()
        let show = try cli.medic(["show", dir + "/hostile.yaml"])
        #expect(show.status == 0, "\(show.error)")
        #expect(show.output.contains("^[]0;pwned-target^G^[[2Jweb\\u{202e}1"), "\(show.output)")
        let graph = try cli.medic(["graph", dir + "/hostile.yaml", "--format", "dot"])
        #expect(graph.status == 0, "\(graph.error)")
        let list = try cli.medic(["list", dir])
        #expect(list.output.contains("Text ^[]0;pwned-list^G\\u{202e}seno"), "\(list.output)")
        for output in [show.output, graph.output, list.output] {
            for character in Self.raw { #expect(!output.contains(character), "\(character.unicodeScalars.first?.value ?? 0) written raw") }
        }
    }
}
