import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// The shipped app-down.yaml's kernel-oom and memory-limit scripts, run for real by /bin/sh
/// with a kernel log written for the test: a stand-in `dmesg` (and `docker`, `supervisorctl`)
/// first on PATH prints lines stamped relative to this machine's /proc/uptime, so the window
/// is the script's own arithmetic. Kills of other processes, and the app's own kills older than
/// the window, must be listed as ignored and never counted; the memory verdict must follow the
/// cgroup whose limit ran out.
@Suite("app-down.yaml: which OOM kills are the app's, and whose limit ran out")
struct OOMEvidenceScriptTests {
    static let appID = String(repeating: "ab12", count: 16)

    @Test("docker: only kills inside the app container's cgroup and the window count")
    func dockerAttribution() throws {
        // A 90 s window and a kill 200 s ago before it: a kernel stamp cannot predate the boot, and
        // a machine that has just booted (as a fresh CI machine has) has been up only minutes.
        let lines = [
            Self.kill(agoSeconds: 200, pid: 700, name: "uvicorn", memcg: "/docker/\(Self.appID)", limit: "/docker/\(Self.appID)"),
            Self.kill(agoSeconds: 40, pid: 812, name: "python3", memcg: "/ci/stray", limit: "/ci/stray"),
            // the memory cgroup's OOM report: the limit in force at the kill that follows
            "[\(Self.stamp(agoSeconds: 30))] memory: usage 131072kB, limit 131072kB, failcnt 812",
            Self.kill(agoSeconds: 30, pid: 901, name: "uvicorn", memcg: "/docker/\(Self.appID)", limit: "/docker/\(Self.appID)"),
            Self.kill(agoSeconds: 10, pid: 902, name: "uvicorn", memcg: "/docker/ffff", limit: "/docker/ffff"),
        ]
        let output = try run("kernel-oom", runtime: "docker", kernelLines: lines, values: ["ERROR_WINDOW_SECONDS": "90"])
        #expect(output.contains("the app: container app; id \(Self.appID);"), "\(output)")
        #expect(output.contains("kills of the app in the window: 1\n"), "\(output)")
        #expect(output.contains("kills of other processes in the window, ignored: 2\n"), "\(output)")
        #expect(output.contains("kills before the window, ignored: 1\n"), "\(output)")
        // the kill before the window was the app's: outside the window, not another process's
        #expect(output.contains("of those before the window, kills of the app: 1\n"), "\(output)")
        #expect(output.contains("last kill of the app: pid 901 (uvicorn), "), "\(output)")
        let cgroup = "/docker/\(Self.appID)"
        #expect(
            output.contains(
                "in cgroup \(cgroup) (identified as the app by its container cgroup); limit at the kill 128 MiB; memory ran out in \(cgroup)"),
            "\(output)")
        // the log reaches back some 200 s, over the whole 90 s window
        #expect(output.contains(" s ago; covers the window: yes\n") && !output.contains("back to only"), "\(output)")
        let appSection = output.components(separatedBy: "kills of other processes").first ?? ""
        #expect(!appSection.contains("pid 700 ") && !appSection.contains("pid 812 ") && !appSection.contains("pid 902 "), "\(appSection)")
    }

    @Test("supervisor: the pids supervisord started the program with are the app's; a global OOM names the whole host")
    func supervisorAttribution() throws {
        let lines = [
            Self.kill(agoSeconds: 50, pid: 4101, name: "uvicorn", memcg: "/system.slice/supervisor.service", limit: nil),
            Self.kill(agoSeconds: 20, pid: 4188, name: "python3", memcg: "/system.slice/supervisor.service", limit: nil),
            "[\(Self.stamp(agoSeconds: 5))] Out of memory: Killed process 4202 (uvicorn) total-vm:1kB, anon-rss:1kB",
        ]
        let output = try run("kernel-oom", runtime: "supervisor", kernelLines: lines)
        #expect(output.contains("pids 4101 4202"), "\(output)")
        #expect(output.contains("kills of the app in the window: 2\n"), "\(output)")
        #expect(output.contains("kills of other processes in the window, ignored: 1\n"), "\(output)")
        #expect(output.contains("pid 4101 (uvicorn) in cgroup /system.slice/supervisor.service; memory ran out in the whole host"), "\(output)")
        // A kill line without its oom-kill: line still says where memory ran out: the host.
        #expect(output.contains("last kill of the app: pid 4202 (uvicorn), "), "\(output)")
        #expect(
            output.contains(
                " s ago, in cgroup ? (identified as the app by one of its pids); limit at the kill not logged; memory ran out in the whole host\n"),
            "\(output)")
        // the log reaches back only some 50 s of the 900 s window: no proof that nothing older happened
        #expect(output.contains("back to only ") && output.contains(" s ago; covers the window: no\n"), "\(output)")
    }

    @Test("kernel-oom: no kernel log at all is said to cover nothing, so no absence of a kill is claimed from it")
    func unreadableKernelLog() throws {
        let output = try run("kernel-oom", runtime: "supervisor", kernelLines: [])
        #expect(output.contains("kills of the app in the window: 0\n"), "\(output)")
        #expect(output.contains("covers the window: no\n"), "\(output)")
    }

    @Test(
        "memory-limit: a process inside the app container's own cgroup that is not the app's pid tree is another, named, and the limit is not 'own, nothing else inside'",
        .enabled(
            if: getuid() == 0 && FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/cgroup.procs"),
            "needs root and a cgroup v1 memory hierarchy"))
    func otherProcessInsideOwnCgroup() throws {
        // A real memory cgroup named like the app container's, holding one process that is not
        // the container's main process (docker exec, or a process written into cgroup.procs).
        let parent = "/medic-oomtest-\(getpid())"
        let cgroup = parent + "/" + Self.appID
        let path = "/sys/fs/cgroup/memory" + cgroup
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sh")
        sleeper.arguments = ["-c", "echo $$ > \"$1/cgroup.procs\" && exec sleep 600", "sh", path]
        try sleeper.run()
        defer {
            _ = Glibc.kill(sleeper.processIdentifier, SIGKILL)
            sleeper.waitUntilExit()
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: "/sys/fs/cgroup/memory" + parent)
        }
        var joined = false
        for _ in 0..<50 where !joined {
            joined = ((try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8)) ?? "").contains("\(sleeper.processIdentifier)")
            if !joined { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(joined, "the sleeper did not join \(path)")
        let output = try run("memory-limit", runtime: "docker", values: ["OOM_MEMCG": cgroup, "VICTIM_MEMCG": cgroup])
        #expect(output.contains("holding 0 processes of the app and 1 others now"), "\(output)")
        #expect(output.contains("others inside it now: pid \(sleeper.processIdentifier) (sleep 600)"), "\(output)")
        #expect(output.contains("verdict: own-limit-shared ("), "\(output)")
        #expect(!output.contains("verdict: own-limit ("), "\(output)")
    }

    @Test(
        "memory-limit: a container caught restarting (Docker reports Pid 0) is read again, and its new process inside its cgroup is the app's, not a sharer",
        .enabled(
            if: getuid() == 0 && FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/cgroup.procs"),
            "needs root and a cgroup v1 memory hierarchy"))
    func restartingContainerNamesNoSharer() throws {
        // A real memory cgroup named like the app container's, holding the container's new main
        // process, already started while Docker still reports Pid 0 (status restarting).
        let parent = "/medic-oomtest-restart-\(getpid())"
        let cgroup = parent + "/" + Self.appID
        let path = "/sys/fs/cgroup/memory" + cgroup
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let app = Process()
        app.executableURL = URL(fileURLWithPath: "/bin/sh")
        app.arguments = ["-c", "echo $$ > \"$1/cgroup.procs\" && exec sleep 600", "sh", path]
        try app.run()
        defer {
            _ = Glibc.kill(app.processIdentifier, SIGKILL)
            app.waitUntilExit()
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: "/sys/fs/cgroup/memory" + parent)
        }
        var joined = false
        for _ in 0..<50 where !joined {
            joined = ((try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8)) ?? "").contains("\(app.processIdentifier)")
            if !joined { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(joined, "the app's process did not join \(path)")
        // Docker's first answer is Pid 0 (restarting); the next names the new process.
        let pid = """
            n=$(cat "$TMPDIR/pid-reads" 2>/dev/null || echo 0); echo $((n + 1)) > "$TMPDIR/pid-reads"
            if [ "$n" -lt 1 ]; then p=0 st=restarting; else p=\(app.processIdentifier) st=running; fi
            case "$*" in *'{{.State.Status}}'*) echo "$p $st" ;; *) echo "$p" ;; esac
            """
        let output = try run("memory-limit", runtime: "docker", values: ["OOM_MEMCG": cgroup, "VICTIM_MEMCG": cgroup], dockerPid: pid)
        #expect(output.contains("holding 1 processes of the app and 0 others now"), "\(output)")
        #expect(!output.contains("others inside it now:"), "\(output)")
        #expect(output.contains("verdict: own-limit ("), "\(output)")
    }

    @Test("memory-limit: the app container's own cgroup is its own limit; a parent cgroup is a shared one; a global OOM is the host's")
    func memoryVerdict() throws {
        let own = try run("memory-limit", runtime: "docker", values: ["OOM_MEMCG": "/docker/\(Self.appID)", "VICTIM_MEMCG": "/docker/\(Self.appID)"])
        #expect(own.contains("runtime limit: HostConfig.Memory 128 MiB"), "\(own)")
        #expect(own.contains("limit that ran out: /docker/\(Self.appID) (128 MiB now)"), "\(own)")
        #expect(own.contains("verdict: own-limit"), "\(own)")

        let shared = try run(
            "memory-limit", runtime: "docker", values: ["OOM_MEMCG": "/medic-test-parent", "VICTIM_MEMCG": "/medic-test-parent/\(Self.appID)"])
        #expect(shared.contains("verdict: shared-limit (/medic-test-parent is not the app's own cgroup"), "\(shared)")

        let host = try run("memory-limit", runtime: "docker", values: ["OOM_MEMCG": "the whole host", "VICTIM_MEMCG": "/docker/\(Self.appID)"])
        #expect(host.contains("limit that ran out: the whole host") && host.contains("verdict: host"), "\(host)")

        let none = try run("memory-limit", runtime: "docker", values: ["OOM_MEMCG": "", "VICTIM_MEMCG": ""])
        #expect(none.contains("verdict: unknown"), "\(none)")
    }

    // MARK: - Running the shipped scripts

    /// Runs step `stepID` of the shipped app-down.yaml (its script with the snippets it uses, as
    /// Medic runs it) with stand-ins for the programs that would read this machine's state.
    /// `dockerPid` is the stand-in docker's answer to a `{{.State.Pid}}` read (shell text; it
    /// sees its arguments as `$*` and a directory of its own as `$TMPDIR`): Pid 0 by default.
    func run(
        _ stepID: String, runtime: String, kernelLines: [String] = [], values: [String: String] = [:], dockerPid: String = "echo 0"
    ) throws -> String {
        let (bundle, diagnostics) = RunbookLoader().loadBundle(TestSupport.repositoryRoot + "/runbooks/app-down.yaml")
        let runbook = try #require(bundle?.root, "\(diagnostics)")
        let step = try #require(runbook.step(stepID))
        guard case .script(let script, _)? = step.execution else { throw TestFailure("\(stepID) runs no script") }
        let dir = try TestSupport.temporaryDirectory()
        let bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try Self.stub(bin + "/dmesg", printing: kernelLines)
        try Self.stub(
            bin + "/docker",
            script: """
                case "$*" in
                  *'{{.Id}}'*) echo \(Self.appID) ;;
                  *'{{.State.Pid}}'*)
                \(dockerPid)
                    ;;
                  *'{{.HostConfig.Memory}}'*) echo 134217728 ;;
                esac
                """)
        try Self.stub(
            bin + "/supervisorctl",
            script: """
                case "$*" in
                  *maintail*) echo "2026-12-01 10:00:00,000 INFO spawned: 'app' with pid 4101"; echo "2026-12-01 10:00:50,000 INFO spawned: 'app' with pid 4202" ;;
                  *'pid app') echo 0 ;;
                  *pid) echo 1 ;;
                esac
                """)
        let ended = try Spawn.run(
            ["/bin/sh", "-c", script],
            environment: [
                "PATH": bin + ":/usr/bin:/bin", "RUNTIME": runtime, "APP_SERVICE": "app", "ERROR_WINDOW_SECONDS": "900",
                "SUPERVISOR_CONF": dir + "/supervisord.conf", "COMPOSE_FILE": dir + "/compose.yaml", "TMPDIR": dir,
            ].merging(values) { $1 }, timeout: 30)
        #expect(ended.status == 0, "\(ended.output)")
        return ended.output
    }

    /// The kernel's two lines for one OOM kill; `limit` nil is a global OOM (the whole host).
    static func kill(agoSeconds: Double, pid: Int, name: String, memcg: String, limit: String?) -> String {
        let stamp = stamp(agoSeconds: agoSeconds)
        let constraint =
            limit.map { "constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=\($0)," }
            ?? "constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
        let kind = limit == nil ? "Out of memory" : "Memory cgroup out of memory"
        return "[\(stamp)] oom-kill:\(constraint)task_memcg=\(memcg),task=\(name),pid=\(pid),uid=0\n"
            + "[\(stamp)] \(kind): Killed process \(pid) (\(name)) total-vm:152332kB, anon-rss:130528kB, file-rss:0kB"
    }

    /// dmesg's stamp (seconds since boot) for a moment `agoSeconds` before now.
    static func stamp(agoSeconds: Double) -> String {
        let uptime = (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8)).flatMap { Double($0.split(separator: " ")[0]) } ?? 0
        return String(format: "%12.6f", max(0, uptime - agoSeconds))
    }

    static func stub(_ path: String, printing lines: [String]) throws {
        try stub(path, script: "cat <<'EOF'\n" + lines.joined(separator: "\n") + "\nEOF")
    }

    static func stub(_ path: String, script: String) throws {
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
}
