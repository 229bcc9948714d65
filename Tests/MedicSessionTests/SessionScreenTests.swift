import MedicCore
import MedicSession
import MedicTestSupport
import Testing

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
              - otherwise: probe
                because: it looked
          probe:
            kind: check
            title: Probe
            why: To ask.
            http:
              method: GET
              url: http://127.0.0.1:1/login
              json: {username: alice}
            branches:
              - otherwise: fix
                because: it asked
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
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func run(_ replies: [ConsoleReply], verbose: Bool = false, width: Int? = nil) throws -> ScriptedConsole {
        let walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(yaml)), inputs: ["service": "app"])
        let console = ScriptedConsole(replies: replies)
        console.width = width
        let runner = FakeRunner(results: [
            "look": [StepResult(exitStatus: 0, output: "first\nsecond\nthird\n")], "fix": [StepResult(exitStatus: 0)],
            "probe": [StepResult(exitStatus: nil, output: "{}", httpStatus: 200)],
        ])
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
        #expect(lines.contains("  → GET http://127.0.0.1:1/login"), "a request is folded to its request line")
        #expect(!console.screen.contains("→ Content-Type") && lines.contains { $0.hasPrefix("    … ") && $0.hasSuffix("(show probe)") })
        #expect(lines.contains("  │ first") && lines.contains("  │ third"), "the output is shown as before")
        #expect(!console.screen.contains("captured"), "captured values wait for `vars` or --verbose")
    }

    @Test("--verbose shows the whole script and the captured values")
    func verbose() throws {
        let console = try Self.run([.line("yes")], verbose: true)
        let lines = console.shown.map(\.text)
        #expect(lines.contains("  ┆ echo first") && lines.contains("  ┆ echo second") && lines.contains("  ┆ echo third"))
        #expect(!console.screen.contains("more lines"))
        #expect(console.screen.contains("→ Content-Type: application/json"))
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
