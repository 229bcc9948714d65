import Foundation
import Glibc
import MedicCore
import MedicTestSupport
import Testing

/// A runbook pattern that backtracks for hours (`^(a+)+$` over 40 a's and a bang) never holds
/// Medic past the step's deadline, Ctrl-C or SIGTERM: the matching process is killed, and the
/// result is neither a match nor a non-match.
@Suite("A runaway pattern at a terminal", .serialized, .enabled(if: Terminal.available, "tmux is not installed"))
struct RunawayMatchTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/runaway-regex.yaml"
    static let stopped = "matching '^(a+)+$' over the output of 'print' was cancelled; no branch was taken"

    func run(_ dir: String, session: String, runbook: String = Self.runbook) throws -> Terminal {
        let command = "\(CommandLineTests.binary) run \(runbook) --transcript \(dir)/\(session)"
        return try Terminal(command, environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
    }

    /// The pids of the matching processes whose parent is `parent`.
    func matchingProcesses(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let fields = stat[stat.index(after: stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ")
            guard arguments.contains("__match-worker"), fields.count > 1, pid_t(fields[1]) == parent else { return nil }
            return pid
        }
    }

    /// Waits until the check has printed and its output is being matched; returns Medic's pid.
    func waitForMatching(_ terminal: Terminal, _ dir: String, _ session: String) throws -> pid_t {
        try terminal.waitFor("exit 0 · ")
        let medic = try ResumeTests().pidOfMedic(sessionDirectory: "\(dir)/\(session)")
        let deadline = Date().addingTimeInterval(10)
        while matchingProcesses(of: medic).isEmpty, Date() < deadline { usleep(20_000) }
        #expect(!matchingProcesses(of: medic).isEmpty, "a matching process is at work")
        usleep(300_000)
        return medic
    }

    @Test("Ctrl-C during a runaway match is answered within a second: the match is stopped, no branch is taken, and the operator decides")
    func controlC() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        let medic = try waitForMatching(terminal, dir, "s")
        let pressed = Date()
        try terminal.send("C-c")
        try terminal.waitFor(Self.stopped, timeout: 5)
        let answered = Date().timeIntervalSince(pressed)
        #expect(answered < 1.5, "answered \(answered) s after Ctrl-C")
        try terminal.waitFor("medic › ")
        #expect(matchingProcesses(of: medic).isEmpty, "the matching process was killed and reaped")
        try terminal.type("skip")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(screen.contains("A bang"))
        let evidence = try SessionEvidence(directory: dir + "/s")
        #expect(evidence.events.contains { if case .stalled(_, let reason) = $0 { reason == Self.stopped } else { false } })
    }

    @Test("SIGTERM during a runaway match ends the run as needing a person (exit 7), the journal intact")
    func terminated() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s")
        defer { terminal.close() }
        let medic = try waitForMatching(terminal, dir, "s")
        let sent = Date()
        kill(medic, SIGTERM)
        try terminal.waitFor("[exit 7]", timeout: 5)
        #expect(Date().timeIntervalSince(sent) < 2, "ended soon after SIGTERM")
        #expect(matchingProcesses(of: medic).isEmpty)
        let evidence = try SessionEvidence(directory: dir + "/s")
        let end = try #require(evidence.end)
        #expect(end.outcome == "needs-person" && end.stepID == "print")
        #expect(end.summary.contains("Medic was told to stop while matching '^(a+)+$' over the output of 'print'; no branch was taken"))
        #expect(evidence.results.map(\.stepID) == ["print"], "the check's result was recorded before matching")
    }

    @Test("without a terminal, a runaway match ends near the step's deadline, neither a match nor a non-match; the run needs a person")
    func deadline() throws {
        let dir = try TestSupport.temporaryDirectory()
        let text = try String(contentsOfFile: TestSupport.repositoryRoot + "/" + Self.runbook, encoding: .utf8)
        try text.replacingOccurrences(of: "timeout: 60s", with: "timeout: 2s").write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
        let start = Date()
        let run = try CommandLineTests().medic(["run", dir + "/r.yaml", "--transcript", dir + "/s"], stdin: "")
        let elapsed = Date().timeIntervalSince(start)
        #expect(run.status == 7)
        #expect(elapsed < 6, "took \(elapsed) s")
        #expect(run.output.contains("matching '^(a+)+$' over the output of 'print' did not finish within "))
        #expect(run.output.contains(", and was stopped at the step's deadline; no branch was taken"))
        #expect(run.output.contains("it is neither a match nor a non-match"))
        let end = try #require(try SessionEvidence(directory: dir + "/s").end)
        #expect(end.outcome == "needs-person" && end.stepID == "print")
    }

    @Test("a discovery's runaway capture is stopped near the discovery's timeout: it found nothing, and says why")
    func discovery() throws {
        let dir = try TestSupport.temporaryDirectory()
        let start = Date()
        let run = try CommandLineTests().medic(["run", "Tests/MedicCLITests/Fixtures/runaway-discovery.yaml", "--transcript", dir + "/s"], stdin: "")
        let elapsed = Date().timeIntervalSince(start)
        #expect(run.status == 5)
        #expect(elapsed < 6, "took \(elapsed) s")
        #expect(run.output.contains("found nothing: matching its capture '^(?<value>(a+)+)$' did not finish within "))
        #expect(run.output.contains(", and was stopped at the discovery's timeout"))
    }

    @Test("a value its input's pattern cannot check in time is refused near the bound, and nothing runs")
    func inputPattern() throws {
        let dir = try TestSupport.temporaryDirectory()
        let value = String(repeating: "a", count: 40) + "!"
        let start = Date()
        let run = try CommandLineTests().medic(
            ["run", "Tests/MedicCLITests/Fixtures/runaway-input.yaml", "--var", "word=\(value)", "--transcript", dir + "/s"], stdin: "")
        let elapsed = Date().timeIntervalSince(start)
        #expect(run.status == 1)
        #expect(elapsed < 6, "took \(elapsed) s")
        #expect(run.error.contains("input 'word': '\(value)' could not be checked against the pattern (a+)+: matching did not finish within 2s"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "nothing ran")
    }
}
