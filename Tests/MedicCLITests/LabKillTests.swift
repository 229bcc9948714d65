import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// The OOM chain of app-down.yaml against the real kernel: a kill that is not the OOM killer's
/// must not be blamed on memory, and a process that shares the app's cgroup is not the app.
extension LabTests {
    @Test("a kill -9 by hand, no OOM kill in the kernel log: killed by a signal, and nothing is stopped or restarted")
    func killByHandIsNoOOM() throws {
        let lab = try Lab("healthy")
        defer { lab.down() }
        for _ in 0..<2 {
            let pid = try #require(try lab.programs()["app"].flatMap(Self.pid), "the app is not running")
            #expect(kill(pid, SIGKILL) == 0)
            // a few requests while the app is away, so nginx logs the refusals the walk starts from
            for _ in 0..<3 { _ = try? lab.status(of: lab["SITE_URL"]) }
            Thread.sleep(forTimeInterval: 6)
        }
        // A short window, which the kernel's ring buffer more likely covers on a busy machine.
        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"], variables: ["error_window": "2m"])
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        // A log that covers the window proves no OOM kill; one that does not leaves it open.
        let ending = evidence.captured("klog_covers") == "yes" ? "app-down/killed-by-signal" : "app-down/kill-unplaced"
        #expect(evidence.path.contains(ending), "\(context)")
        #expect(evidence.end?.cause == "app-killed", "\(context)")
        #expect(evidence.actionRuns.isEmpty, "an action ran: \(evidence.actionRuns.map(\.stepID))\n\(context)")
        #expect(status == 3, "\(context)")
        #expect(!screen.contains("killed for memory"), "\(context)")
        let programs = try lab.programs()
        for name in ["buildjobs:docker-build-sim", "extras:postgres-sim"] {
            #expect(programs[name]?.hasPrefix("RUNNING") == true, "\(name): \(programs[name] ?? "gone")")
        }
    }

    @Test(
        "another process inside the app's own cgroup is named as sharing its limit, not counted as the app",
        .enabled(if: Lab.oomUnsupportedReason == nil, Comment(rawValue: oomNeeds)))
    func sharerInsideOwnCgroupNamed() throws {
        let lab = try Lab("oom-own-limit")
        defer { lab.down() }
        let cgroup = lab["CGROUP"]
        try #require(lab["CGROUP_VERSION"] == "1", "this test writes cgroup v1 limits")
        // Room for the app alone (it peaks near 129 MiB), not for the app and a 100 MiB hog.
        for file in ["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"] {
            try "234881024\n".write(toFile: cgroup + "/" + file, atomically: false, encoding: .utf8)
        }
        _ = try Spawn.run(["/usr/bin/supervisorctl", "-c", lab["SUPERVISOR_CONF"], "start", "app"], timeout: 60)
        let hog = Process()
        hog.executableURL = URL(fileURLWithPath: "/bin/sh")
        hog.arguments = [
            "-c", "echo $$ > \"$1/cgroup.procs\" && exec /usr/bin/python3 \"$2\" backup-agent 100", "sh", cgroup,
            TestSupport.repositoryRoot + "/lab/app/hog.py",
        ]
        hog.standardOutput = FileHandle.nullDevice
        hog.standardError = FileHandle.nullDevice
        try hog.run()
        defer {
            kill(hog.processIdentifier, SIGKILL)
            hog.waitUntilExit()
        }
        // Let the kernel kill the app a few times at the shared limit.
        Thread.sleep(forTimeInterval: 40)
        let (_, screen, evidence) = try runUnattended(lab, flags: ["--yes"], variables: ["error_window": "2m"])
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        #expect(evidence.path.contains("app-down/own-limit-shared"), "\(context)")
        #expect(evidence.captured("memory_verdict") == "own-limit-shared", "\(context)")
        #expect(evidence.captured("sharer_list")?.contains("pid \(hog.processIdentifier) (") == true, "\(context)")
        #expect(evidence.captured("sharer_list")?.contains("backup-agent") == true, "\(context)")
        #expect(!screen.contains("with nothing else running inside it"), "\(context)")
        #expect(evidence.actionRuns.isEmpty, "an action ran: \(evidence.actionRuns.map(\.stepID))\n\(context)")
    }

    /// The pid in a `supervisorctl status` line's rest (`RUNNING   pid 123, uptime 0:00:05`).
    static func pid(_ status: String) -> pid_t? {
        status.firstMatch(of: /pid (\d+),/).flatMap { pid_t($0.1) }
    }
}
