import MedicCore
import MedicTestSupport
import Testing

/// Fitting lines to the terminal: prose breaks at spaces, commands between arguments, and a
/// continuation is marked in the gutter.
@Suite("Wrapping to the screen's width")
struct ScreenWrapTests {
    @Test("a line that fits is left alone, whatever the width")
    func fits() {
        #expect(ScreenWrap.lines("  exit 0 · 12 ms", width: 40) == ["  exit 0 · 12 ms"])
        #expect(ScreenWrap.lines("  exit 0 · 12 ms", width: 0) == ["  exit 0 · 12 ms"])
        #expect(ScreenWrap.lines("", width: 10) == [""])
    }

    @Test("prose breaks at spaces, with a hanging indent past the line's own")
    func prose() {
        let line = "  Type yes to run it; no or skip to skip it; abort to stop the run."
        let lines = ScreenWrap.lines(line, width: 40)
        #expect(lines == ["  Type yes to run it; no or skip to skip", "    it; abort to stop the run."])
    }

    @Test("a gutter keeps its text column and marks continuations with ↪")
    func gutter() {
        let lines = ScreenWrap.lines("  │ build-job  buildjobs:image-build           RUNNING   pid 30977", width: 40)
        #expect(lines == ["  │ build-job  buildjobs:image-build", "  ↪ RUNNING   pid 30977"])
        #expect(
            ScreenWrap.lines("  ┆ echo \"co-located workload on this host:\"", width: 30) == [
                "  ┆ echo \"co-located workload", "  ↪ on this host:\"",
            ])
    }

    @Test("a word longer than a line is cut, and its rest is glued to the mark")
    func longWord() {
        let lines = ScreenWrap.lines("  │ " + String(repeating: "x", count: 30), width: 20)
        #expect(lines == ["  │ " + String(repeating: "x", count: 16), "  ↪" + String(repeating: "x", count: 14)])
        let prose = ScreenWrap.lines("see " + String(repeating: "y", count: 25), width: 10)
        #expect(prose.allSatisfy { ScreenWrap.columns($0) <= 10 })
        #expect(prose.first == "see")
    }

    @Test("a command breaks only between its arguments")
    func command() {
        let arguments = ["supervisorctl", "-c", "/etc/supervisor/supervisord.conf", "restart", "app"]
        let lines = ScreenWrap.command(arguments, lead: "  $ ", width: 40)
        #expect(lines == ["  $ supervisorctl -c", "  ↪ /etc/supervisor/supervisord.conf", "  ↪ restart app"])
        #expect(ScreenWrap.command(arguments, lead: "  $ ", width: 120) == ["  $ " + arguments.joined(separator: " ")])
    }

    @Test("an argument wider than a line is cut, glued, and the next argument starts after a space")
    func longArgument() {
        let long = "/" + String(repeating: "d", count: 45)
        let lines = ScreenWrap.command(["ls", long, "-l"], lead: "  $ ", width: 30)
        #expect(lines == ["  $ ls", "  ↪ /" + String(repeating: "d", count: 25), "  ↪" + String(repeating: "d", count: 20) + " -l"])
    }

    @Test("double-width characters take two columns, combining marks none")
    func columns() {
        #expect(ScreenWrap.columns("abc") == 3)
        #expect(ScreenWrap.columns("日本") == 4)
        #expect(ScreenWrap.columns("e\u{301}") == 1)
        let lines = ScreenWrap.lines("  │ 日本語のログ 日本語のログ 日本語のログ", width: 20)
        #expect(lines.allSatisfy { ScreenWrap.columns($0) <= 20 })
    }

    @Test("random prose and commands: no line is wider than the screen, and nothing is lost or split mid-word")
    func randomized() {
        var generator = SeededGenerator(state: 12)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_/.:=")
        for _ in 0..<150 {
            let width = Int.random(in: 12...130, using: &generator)
            let words = (0..<Int.random(in: 1...30, using: &generator)).map { _ in
                String((0..<Int.random(in: 1...(width - 6), using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
            let lines = ScreenWrap.command(words, lead: "  $ ", width: width)
            #expect(lines.allSatisfy { ScreenWrap.columns($0) <= width }, "width \(width): \(lines)")
            // Every argument fits a line here, so each one is whole on some line.
            let rebuilt = lines.map { String($0.dropFirst(4)) }
            #expect(rebuilt.joined(separator: " ") == words.joined(separator: " "), "width \(width)")
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ↪ ") })

            let prose = ScreenWrap.lines("  " + words.joined(separator: " "), width: width)
            #expect(prose.allSatisfy { ScreenWrap.columns($0) <= width }, "width \(width): \(prose)")
            let proseWords = prose.flatMap { $0.split(separator: " ").map(String.init) }
            #expect(proseWords == words, "width \(width)")
        }
    }
}

/// What tab offers at a prompt.
@Suite("Completions")
struct CompletionTests {
    @Test("a value is offered exactly, a space only where an argument must follow")
    func completions() {
        let lines = OperatorCommand.completions(steps: ["look", "fix"], shown: ["look"], variables: [("service", false), ("password", true)])
        #expect(lines.contains("goto look") && lines.contains("goto fix") && lines.contains("goto "))
        #expect(lines.contains("show") && lines.contains("show look") && !lines.contains("show fix"))
        #expect(lines.contains("set service=") && lines.contains("set password") && !lines.contains("set password="))
        #expect(lines.contains("note ") && lines.contains("quit") && lines.contains("skip"))
        for line in lines where !["goto ", "set ", "note "].contains(line) {
            #expect(!line.hasSuffix(" "), "'\(line)' would leave a trailing space")
            #expect(OperatorCommand(parsing: line) != .word(line), "'\(line)' is a command as completed")
        }
    }
}

/// How much of a run the screen shows: folded scripts, `show` and `--verbose`.
@Suite("A run's screen")
struct RunScreenTests {
    static let yaml = """
        medic: 1
        id: screen
        title: Screen
        inputs:
          service: {type: string, default: app, pattern: '^[a-z]+$'}
        steps:
          look:
            kind: check
            title: Look
            why: To see.
            script: |
              echo first
              echo second
              echo third
            capture: ['(?<word>second)']
            branches:
              - otherwise: fix
                because: it looked
          fix:
            kind: action
            title: Restart
            why: Restarting clears it.
            command: [supervisorctl, -c, /etc/supervisor/supervisord.conf, restart, "${service}"]
            skip: done
            branches:
              - when: {succeeded: true}
                next: done
                because: it restarted
              - otherwise: failed
                because: it failed
          failed:
            kind: conclusion
            title: Failed
            why: w
            outcome: escalate
            cause: none
          done:
            kind: conclusion
            title: Done
            why: w
            outcome: resolved
            cause: none
        """

    static func run(_ replies: [ConsoleReply], verbose: Bool = false, width: Int? = nil) throws -> ScriptedConsole {
        let walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(yaml)), inputs: ["service": "app"])
        let console = ScriptedConsole(replies: replies)
        console.width = width
        let runner = FakeRunner(results: ["look": [StepResult(exitStatus: 0, output: "first\nsecond\nthird\n")], "fix": [StepResult(exitStatus: 0)]])
        var options = RunOptions(operatorName: "alice@box", sessionPath: "/tmp/s")
        options.verbose = verbose
        let session = RunSession(walk: walk, console: console, runner: runner, recorder: MemoryRecorder(), options: options)
        _ = session.run(start: RunSessionTests.start)
        return console
    }

    @Test("a check's script is folded to its first line, with how to see the rest")
    func folded() throws {
        let console = try Self.run([.line("yes")])
        let lines = console.shown.map(\.text)
        #expect(lines.contains("  ┆ echo first"))
        #expect(!lines.contains("  ┆ echo second"))
        #expect(lines.contains("    … 2 more lines (show look)"))
        #expect(lines.contains("  │ first") && lines.contains("  │ third"), "the output is shown as before")
        #expect(!console.screen.contains("captured"), "captured values wait for `vars` or --verbose")
    }

    @Test("--verbose shows the whole script and the captured values")
    func verbose() throws {
        let console = try Self.run([.line("yes")], verbose: true)
        let lines = console.shown.map(\.text)
        #expect(lines.contains("  ┆ echo first") && lines.contains("  ┆ echo second") && lines.contains("  ┆ echo third"))
        #expect(!console.screen.contains("more lines"))
        #expect(console.screen.contains("captured word = second"))
    }

    @Test("show STEP unfolds the script, then prints all the output")
    func show() throws {
        let console = try Self.run([.line("show look"), .line("yes")])
        let lines = console.shown.map(\.text)
        let shown = try #require(lines.firstIndex(of: "Run it? › show look"))
        let after = Array(lines[shown...])
        #expect(after.contains("  look ran:"))
        #expect(after.contains("  ┆ echo second") && after.contains("  ┆ echo third"))
        #expect(after.contains("  │ second"))
    }

    @Test("the action's command is wrapped at argument boundaries to the console's width")
    func wrappedCommand() throws {
        let console = try Self.run([.line("yes")], width: 40)
        let lines = console.shown.map(\.text)
        #expect(lines.contains("  $ supervisorctl -c"))
        #expect(lines.contains("  ↪ /etc/supervisor/supervisord.conf"))
        #expect(lines.contains("  ↪ restart app"))
    }

    @Test("tab offers step ids after goto and show, and answers without a trailing space")
    func completions() throws {
        let console = try Self.run([.line("yes")])
        let offered = try #require(console.completionsOffered.first)
        #expect(offered.prefix(3) == ["no", "skip", "abort"])
        #expect(offered.contains("goto look") && offered.contains("goto fix") && offered.contains("goto done"))
        #expect(offered.contains("show look") && offered.contains("show fix"), "the steps shown so far")
        #expect(!offered.contains("show done"), "a step not reached has nothing to show")
    }
}
