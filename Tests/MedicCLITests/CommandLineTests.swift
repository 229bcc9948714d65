import Foundation
import MedicTestSupport
import Testing

/// The real `medic` binary, run as a user would.
@Suite("medic on the command line")
struct CommandLineTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    static var binary: String {
        // Test bundles are built next to the products, so `medic` sits beside this test binary.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("medic").path
    }

    func medic(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], in folder: String = TestSupport.repositoryRoot)
        throws -> Run
    {
        try run(Self.binary, arguments, stdin: stdin, environment: environment, in: folder)
    }

    func run(
        _ program: String, _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:],
        in folder: String = TestSupport.repositoryRoot
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self), error: String(decoding: error, as: UTF8.self))
    }

    /// Runs a command as the child of a subreaper (prctl(PR_SET_CHILD_SUBREAPER)), so that a
    /// process the command leaves behind when it exits becomes the subreaper's, which waits up
    /// to 2 s for it and counts it: `medic exited STATUS; N orphaned; none running`.
    static let subreaper = """
        import ctypes, os, sys, time
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
            sys.exit("prctl: " + os.strerror(ctypes.get_errno()))
        medic = os.fork()
        if medic == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for descriptor in (0, 1, 2):
                os.dup2(null, descriptor)
            os.execv(sys.argv[1], sys.argv[1:])
        _, status = os.waitpid(medic, 0)
        orphans, running = 0, 0
        deadline = time.monotonic() + 2
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                orphans += 1
            elif time.monotonic() > deadline:
                running = 1
                break
            else:
                time.sleep(0.01)
        print(f"medic exited {os.waitstatus_to_exitcode(status)}; {orphans} orphaned; {'some still running' if running else 'none running'}")
        """

    @Test(
        "validate leaves no process behind: the matching process it starts is stopped and reaped before it exits, idle or matching",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func validateLeavesNoProcess() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.subreaper.write(toFile: dir + "/subreaper.py", atomically: false, encoding: .utf8)
        // The second runbook's default keeps the matching process busy until Medic stops it.
        for (runbook, status) in [("runbooks/starter.yaml", 0), ("Tests/MedicCLITests/Fixtures/runaway-default.yaml", 2)] {
            let run = try self.run("/usr/bin/python3", [dir + "/subreaper.py", Self.binary, "validate", runbook])
            #expect(run.output == "medic exited \(status); 0 orphaned; none running\n", "\(runbook): \(run.output)\(run.error)")
        }
    }

    @Test("validate exits 0 for a valid runbook and 2 with compiler-style diagnostics for a broken one")
    func validate() throws {
        let good = try medic(["validate", "runbooks/starter.yaml"])
        #expect(good.status == 0)
        #expect(good.error.contains("valid (0 errors, 0 warnings)"))
        let bad = try medic(["validate", "Tests/MedicLoaderTests/Fixtures/invalid/many-problems.yaml"])
        #expect(bad.status == 2)
        #expect(bad.error.contains("Tests/MedicLoaderTests/Fixtures/invalid/many-problems.yaml:15:5: error: unknown key 'comand' in step 'first'"))
        #expect(bad.error.contains("note: did you mean 'command'?"))
    }

    @Test("nothing is shown or run from an invalid runbook")
    func invalidShowsNothing() throws {
        let run = try medic(["show", "Tests/MedicLoaderTests/Fixtures/invalid/loop.yaml"])
        #expect(run.status == 2)
        #expect(run.output.isEmpty)
        #expect(run.error.contains("nothing was run"))
    }

    @Test("show prints inputs, then each step with kind, why, what runs and where branches lead")
    func show() throws {
        let run = try medic(["show", "runbooks/starter.yaml"])
        #expect(run.status == 0)
        for expected in [
            "INPUTS", "api_token  secret, optional", "CHECK  probe", "ACTION  restart", "QUESTION  ask-recent-deploy",
            "CONCLUSION  healthy", "RUNBOOK  verify", "df --output=pcent ${data_dir}", "→ if HTTP 200: disk",
            "confirmed by typing the target ${marker}", "outcome escalate, cause disk-full",
            "found: given, else discovered from the port of service_url (after service_url), the first candidate; else the default 8080",
            "found: given, else the default /tmp", "found: given, else asked when the first step that reads it is reached",
            "service_url  url, default http://127.0.0.1:8080/health\n      Where the service answers plain HTTP.\n      pattern: ",
            "\n      scripts also read: $SERVICE_URL_SCHEME $SERVICE_URL_HOST\n      $SERVICE_URL_PORT $SERVICE_URL_ORIGIN $SERVICE_URL_PATH\n",
        ] {
            #expect(run.output.contains(expected), "missing: \(expected)")
        }
    }

    @Test("show says where an input is discovered when it is on another host over ssh")
    func showRemoteDiscovery() throws {
        let run = try medic(["show", "runbooks/upstream-pool.yaml"])
        #expect(run.status == 0)
        for expected in [
            "found: given, else discovered from the upstream block the site's server proxies to (nginx -T) on ${nginx_host} (after nginx_host, site_url), the first candidate; else the default app_pool",
            "on: host ${nginx_host}, over ssh",
        ] {
            #expect(run.output.contains(expected), "missing: \(expected)\n\(run.output)")
        }
    }

    @Test("a required input a discovery runs on is needed before any discovery: without a terminal to ask, nothing runs")
    func discoveryHostNeededFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try medic(
            ["run", "runbooks/upstream-pool.yaml", "--var", "site_url=http://127.0.0.1:9/", "--yes", "--transcript", dir + "/s"],
            environment: ["XDG_STATE_HOME": dir, "MEDIC_SSH_OPTIONS": "-F /dev/null"])
        #expect(run.status != 0)
        #expect(run.error.contains("input 'nginx_host' has no value and standard input is not a terminal to ask"), "\(run.error)")
        #expect(!(run.output + run.error).contains("discovering"), "no discovery ran without the host: \(run.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"), "nothing was run or recorded")
    }

    @Test("graphviz dot accepts the DOT graph", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func dotGraph() throws {
        let graph = try medic(["graph", "runbooks/starter.yaml", "--format", "dot"])
        #expect(graph.status == 0)
        let dir = try TestSupport.temporaryDirectory()
        try graph.output.write(toFile: dir + "/g.dot", atomically: true, encoding: .utf8)
        let rendered = try run("/usr/bin/dot", ["-Tsvg", dir + "/g.dot", "-o", dir + "/g.svg"])
        #expect(rendered.status == 0, "\(rendered.error)")
        let svg = try String(contentsOfFile: dir + "/g.svg", encoding: .utf8)
        #expect(svg.contains("CHECK: Does the service answer its health endpoint?"))
        #expect(svg.contains("doubleoctagon") || svg.contains("<polygon"))
    }

    @Test(
        "show and graph draw a step with variants once, with its table, and a runbook's outputs",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func variantsShownAndDrawn() throws {
        let shown = try medic(["show", "runbooks/app-down.yaml"])
        #expect(shown.status == 0)
        #expect(shown.output.contains("runs, by runtime (timeout 2m):\n      docker: command\n        docker restart ${app_service}"))
        #expect(shown.output.contains("OUTPUTS (handed back to a calling runbook)\n  build_running  int"))
        let caller = try medic(["show", "runbooks/nginx-502.yaml"])
        let handed =
            "build_running (int), extras_running (int), failed_logins (int), error_log_watch (string), memory_verdict (string), limit_cgroup (string), limit_value (string), sharer_list (string)"
        #expect(
            caller.output.contains(
                "hands back: \(handed), sv_exits (int), sv_last_end_at (string), sv_stops (int), sv_spawns (int), last_start (string), crash_lines (int), evidence (string)"
            ))
        let graph = try medic(["graph", "runbooks/app-down.yaml", "--format", "dot"])
        #expect(graph.status == 0)
        #expect(graph.output.components(separatedBy: "ACTION: Restart the app").count == 2, "one node for the step, whatever the runtime")
        #expect(graph.output.contains("per runtime: docker, compose, systemd, supervisor, kubernetes"))
        let dir = try TestSupport.temporaryDirectory()
        try graph.output.write(toFile: dir + "/g.dot", atomically: true, encoding: .utf8)
        let rendered = try run("/usr/bin/dot", ["-Tsvg", dir + "/g.dot", "-o", dir + "/g.svg"])
        #expect(rendered.status == 0, "\(rendered.error)")
    }

    @Test("the Mermaid graph draws each kind with its own shape and labels every edge")
    func mermaidGraph() throws {
        let graph = try medic(["graph", "runbooks/starter.yaml"])
        #expect(graph.status == 0)
        let lines = graph.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "flowchart TD")
        #expect(lines.contains { $0.contains("s_probe[\"CHECK:") })
        #expect(lines.contains { $0.contains("s_restart[/\"ACTION:") && $0.hasSuffix("/]:::action") })
        #expect(lines.contains { $0.contains("s_ask_recent_deploy{\"QUESTION:") })
        #expect(lines.contains { $0.contains("s_healthy([\"CONCLUSION:") })
        #expect(lines.contains { $0.contains("s_verify[[\"RUNBOOK:") })
        let edges = lines.filter { $0.contains("-->") }
        #expect(edges.count == 17)
        #expect(edges.allSatisfy { $0.contains("-->|\"") })
        #expect(!graph.output.contains("\"\""), "no empty or broken labels")
    }

    @Test("list shows every runbook with id, title and validity")
    func list() throws {
        let run = try medic(["list"])
        #expect(run.status == 0)
        #expect(run.output.contains("starter") && run.output.contains("Is the local web service answering?") && run.output.contains("valid"))
        let broken = try medic(["list", "Tests/MedicLoaderTests/Fixtures/invalid"])
        #expect(broken.status == 2)
        #expect(broken.output.contains("invalid"))
    }

    @Test("test walks the starter's scenarios with full coverage, and fails a wrong expectation")
    func scenarios() throws {
        let run = try medic(["test", "runbooks/starter.yaml", "--require-full-coverage"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("coverage: 19/19 branches, 6/6 conclusions"))
        let dir = try TestSupport.temporaryDirectory()
        let root = TestSupport.repositoryRoot + "/runbooks/"
        for name in ["starter.yaml", "starter-verify.yaml"] { try FileManager.default.copyItem(atPath: root + name, toPath: dir + "/" + name) }
        try FileManager.default.createDirectory(atPath: dir + "/starter.scenarios", withIntermediateDirectories: true)
        try """
        medic-scenario: 1
        results:
          probe: {status: 200}
          disk: {exit: 0, output: " 12%"}
          starter-verify/health: {status: 200}
        expect: {outcome: escalate, cause: disk-full, path: [probe, disk, disk-full]}
        """.write(toFile: dir + "/starter.scenarios/wrong.yaml", atomically: true, encoding: .utf8)
        let failing = try medic(["test", dir + "/starter.yaml"])
        #expect(failing.status == 6)
        #expect(failing.output.contains("FAIL wrong"))
        #expect(failing.output.contains("expected outcome escalate, got resolved"))
        #expect(failing.output.contains("- disk-full") && failing.output.contains("+ verify"))
        #expect(failing.output.contains("0 passed, 1 failed"))
    }

    @Test("test gives Ansible groups from the scenarios' inventory: full coverage without running ansible-inventory; a bad inventory is located")
    func inventoryScenarios() throws {
        let dir = try TestSupport.temporaryDirectory()
        try Fleet.yaml.write(toFile: dir + "/fleet.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/fleet.scenarios", withIntermediateDirectories: true)
        for (name, second) in [("fine", "0"), ("lost", "3")] {
            try """
            medic-scenario: 1
            inventory:
              web: [web1, web2]
            results:
              state: {hosts: {web1: {exit: 0}, web2: {exit: \(second)}}}
            expect: {outcome: \(name == "fine" ? "no-fault" : "escalate"), path: [state, \(name)]}
            """.write(toFile: dir + "/fleet.scenarios/\(name).yaml", atomically: true, encoding: .utf8)
        }
        // An ansible-inventory that leaves a mark: the test must never run it.
        let bin = try TestSupport.temporaryDirectory()
        try "#!/bin/sh\ntouch \(bin)/ran\necho '{}'\n".write(toFile: bin + "/ansible-inventory", atomically: true, encoding: .utf8)
        chmod(bin + "/ansible-inventory", 0o755)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try medic(["test", dir + "/fleet.yaml", "--require-full-coverage"], environment: ["PATH": path])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("coverage: 2/2 branches, 2/2 conclusions"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: bin + "/ran"))

        try """
        medic-scenario: 1
        inventory:
          webs: [web1]
        expect: {outcome: no-fault}
        """.write(toFile: dir + "/fleet.scenarios/typo.yaml", atomically: true, encoding: .utf8)
        let bad = try medic(["test", dir + "/fleet.yaml"], environment: ["PATH": path])
        #expect(bad.status == 2, "\(bad.output)\(bad.error)")
        #expect(
            (bad.output + bad.error).contains(
                dir + "/fleet.scenarios/typo.yaml:3:3: error: the inventory gives group 'webs', which no host set of the runbook names"),
            "\(bad.output)\(bad.error)")
    }

    @Test("unknown subcommands and options are usage errors with status 64")
    func usage() throws {
        let run = try medic(["frobnicate"])
        #expect(run.status == 64)
        #expect(run.error.contains("medic: error: unknown command 'frobnicate'"))
        let option = try medic(["run", "--frobnicate", "runbooks/starter.yaml"])
        #expect(option.status == 64)
        #expect(option.error.contains("Error: Unknown option '--frobnicate'"))
    }

    @Test("run and resume take the same session options, described the same way")
    func sharedSessionOptions() throws {
        func sessionOptions(_ command: String) throws -> String {
            let help = try medic([command, "--help"]).output
            let from = try #require(help.range(of: "  --var-file"))
            let to = try #require(help.range(of: "  --version"))
            return String(help[from.lowerBound..<to.lowerBound])
        }
        let run = try sessionOptions("run")
        for option in ["--var-file <FILE>", "--dry-run", "--yes", "--transcript <DIR>"] { #expect(run.contains(option)) }
        #expect(try sessionOptions("resume") == run)
    }
}
