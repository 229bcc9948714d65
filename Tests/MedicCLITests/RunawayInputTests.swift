import Foundation
import Glibc
import MedicTestSupport
import Testing

/// A `refuse_if` pattern and `validate`'s check of a default, each backtracking for hours over a
/// value (`^(a+)+$` over 40 a's and a bang), are matched in the matching process and stopped: at
/// 2 s a value, at Ctrl-C, at SIGTERM.
extension RunawayMatchTests {
    static let value = String(repeating: "a", count: 40) + "!"
    static let refusalFixture = "Tests/MedicCLITests/Fixtures/runaway-refusal.yaml"
    static let defaultFixture = "Tests/MedicCLITests/Fixtures/runaway-default.yaml"

    /// The pid of the `medic` process with `argument` in its command line, waited for.
    func medicProcess(with argument: String) throws -> pid_t {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if arguments.first?.hasSuffix("/medic") == true, arguments.contains(argument) { return pid }
            }
            usleep(20_000)
        }
        throw TestFailure("no medic process with \(argument) in its arguments")
    }

    /// Whether `pid` is a process that has not ended (a zombie, ended and not yet reaped, has).
    func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// Waits until `medic` has a matching process at work, and a little more.
    func waitForWorker(of medic: pid_t) {
        let deadline = Date().addingTimeInterval(10)
        while matchingProcesses(of: medic).isEmpty, Date() < deadline { usleep(20_000) }
        #expect(!matchingProcesses(of: medic).isEmpty, "a matching process is at work")
        usleep(300_000)
    }

    @Test("without a terminal, a value its refuse_if pattern cannot check within 2 s is refused, saying so, and nothing runs")
    func refusalDeadline() throws {
        let dir = try TestSupport.temporaryDirectory()
        let start = Date()
        let run = try CommandLineTests().medic(["run", Self.refusalFixture, "--transcript", dir + "/s"], stdin: "")
        let elapsed = Date().timeIntervalSince(start)
        #expect(run.status == 1)
        #expect(elapsed < 6, "took \(elapsed) s")
        #expect(
            run.error.contains(
                "'word' is refused: '\(Self.value)' could not be checked against the refuse_if pattern ^(a+)+$: "
                    + "matching did not finish within 2s, and was stopped; give another value"), "\(run.error)")
        #expect(run.output.contains("✗ refused: '\(Self.value)' could not be checked against the refuse_if pattern"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "nothing ran")
    }

    @Test(
        "Ctrl-C while a refuse_if pattern is matched on the inputs screen is answered within a second: the value is refused as unchecked, and set checks another"
    )
    func refusalControlC() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try run(dir, session: "s", runbook: Self.refusalFixture)
        defer { terminal.close() }
        let medic = try medicProcess(with: "\(dir)/s")
        waitForWorker(of: medic)
        let pressed = Date()
        try terminal.send("C-c")
        try terminal.waitFor("could not be checked against the refuse_if pattern ^(a+)+$: matching was cancelled", timeout: 5)
        let answered = Date().timeIntervalSince(pressed)
        #expect(answered < 1.5, "answered \(answered) s after Ctrl-C")
        try terminal.waitFor("accept these values?")
        #expect(matchingProcesses(of: medic).isEmpty, "the matching process was killed and reaped")
        try terminal.type("set word=abc")
        try terminal.send("Enter")
        try terminal.waitFor("accept these values?", times: 2)
        try terminal.type("yes")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("[exit 5]")
        #expect(screen.contains("word  abc"))
    }

    @Test("validate stops matching a default against its pattern after 2 s, with a located error saying so")
    func validateDefault() throws {
        let start = Date()
        let run = try CommandLineTests().medic(["validate", Self.defaultFixture])
        let elapsed = Date().timeIntervalSince(start)
        #expect(run.status == 2)
        #expect(elapsed < 6, "took \(elapsed) s")
        #expect(
            run.error.contains(
                "\(Self.defaultFixture):7:14: error: the default of 'word' could not be checked against its pattern ^(a+)+$: "
                    + "matching did not finish within 2s, and was stopped; a run would refuse it the same way"), "\(run.error)")
    }

    @Test("SIGTERM or Ctrl-C end validate while it matches a default, and its matching process with it", arguments: ["SIGTERM", "C-c"])
    func validateStopped(_ how: String) throws {
        let terminal = try Terminal("\(CommandLineTests.binary) validate \(Self.defaultFixture)", environment: ["NO_COLOR": "1"])
        defer { terminal.close() }
        let medic = try medicProcess(with: Self.defaultFixture)
        waitForWorker(of: medic)
        let worker = matchingProcesses(of: medic)
        let sent = Date()
        if how == "SIGTERM" { kill(medic, SIGTERM) } else { try terminal.send("C-c") }
        let deadline = Date().addingTimeInterval(5)
        while ([medic] + worker).contains(where: isRunning), Date() < deadline { usleep(20_000) }
        #expect(!isRunning(medic), "Medic ended on \(how)")
        #expect(Date().timeIntervalSince(sent) < 1.5, "ended soon after \(how)")
        #expect(!worker.isEmpty && !worker.contains(where: isRunning), "the matching process died with Medic")
    }
}
