import MedicCore
import MedicTestSupport
import Testing

/// Captured values follow the inputs' rule: a value that starts with `-` never stands where a
/// program reads its options.
@Suite("Captured values that look like options")
struct OptionLikeCaptureTests {
    static func runbook(_ run: String, capture: String = #"'level=(?<level>\S+)'"#) -> String {
        """
        medic: 1
        id: captures
        title: Captures
        inputs:
          dir: {type: path, default: /var/log/app}
        steps:
          look:
            kind: check
            title: Look
            why: w
            command: [cat, /var/log/app/current]
            capture: [\(capture)]
            branches:
              - otherwise: clean
          clean:
            kind: action
            title: Use the level
            why: w
            \(run)
            skip: done
            branches:
              - when: {succeeded: true}
                next: done
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }

    /// The effects after `look` printed `output`.
    func effects(
        _ run: String, after output: String, capture: String = #"'level=(?<level>\S+)'"#, dir: String = "/var/log/app"
    ) throws -> [WalkEffect] {
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.runbook(run, capture: capture))), inputs: ["dir": dir])
        _ = walk.start()
        return walk.handle(.finished(StepResult(exitStatus: 0, output: output)))
    }

    /// The argv the action would run once confirmed; nil when it is not offered at all.
    func ran(_ effects: [WalkEffect]) -> [String]? {
        for effect in effects {
            guard case .confirm(let invocation, _) = effect else { continue }
            if case .command(let argv) = invocation.payload { return argv }
            return []
        }
        return nil
    }

    func stalled(_ effects: [WalkEffect]) -> String? {
        for effect in effects { if case .stalled(_, let reason) = effect { return reason } }
        return nil
    }

    @Test("level=-delete captured then used in find's argv: the step does not run, and says why")
    func leadingDash() throws {
        let effects = try effects(#"command: [find, "${dir}", -name, "*.log", "${level}"]"#, after: "level=-delete\n")
        #expect(ran(effects) == nil)
        #expect(
            stalled(effects)
                == "the captured value level = '-delete' starts with '-', and 'find' would read it as an option: the step does not run (put it after --, or make the capture's pattern not match a leading '-')"
        )
    }

    @Test("the same value after --, or a value without a leading -, runs")
    func allowed() throws {
        #expect(
            ran(try effects(#"command: [grep, -r, --, "${level}", "${dir}"]"#, after: "level=-delete\n")) == [
                "grep", "-r", "--", "-delete", "/var/log/app",
            ])
        #expect(ran(try effects(#"command: [grep, -r, "${level}", "${dir}"]"#, after: "level=warn\n")) == ["grep", "-r", "warn", "/var/log/app"])
        #expect(ran(try effects(#"command: [grep, "x${level}", "${dir}"]"#, after: "level=-delete\n")) == ["grep", "x-delete", "/var/log/app"])
    }

    @Test("a script that uses a captured value starting with - does not run")
    func script() throws {
        let effects = try effects(#"script: rm -f /tmp/marker "$LEVEL""#, after: "level=--files-with-matches\n")
        #expect(ran(effects) == nil)
        #expect(
            stalled(effects)?.hasPrefix(
                "the captured value level = '--files-with-matches' has a line or word that starts with '-', "
                    + "and the script uses $LEVEL") == true)
    }

    @Test("a many-valued capture whose second line (or a later word) starts with - does not run in a script; a lone - does")
    func laterLines() throws {
        let run = #"script: printf '%s\n' "$LEVEL" | while read -r l; do grep -r "$l" /var/log/app; done"#
        let lines = try effects(run, after: "level=warn\n", capture: #"'(?m)^x (?<level>.*)$'"#)
        #expect(ran(lines) != nil)
        let second = try effects(run, after: "x warn\nx -o/tmp/x\n", capture: #"'(?s)^x (?<level>.*)$'"#)
        #expect(ran(second) == nil)
        #expect(stalled(second)?.contains("has a line or word that starts with '-'") == true)
        let word = try effects(run, after: "x warn --include=*\n", capture: #"'^x (?<level>.*)$'"#)
        #expect(ran(word) == nil)
        #expect(ran(try effects(run, after: "x warn - now\n", capture: #"'^x (?<level>.*)$'"#)) != nil)
    }

    @Test("a capture that takes an input's name is checked like any capture; the input's own checked value is not")
    func captureOverInput() throws {
        let run = #"command: [find, /tmp/some-dir, "${dir}"]"#
        let taken = try effects(run, after: "dir=-delete\n", capture: #"'dir=(?<dir>\S+)'"#, dir: "-print")
        #expect(ran(taken) == nil)
        #expect(stalled(taken)?.hasPrefix("the captured value dir = '-delete' starts with '-'") == true)
        // The value given for the input, checked against its pattern before the walk, runs.
        #expect(ran(try effects(run, after: "level=warn\n", dir: "-print")) == ["find", "/tmp/some-dir", "-print"])
    }
}
