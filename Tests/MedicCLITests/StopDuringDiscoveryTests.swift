import Foundation
import MedicTestSupport
import Testing

/// SIGTERM while a discovery runs stops the discovery and ends Medic before anything runs,
/// with or without a terminal: nothing else waiting on the signal pipe may swallow it. A check
/// it stops is said to have been stopped so, not by Ctrl-C.
@Suite("SIGTERM during discovery or a check", .serialized)
struct StopDuringDiscoveryTests {
    static let runbook = "Tests/MedicCLITests/Fixtures/slow-discovery.yaml"

    /// Whether a `sleep 30` (the discovery's or the check's) whose parent chain leads to `medic` runs.
    static func waitForDiscovery(under medic: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for entry in entries {
                guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                guard arguments == ["sleep", "30"] else { continue }
                var ancestor = pid
                for _ in 0..<8 {
                    guard let stat = try? String(contentsOfFile: "/proc/\(ancestor)/stat", encoding: .utf8),
                        let parent = stat[stat.index(after: stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ").dropFirst().first
                            .flatMap({ pid_t($0) })
                    else { break }
                    if parent == medic { return true }
                    ancestor = parent
                }
            }
            usleep(50_000)
        }
        return false
    }

    /// Medic's pid among the processes running `binary run RUNBOOK`.
    static func medicPid(transcript: String) -> pid_t? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if arguments.first == CommandLineTests.binary, arguments.contains(transcript) { return pid }
            }
            usleep(50_000)
        }
        return nil
    }

    @Test("without a terminal: Medic ends soon after SIGTERM, says why, and runs nothing")
    func unattended() throws {
        let dir = try TestSupport.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["run", Self.runbook, "--transcript", dir + "/s"]
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repositoryRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["XDG_STATE_HOME"] = dir
        process.environment = environment
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = Pipe()
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try #require(Self.waitForDiscovery(under: process.processIdentifier), "the discovery started")
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(Date().timeIntervalSince(sent) < 5, "ended soon after SIGTERM")
        #expect(process.terminationStatus == 1)
        #expect(error.contains("told to stop while discovering the inputs; nothing was run"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "no session: nothing ran")
    }

    @Test("at a terminal: the inputs screen does not wait for an answer after SIGTERM")
    func atATerminal() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run \(Self.runbook) --transcript \(dir)/s", environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("discovering word")
        let medic = try #require(Self.medicPid(transcript: dir + "/s"))
        try #require(Self.waitForDiscovery(under: medic), "the discovery started")
        kill(medic, SIGTERM)
        let screen = try terminal.waitFor("[exit 1]", timeout: 5)
        #expect(screen.contains("told to stop while discovering the inputs; nothing was run"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"))
    }

    @Test("at a terminal: a check stopped by SIGTERM is shown as told to stop, not as Ctrl-C")
    func checkStoppedBySIGTERM() throws {
        let dir = try TestSupport.temporaryDirectory()
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run Tests/MedicCLITests/Fixtures/slow-check.yaml --transcript \(dir)/s",
            environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        defer { terminal.close() }
        try terminal.waitFor("Look slowly")
        let medic = try #require(Self.medicPid(transcript: dir + "/s"))
        try #require(Self.waitForDiscovery(under: medic), "the check started")
        kill(medic, SIGTERM)
        let screen = try terminal.waitFor("[exit 7]", timeout: 10)
        #expect(screen.contains("cancelled (told to stop)"), "\(screen)")
        #expect(!screen.contains("Ctrl-C"), "\(screen)")
    }
}
