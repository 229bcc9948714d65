import Foundation
import MedicTestSupport
import Testing

/// What a run looks like on a narrow and a wide terminal: the real binary in tmux.
@Suite("medic's screen at 40 and 120 columns", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct ScreenTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/screen.yaml"

    /// Starts the screen runbook at `width` columns; the choice input is left to the prompt.
    static func start(width: Int, dir: String, flags: String = "") throws -> Terminal {
        try Terminal(
            "\(CommandLineTests.binary) run \(runbook) --var dir=\(dir) --transcript \(dir)/session \(flags)",
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir], width: width, height: 50)
    }

    /// The rows from the first row holding `from` up to (not including) the next row holding `to`.
    static func block(_ rows: [String], from: String, to: String) throws -> [String] {
        guard let start = rows.lastIndex(where: { $0.contains(from) }), let end = rows[start...].firstIndex(where: { $0.contains(to) }) else {
            throw TestFailure("no rows from \(from.debugDescription) to \(to.debugDescription) in:\n" + rows.joined(separator: "\n"))
        }
        return Array(rows[start..<end])
    }

    /// The command under `$ `, put back together from its rows: `↪ ` continues after a space,
    /// a `↪` glued to the text continues a cut argument.
    static func command(_ rows: [String]) -> String {
        var text = ""
        for row in rows {
            if row.hasPrefix("  $ ") {
                text = String(row.dropFirst(4))
            } else if row.hasPrefix("  ↪ ") {
                text += " " + row.dropFirst(4)
            } else if row.hasPrefix("  ↪") {
                text += row.dropFirst(3)
            }
        }
        return text
    }

    /// The words of `rows`, continuation marks left out.
    static func words(_ rows: [String]) -> [String] {
        rows.flatMap { $0.split(separator: " ").map(String.init) }.filter { $0 != "↪" }
    }

    @Test("at 40 columns no row is wider than the screen, the approval is split only between words, the command only between arguments")
    func narrowAndWide() throws {
        var approval: [Int: [String]] = [:]
        for width in [40, 120] {
            let dir = try TestSupport.temporaryDirectory()
            let terminal = try Self.start(width: width, dir: dir)
            defer { terminal.close() }
            try terminal.waitFor("speed: ", times: 2)
            try terminal.type("fast")
            try terminal.send("Enter")
            try terminal.waitFor("Run it? › ")
            let rows = try terminal.rows()
            #expect(rows.allSatisfy { $0.count <= width }, "every row fits \(width) columns")

            let shown = try Self.block(rows, from: "will run (local):", to: "Run it? ›")
            let expected = "sh -c 'touch \"$1\" && echo marked' sh \(dir)/a-marker-file-with-a-long-name"
            #expect(Self.command(shown) == expected, "the command is whole at \(width) columns:\n\(shown.joined(separator: "\n"))")
            let commandRows = shown.filter { $0.hasPrefix("  $ ") || $0.hasPrefix("  ↪") }
            #expect(commandRows.contains { $0.contains("'touch \"$1\" && echo marked'") }, "the quoted argument stays on one row")
            approval[width] = Self.words(shown.filter { !commandRows.contains($0) })
            try terminal.type("yes")
            try terminal.send("Enter")
            try terminal.waitFor("[exit 0]")
            #expect(FileManager.default.fileExists(atPath: dir + "/a-marker-file-with-a-long-name"))
        }
        let narrow = try #require(approval[40])
        #expect(narrow == approval[120], "the same words at 40 and 120 columns: none was split")
        #expect(narrow.contains("yes"))
    }

    @Test("a check's script is folded to its first line; show STEP unfolds it; tab completes step ids and values without a trailing space")
    func foldShowAndComplete() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Self.start(width: 120, dir: dir)
        defer { terminal.close() }

        // A value chosen with tab is exactly the value: "fast", not "fast ", which is no choice.
        try terminal.waitFor("speed: ", times: 2)
        try terminal.type("fa")
        try terminal.send("Tab")
        try terminal.type("#")
        try terminal.waitFor("speed: fast#")
        try terminal.send("BSpace")
        try terminal.send("Enter")

        var screen = try terminal.waitFor("Run it? › ")
        #expect(screen.contains("  ┆ echo \"looked at the service"))
        #expect(screen.contains("    … 2 more lines (show look)"))
        #expect(!screen.contains("┆ echo second line"), "the rest of the script is folded")
        #expect(screen.contains("  │ third line"), "the output is shown as before")

        // Tab on an empty line lists each first word once; "sh" leads to "show ", then to its steps.
        try terminal.send("Tab")
        screen = try terminal.waitFor("quit  ")
        let choices = try #require(screen.split(separator: "\n").last { $0.hasPrefix("no  skip  abort") })
        #expect(choices.components(separatedBy: "show").count == 2 && choices.contains("goto  vars  set  note  quit"), "\(choices)")
        try terminal.type("sh")
        try terminal.send("Tab")
        try terminal.send("Tab")
        try terminal.send("Tab")
        try terminal.waitFor("\nlook  act  ")
        try terminal.send("C-u")

        try terminal.type("show l")
        try terminal.send("Tab")
        try terminal.type("#")
        try terminal.waitFor("Run it? › show look#")
        try terminal.send("BSpace")
        try terminal.send("Enter")
        screen = try terminal.waitFor("output of look")
        #expect(screen.contains("  ┆ echo second line") && screen.contains("  ┆ echo third line"), "show unfolds the script")

        try terminal.waitForPrompt("Run it? › ")
        try terminal.type("goto lo")
        try terminal.send("Tab")
        try terminal.type("#")
        try terminal.waitFor("Run it? › goto look#")
        try terminal.send("BSpace")
        try terminal.send("Enter")
        // The prompt shown after the action's heading the second time (tab's lists redrew the
        // first prompt, so counting prompts would not do).
        let deadline = Date().addingTimeInterval(20)
        repeat {
            screen = try terminal.screen()
            let parts = screen.components(separatedBy: "ACTION  Leave a marker")
            if parts.count == 3, parts[2].contains("Run it? › ") { break }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        #expect(screen.components(separatedBy: "CHECK  Look around").count - 1 == 2, "goto look ran the check again")

        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("[exit 0]")
    }

    @Test("--verbose shows the whole script")
    func verbose() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Self.start(width: 120, dir: dir, flags: "--verbose --var speed=slow")
        defer { terminal.close() }
        let screen = try terminal.waitFor("Run it? › ")
        #expect(screen.contains("  ┆ echo second line") && screen.contains("  ┆ echo third line"))
        #expect(!screen.contains("more lines (show look)"))
        try terminal.type("abort")
        try terminal.send("Enter")
        try terminal.waitFor("[exit 4]")
    }

    @Test("after a resize to 40 columns, what is shown next fits 40 columns")
    func resize() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Self.start(width: 120, dir: dir, flags: "--var speed=slow")
        defer { terminal.close() }
        try terminal.waitFor("Run it? › ")
        let wide = try terminal.rows()
        #expect(wide.contains { $0.count > 40 }, "at 120 columns some rows are wider than 40")
        try terminal.resize(width: 40, height: 50)
        try terminal.type("show act")
        try terminal.send("Enter")
        try terminal.waitFor("(it has not run)")
        let rows = try terminal.rows()
        let shown = try Self.block(rows, from: "Run it? › show act", to: "(it has not run)")
        #expect(shown.dropFirst().allSatisfy { $0.count <= 40 }, "rows after the resize fit:\n\(shown.joined(separator: "\n"))")
        #expect(Self.command(shown) == "sh -c 'touch \"$1\" && echo marked' sh \(dir)/a-marker-file-with-a-long-name")
        #expect(shown.contains { $0.hasPrefix("  ↪") }, "the command was wrapped to the new width")
        try terminal.type("no")
        try terminal.send("Enter")
        try terminal.waitFor("[exit 0]")
    }
}

/// The shell's completion, through the script `medic --generate-completion-script` writes.
@Suite("Shell completion")
struct ShellCompletionTests {
    /// What bash completes for `words`, the last one being completed, with medic's script loaded.
    func bashCompletes(_ words: [String]) throws -> [String] {
        let script = """
            source <("$0" --generate-completion-script bash)
            COMP_WORDS=("$0" "$@"); COMP_CWORD=$#; COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _medic "$0" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try CommandLineTests().run("/bin/bash", ["-c", script, CommandLineTests.binary] + words)
        #expect(run.status == 0, "\(run.error)")
        return run.output.split(separator: "\n").map(String.init)
    }

    @Test("--scenario <Tab> completes the names of the runbook's scenarios")
    func scenarioNames() throws {
        #expect(try bashCompletes(["drill", "runbooks/nginx-502.yaml", "--scenario", "oom-supervisor-b"]) == ["oom-supervisor-build-jobs"])
        let all = try bashCompletes(["drill", "runbooks/nginx-502.yaml", "--scenario", ""])
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.repositoryRoot + "/runbooks/nginx-502.scenarios")
        #expect(all.count == files.filter { $0.hasSuffix(".yaml") }.count, "one name per scenario file")
        #expect(all.contains("oom-supervisor-build-jobs") && all.contains("wrong-upstream-port"))
        #expect(try bashCompletes(["drill", "runbooks/app-down.yaml", "-s", ""]).isEmpty, "a runbook without scenarios offers none")
    }
}
