import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A log probe's captures, read back by the walk from the probe's output the way a live run, a
/// scenario and a resumed run all read it: variables for conditions, later steps and the journal.
@Suite("Log probe captures in a walk")
struct LogCaptureWalkTests {
    static let text = """
        medic: 1
        id: t
        title: T
        steps:
          errors:
            kind: check
            title: Errors
            why: w
            log:
              file: /var/log/nginx/error.log
              since: 15m
              classes:
                refused: 'connect\\(\\) failed \\(111'
                ssl: 'SSL_do_handshake'
              capture:
                - from: refused
                  pattern: 'upstream: "[a-z]+://(?<failed>[^/"]+)'
                  keep: 3
                - from: [refused, ssl]
                  pattern: 'request: "(?<method>[A-Z]+) (?<uri>[^ "]*)'
            branches:
              - when: {var: failed, matches: '(?m)^\\[::1\\]:'}
                next: v6
                because: 'nginx failed to connect to ${failed}'
              - otherwise: end
          v6:
            kind: check
            title: Try
            why: w
            command: [echo, "${failed}"]
            branches:
              - otherwise: end
        \(TestSupport.runbookEnding(summary: "done"))
        """

    func walk() throws -> Walk {
        let parsed = RunbookLoader().parse(Self.text, path: "t.yaml")
        let runbook = try #require(parsed.runbook)
        #expect(!parsed.diagnostics.hasErrors, "\(parsed.diagnostics)")
        #expect(!Validator().validate(runbook).hasErrors, "\(Validator().validate(runbook))")
        return Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
    }

    /// What the probe writes for a window with three refusals (two addresses, one request with a
    /// quote in it) and one failed handshake.
    static let output = """
        window 15m of /var/log/nginx/error.log since 2026-12-01T21:33:06Z: 4 lines
        refused: 3 (first 2026-12-01T21:40:00Z, last 2026-12-01T21:48:05Z)
        ssl: 1 (first 2026-12-01T21:41:00Z, last 2026-12-01T21:41:00Z)
        unclassified: 0
        latest: refused at 2026-12-01T21:48:05Z
        captured failed from refused: 3 lines, 2 values, newest first
          2 (last 2026-12-01T21:48:05Z) "[::1]:8001"
          1 (last 2026-12-01T21:40:00Z) "127.0.0.1:8001"
        captured method, uri from refused, ssl: 4 lines, 2 values, newest first
          3 (last 2026-12-01T21:48:05Z) "GET" "/a\\"b c"
          1 (last 2026-12-01T21:41:00Z) "POST" "/login"
        read error.log (last 900 of 900 bytes)

        """

    @Test("each group's values, newest first, one a line; conditions, reasons and later steps read them")
    func valuesReachConditionsAndSteps() throws {
        var walk = try walk()
        var driver = ScriptedDriver(results: ["errors": [StepResult(output: Self.output)], "v6": [StepResult(exitStatus: 0, output: "")]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.variables["failed"] == "[::1]:8001\n127.0.0.1:8001")
        #expect(walk.variables["method"] == "GET\nPOST")
        #expect(walk.variables["uri"] == "/a\"b c\n/login")
        #expect(walk.path == ["errors", "v6", "end"])
        let captured = driver.effects.flatMap { effect -> [CapturedValue] in
            if case .captured(let values) = effect { return values }
            return []
        }
        #expect(captured.map { $0.name } == ["failed", "method", "uri"])
        let because = driver.effects.compactMap { effect -> String? in
            if case .branched(let taken) = effect { return taken.because }
            return nil
        }
        #expect(because.first == "nginx failed to connect to [::1]:8001\n127.0.0.1:8001")
        guard case .command(let argv) = driver.ran.last?.payload else {
            Issue.record("the later step ran no command")
            return
        }
        #expect(argv == ["echo", "[::1]:8001\n127.0.0.1:8001"])
    }

    @Test("an output without the capture's section (unreadable file, an older recording) gives empty values")
    func noSection() throws {
        var walk = try walk()
        var driver = ScriptedDriver(results: ["errors": [StepResult(output: "unreadable: /var/log/nginx/error.log: Permission denied\n")]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.variables["failed"] == "")
        #expect(walk.variables["uri"] == "")
        #expect(walk.path == ["errors", "end"])
    }

    @Test("a section for other classes is not read as this capture's")
    func otherClasses() throws {
        var walk = try walk()
        let output = Self.output.replacing("captured failed from refused:", with: "captured failed from ssl:")
        var driver = ScriptedDriver(results: ["errors": [StepResult(output: output)]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.variables["failed"] == "")
        #expect(walk.variables["method"] == "GET\nPOST")
    }
}
