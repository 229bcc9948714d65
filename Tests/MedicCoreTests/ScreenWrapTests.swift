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

    @Test("a tab takes the columns to the next tab stop")
    func tabs() {
        #expect(ScreenWrap.lines("  │ a\tb", width: 40) == ["  │ a   b"])
        let lines = ScreenWrap.lines("  │ name\tRUNNING\tpid 30977\tuptime 0:41:07", width: 30)
        #expect(lines.allSatisfy { ScreenWrap.columns($0) <= 30 && !$0.contains("\t") }, "\(lines)")
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
