import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// The crash count of the docker runtime on a real engine: the window reaches back to the app's
/// last start, so the crash that ended its last life counts however long it has been down.
extension LabTests.EngineLabTests {
    @Test("crashed on docker, down since its last crash, older than error_window: that crash still counts, and the reason says since when")
    func crashOlderThanWindowCounts() throws {
        let lab = try Lab("crashed", runtime: "docker")
        defer { lab.down() }
        let app = try lab.appContainerID()
        // Stop the restart loop: the next crash leaves the container exited, its traceback the
        // last thing it wrote.
        let update = try Spawn.run(["docker", "update", "--restart=no", app], environment: lab.medicEnvironment, timeout: 30)
        try #require(update.status == 0, "\(update.output)")
        var state = ""
        for _ in 0..<120 where state != "exited" {
            let inspect = try Spawn.run(["docker", "inspect", "--format", "{{.State.Status}}", app], environment: lab.medicEnvironment, timeout: 30)
            state = inspect.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if state != "exited" { Thread.sleep(forTimeInterval: 0.5) }
        }
        try #require(state == "exited", "the app container did not stay down: \(state)")
        // Past a 15 s window, then fresh refusals for nginx's log, so the walk reaches the app.
        Thread.sleep(forTimeInterval: 20)
        for _ in 0..<3 {
            _ = try Spawn.run(["curl", "-s", "-o", "/dev/null", lab["SITE_URL"]], timeout: 30)
        }
        let (_, screen, evidence) = try LabTests().runUnattended(lab, flags: ["--yes", "--dry-run"], variables: ["error_window": "15s"])
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        let logs = evidence.output(of: "app-down/docker-logs") ?? ""
        #expect(logs.contains("the last 15 s or, when older, the last start"), "\(logs)")
        #expect(logs.contains("Traceback (most recent call last)"), "the last life's crash was not read:\n\(logs)")
        #expect(evidence.path.contains("app-down/crash-when"), "\(context)")
        #expect(evidence.path.contains("app-down/crash-on-start"), "the import failure was not told a crash on start-up\n\(context)")
        #expect(evidence.because(at: "app-down/docker-logs")?.contains("crash reports since") == true, "\(context)")
        #expect(evidence.end?.stepID == "crash-escalate" && evidence.end?.cause == "upstream-crashed", "\(context)")
    }
}
