import Foundation
import MedicCore
import MedicTestSupport
import Testing

/// `medic run runbooks/nginx-502.yaml` against real incidents: the lab's nginx, supervisord and
/// app, broken for real, on loopback. Slow (minutes), so it runs only with MEDIC_LAB_TESTS=1
/// (`make e2e`), one scenario at a time.
@Suite(
    "end-to-end: nginx-502.yaml against the incident lab", .serialized,
    .enabled(if: Lab.enabled, "set MEDIC_LAB_TESTS=1 (make e2e) to run them: they start nginx, supervisord and an app on loopback"))
struct LabTests {
    static let runbook = TestSupport.repositoryRoot + "/runbooks/nginx-502.yaml"
    static let oomNeeds = "skipped: the oom scenario needs root, a memory cgroup it can create and a readable dmesg"

    @Test(
        "at a terminal, typing the confirmation at each action", .enabled(if: Terminal.available, "tmux is not installed"),
        arguments: LabExpectation.withoutOOM)
    func atTerminal(_ expected: LabExpectation) throws {
        try walkAtTerminal(expected)
    }

    @Test(
        "oom at a terminal: the app named as the kernel's victim; at a shared limit the jobs are stopped and the app restarted, at its own nothing is",
        .enabled(if: Terminal.available, "tmux is not installed"), .enabled(if: Lab.oomUnsupportedReason == nil, Comment(rawValue: oomNeeds)),
        arguments: [LabExpectation.oom, .oomOwnLimit])
    func oomAtTerminal(_ expected: LabExpectation) throws {
        try walkAtTerminal(expected)
    }

    @Test("with --yes, no terminal, the password from MEDIC_VAR_login_password", arguments: LabExpectation.withoutOOM)
    func unattended(_ expected: LabExpectation) throws {
        try walkUnattended(expected)
    }

    @Test(
        "oom with --yes and no terminal", .enabled(if: Lab.oomUnsupportedReason == nil, Comment(rawValue: oomNeeds)),
        arguments: [LabExpectation.oom, .oomOwnLimit, .oomBesideStrayKills])
    func oomUnattended(_ expected: LabExpectation) throws {
        try walkUnattended(expected)
    }

    @Test("stale lines in the rotated error log (yesterday's, and 20 minutes old) are read past and decide nothing")
    func staleLinesIgnored() throws {
        let lab = try Lab("healthy")
        defer { lab.down() }
        // nginx's own log format, local time, as a rotation would have left them.
        func line(_ secondsAgo: Int, _ message: String) -> String {
            NginxLog.errorLine(
                secondsAgo: secondsAgo,
                "\(message), client: 127.0.0.1, server: medic-lab, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:1/\"")
        }
        let refused = "connect() failed (111: Connection refused) while connecting to upstream"
        let tooBig = "upstream sent too big header while reading response header from upstream"
        let stale = [line(86_400, refused), line(86_000, tooBig), line(1200, refused), line(1190, tooBig)]
        try (stale.joined(separator: "\n") + "\n").write(toFile: lab["NGINX_ERROR_LOG"] + ".1", atomically: true, encoding: .utf8)

        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        try check(evidence, status: status, screen: screen, .healthy, lab: lab, approver: "--yes")
        #expect(evidence.captured("refused") == "0" && evidence.captured("too_big") == "0")
        let output = try evidence.files().first { $0.name.hasSuffix("-error-log.log") }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
        #expect(output.contains("nginx-error.log.1 ("), "the rotated file was not read:\n\(output)")
    }

    @Test("wrong-port: the address the log probe captured from the window is the one tried and named; stale refusals elsewhere are not")
    func capturedUpstreamNamed() throws {
        let lab = try Lab("wrong-port")
        defer { lab.down() }
        let wrong = "127.0.0.1:" + (Lab.environment["MEDIC_LAB_WRONG_PORT"] ?? "")
        // Refusals at another address, a day and 20 minutes old, as a rotation would have left
        // them: outside the 15-minute window, so no step may try or name 127.0.0.2:9.
        func line(_ secondsAgo: Int) -> String {
            NginxLog.errorLine(
                secondsAgo: secondsAgo,
                "connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, "
                    + "server: medic-lab, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.2:9/\", host: \"medic-lab\"")
        }
        try (line(86_400) + "\n" + line(1200) + "\n").write(toFile: lab["NGINX_ERROR_LOG"] + ".1", atomically: true, encoding: .utf8)

        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        try check(evidence, status: status, screen: screen, .wrongPort, lab: lab, approver: "--yes")
        #expect(evidence.captured("failed_upstreams") == wrong, "\(screen)")
        let because = evidence.because(at: "upstream-targets") ?? ""
        #expect(because.contains("while nginx sends to \(wrong) where nothing listens"), "\(because)")
        let errorLog = evidence.output(of: "error-log") ?? ""
        #expect(errorLog.contains("captured failed_upstreams from refused_v6, refused, unreachable, timeout_connect: "), "\(errorLog)")
        #expect(errorLog.contains(" \"\(wrong)\"\n"), "\(errorLog)")
        let targets = evidence.output(of: "upstream-targets") ?? ""
        #expect(targets.contains("target \(wrong) not-listening"), "\(targets)")
        #expect(!targets.contains("127.0.0.2") && !errorLog.contains("\"127.0.0.2"), "a stale address was tried or named:\n\(targets)")
    }

    @Test("header-too-big: header-buffers lists the requests the log probe captured from the window, and only those")
    func capturedRequestsListed() throws {
        let lab = try Lab("header-too-big")
        defer { lab.down() }
        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"])
        try check(evidence, status: status, screen: screen, .headerTooBig, lab: lab, approver: "--yes")
        let requests = (evidence.captured("too_big_requests") ?? "").split(separator: "\n").map(String.init)
        #expect(
            !requests.isEmpty && requests.allSatisfy { $0.range(of: #"^[A-Z]+ /\S* HTTP/1\.[01]$"#, options: .regularExpression) != nil },
            "\(requests)")
        let listed =
            (evidence.output(of: "header-buffers") ?? "").components(separatedBy: "requests whose response headers did not fit:\n").last ?? ""
        #expect(listed == requests.map { "  \($0)\n" }.joined(), "\(listed)")
        #expect(evidence.output(of: "error-log")?.contains("captured too_big_requests from too_big: ") == true)
    }

    @Test(
        "--dry-run against oom reaches the diagnosis and stops or restarts nothing",
        .enabled(if: Lab.oomUnsupportedReason == nil, Comment(rawValue: oomNeeds)))
    func dryRunOOM() throws {
        let lab = try Lab("oom")
        defer { lab.down() }
        let neighbours = ["buildjobs:docker-build-sim", "buildjobs:pytest-sim", "extras:postgres-sim", "extras:redis-sim"]
        let before = try lab.programs()
        let supervisorLog = lab["SUPERVISOR_LOG"]
        let logOffset = (try? FileManager.default.attributesOfItem(atPath: supervisorLog)[.size] as? Int) ?? 0
        let (status, screen, evidence) = try runUnattended(lab, flags: ["--dry-run"])
        let after = try lab.programs()

        // The diagnosis: the kernel's OOM kills, found by the checks, which ran for real.
        #expect(evidence.path.contains("app-down/kernel-oom"), "path: \(evidence.path)")
        #expect(Int(evidence.captured("oom_kills") ?? "") ?? 0 >= 1, "the kernel-oom check counted the kills")
        #expect(evidence.end?.cause == "oom-killed")
        #expect(evidence.end?.outcome == "escalate", "nothing was fixed, so the walk cannot end resolved")
        #expect(status == 3, "\(screen)")
        // The actions were shown and recorded, never run, and nobody was asked.
        #expect(evidence.actionRuns.map(\.stepID) == LabExpectation.oom.actions)
        #expect(evidence.actionRuns.allSatisfy { $0.dryRun })
        let actionResults = evidence.results.filter { LabExpectation.oom.actions.contains($0.stepID) }
        #expect(actionResults.count == 3 && actionResults.allSatisfy { $0.notRun == "dry run" })
        #expect(evidence.start?.flags == ["--dry-run"])
        // The ending says so: every action on the path is named as not run.
        let summary = evidence.end?.summary ?? ""
        #expect(summary.components(separatedBy: "was not run: dry run (--dry-run).").count - 1 == 3, "\(summary)")

        // The world: the neighbours hold the same pids in the same state...
        for name in neighbours {
            #expect(
                Self.stateAndPid(before[name]) != nil && Self.stateAndPid(before[name]) == Self.stateAndPid(after[name]),
                "\(name): \(before[name] ?? "-") → \(after[name] ?? "-")")
        }
        // ...supervisord was asked to stop nothing, and the app changed pids only when the
        // kernel's OOM killer killed it (the scenario itself: every request, Medic's checks
        // included, costs the app more memory than is left). The kernel's own count is the
        // witness: dmesg's ring buffer is too small to keep every kill line of a long run.
        let logText = (try? String(contentsOfFile: supervisorLog, encoding: .utf8)) ?? ""
        let kills = try #require(lab.oomKills(), "the oom cgroup's counter cannot be read")
        let during = String(logText.utf8.dropFirst(logOffset)) ?? ""
        let stops = during.split(separator: "\n").filter { $0.contains("stopped:") || $0.contains("waiting for") || $0.contains("SIGTERM") }
        #expect(stops.isEmpty, "supervisord stopped something during the dry run:\n\(stops.joined(separator: "\n"))")
        let exits = logText.split(separator: "\n").filter { $0.contains("exited: app ") }
        #expect(exits.allSatisfy { $0.contains("terminated by SIGKILL") }, "\(exits)")
        #expect(exits.count <= kills, "the app ended \(exits.count) times since lab/up, the OOM killer killed \(kills) processes")
        #expect(after["app"].map { !$0.hasPrefix("STOPPED") && !$0.hasPrefix("EXITED") } == true, "app: \(after["app"] ?? "-")")
        #expect(try lab.status(of: lab["SITE_URL"]) == 502, "the site is still broken: nothing was fixed")
    }

    // MARK: - Walks

    func walkAtTerminal(_ expected: LabExpectation) throws {
        let lab = try Lab(expected.scenario, runtime: expected.runtime, upstream: expected.upstream, settings: expected.settings)
        defer { lab.down() }
        let dir = try TestSupport.temporaryDirectory()
        let session = dir + "/session"
        let variables = Self.inputs(lab, expected).map { "--var '\($0.name)=\($0.value)'" }.joined(separator: " ")
        let terminal = try Terminal(
            "\(CommandLineTests.binary) run runbooks/nginx-502.yaml \(variables) --transcript '\(session)'",
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir].merging(lab.medicEnvironment) { $1 })
        // The inputs screen, accepted; the only input not given, the password, is asked at the
        // hidden prompt when the first step that reads it is reached (and not on paths that never do).
        try terminal.waitFor("accept these values? yes, or set NAME=VALUE › ", timeout: 120)
        try terminal.type("yes")
        try terminal.send("Enter")
        let (status, screen) = try Self.confirmEveryAction(terminal, timeout: 300, password: lab.password)
        let evidence = try SessionEvidence(directory: session)
        EngineRuns.shared.record(evidence, lab: lab, label: "at a terminal: \(expected.testDescription)")
        let operatorName = evidence.start?.operatorName ?? "?"
        #expect(operatorName != "--yes")
        #expect(evidence.start?.interactive == true)
        try check(evidence, status: status, screen: screen, expected, lab: lab, approver: operatorName)
    }

    func walkUnattended(_ expected: LabExpectation) throws {
        let started = Date()
        let lab = try Lab(expected.scenario, runtime: expected.runtime, upstream: expected.upstream, settings: expected.settings)
        defer { lab.down() }
        if let window = expected.variables["error_window"], let seconds = Double(window.dropLast()), window.hasSuffix("s") {
            // Let the window's start pass lab/up's first kills, so they are older than it.
            let wait = seconds + 8 - Date().timeIntervalSince(started)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        let (status, screen, evidence) = try runUnattended(lab, flags: ["--yes"], variables: expected.variables)
        EngineRuns.shared.record(evidence, lab: lab, label: "--yes: \(expected.testDescription)")
        #expect(evidence.start?.interactive == false)
        #expect(evidence.start?.flags == ["--yes"])
        try check(evidence, status: status, screen: screen, expected, lab: lab, approver: "--yes")
    }

    /// `medic run` with standard input on /dev/null and the password in the environment, given
    /// `inputs` (every input but the password, unless told otherwise) and `variables` beside them.
    func runUnattended(
        _ lab: Lab, flags: [String], inputs: [(name: String, value: String)]? = nil, variables: [String: String] = [:]
    ) throws -> (Int32, String, SessionEvidence) {
        let dir = try TestSupport.temporaryDirectory()
        let given = (inputs ?? lab.inputs) + variables.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let arguments = [CommandLineTests.binary, "run", Self.runbook] + given.flatMap { ["--var", "\($0.name)=\($0.value)"] }
        let run = try Spawn.run(
            arguments + flags + ["--transcript", dir + "/session"],
            environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir, "MEDIC_VAR_login_password": lab.password].merging(lab.medicEnvironment) { $1 },
            timeout: 300)
        return (run.status, run.output, try SessionEvidence(directory: dir + "/session"))
    }

    static func inputs(_ lab: Lab, _ expected: LabExpectation) -> [(name: String, value: String)] {
        lab.inputs + expected.variables.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    // MARK: - What every walk must show

    func check(_ evidence: SessionEvidence, status: Int32, screen: String, _ expected: LabExpectation, lab: Lab, approver: String) throws {
        let context = "path: \(evidence.path.joined(separator: " → "))\n\(screen)"
        // The conclusion, in the exit status and in the journal's last record.
        let end = try #require(evidence.end, "the journal has no end record\n\(context)")
        #expect(status == expected.exitStatus, "\(context)")
        #expect(end.outcome == expected.outcome && end.cause == expected.cause, "ended \(end)\n\(context)")
        #expect(expected.conclusions.contains(end.stepID ?? ""), "ended at \(end.stepID ?? "-")")
        #expect(end.exitStatus == expected.exitStatus)

        // The reasons the transcript gives are the evidence: each must say what the scenario shows.
        for (step, pattern) in expected.reasons {
            let because = evidence.branches.last { $0.from == step }?.because ?? ""
            #expect(try Regex(pattern).firstMatch(in: because) != nil, "the reason from \(step) was: \(because)\n\(context)")
        }
        for step in expected.throughSocket {
            let ran = evidence.checkRuns.last { $0.stepID == step }?.display ?? ""
            #expect(ran.hasSuffix(" via unix:" + lab["APP_UNIX_SOCKET"]), "\(step) ran: \(ran)")
        }

        // Every action ran after a confirmation that approved it, and only the expected ones ran.
        #expect(evidence.actionRuns.map(\.stepID) == expected.actions, "\(context)")
        #expect(evidence.confirmationProblems(approver: approver).isEmpty, "\(evidence.confirmationProblems(approver: approver))")
        #expect(evidence.confirmations.allSatisfy { $0.approved }, "an action was declined")
        // An action that failed is reported as failed, with the runtime's own error, and the walk
        // claims no recovery: it waits for nothing and verifies nothing.
        for (step, pattern) in expected.failedActions {
            let result = evidence.results.last { $0.stepID == step }
            #expect(result?.succeeded == false && result?.notRun == nil && (result?.exitStatus ?? 0) != 0, "\(step): \(String(describing: result))")
            let output = evidence.output(of: step) ?? ""
            #expect(try Regex(pattern).firstMatch(in: output) != nil, "\(step) printed:\n\(output)")
        }
        if !expected.failedActions.isEmpty {
            let after = evidence.path.filter { $0 == "app-down/settle" || $0.hasPrefix("verify-site/") }
            #expect(after.isEmpty, "after the failed action the walk went on to \(after)")
            #expect(end.outcome != "resolved", "\(end)")
        }

        // The login round trip saw what the scenario implies.
        let loginSteps = ["login-right", "login-wrong"].filter { step in evidence.path.contains { $0.hasSuffix("verify-site/" + step) } }
        #expect(Set(loginSteps) == Set(expected.logins.keys), "login checks on the path: \(loginSteps)")
        for (step, code) in expected.logins {
            #expect(evidence.httpStatus(ofStepEndingWith: "verify-site/" + step) == code, "\(step) should have seen \(code)")
        }

        // The password is nowhere: not in any file of the session, not on the screen.
        let password = lab.password
        let inFiles = try evidence.leaks(of: password)
        #expect(inFiles.isEmpty, "the password is in the session directory: \(inFiles)")
        let onScreen = SessionEvidence.leaks(of: password, in: screen)
        #expect(onScreen.isEmpty, "the password is on the screen: \(onScreen)")
        #expect(evidence.start?.inputs.contains(InputValue(name: "login_password", value: "••••", secret: true)) == true)

        // Where the runbook says it resolved the incident, the site must be healthy, asked
        // independently of Medic.
        if expected.outcome == "resolved" {
            #expect(try lab.status(of: lab["SITE_URL"]) == 200)
            #expect(try lab.status(of: lab["SITE_HEALTH_URL"]) == 200)
            #expect(try lab.login(password: password) == 200, "the right password logs in")
            #expect(try lab.login(password: "e2e-wrong-password") == 401, "a wrong one is refused")
        }
        if expected.runtime != "supervisor" {
            // What the engine shows afterwards, asked with docker ps, not through Medic.
            let containers = try lab.containers()
            #expect(Set(containers.keys) == Set(expected.containers.keys), "docker ps -a: \(containers)")
            for (role, states) in expected.containers {
                let statuses = containers[role] ?? []
                #expect(
                    !statuses.isEmpty && statuses.allSatisfy { status in states.contains { status.hasPrefix($0) } },
                    "\(role): \(statuses), expected \(states.sorted())")
            }
        } else if expected.outcome == "resolved" {
            let programs = try lab.programs()
            #expect(programs["app"]?.hasPrefix("RUNNING") == true, "\(programs)")
            for name in ["buildjobs:docker-build-sim", "buildjobs:pytest-sim", "extras:postgres-sim", "extras:redis-sim"] {
                #expect(programs[name]?.hasPrefix("STOPPED") == true, "\(name): \(programs[name] ?? "-")")
            }
        } else if expected.memory != nil {
            // At its own limit nothing is stopped: the neighbours run on, outside the app's cgroup.
            let programs = try lab.programs()
            for name in ["buildjobs:docker-build-sim", "buildjobs:pytest-sim", "extras:postgres-sim", "extras:redis-sim"] {
                #expect(programs[name]?.hasPrefix("RUNNING") == true, "\(name): \(programs[name] ?? "-")")
            }
        }
        if let memory = expected.memory { try checkMemoryEvidence(evidence, memory, lab: lab, context: context) }
    }

    /// The reasons, not only the ending: the kernel step named the app as the victim (one of the
    /// pids supervisord started it with, or a kill inside its container's cgroup), counted only
    /// its kills, and the memory step showed the limit that ran out and whose it is.
    func checkMemoryEvidence(_ evidence: SessionEvidence, _ memory: MemoryEvidence, lab: Lab, context: String) throws {
        #expect(evidence.path.contains("app-down/kernel-oom") && evidence.path.contains("app-down/memory-limit"), "\(context)")
        let kills = Int(evidence.captured("oom_kills") ?? "") ?? 0
        #expect(kills >= 1, "the kernel step counted no kill of the app")
        #expect(evidence.captured("victim") == "uvicorn")
        let victimPid = evidence.captured("victim_pid") ?? "-"
        let victimCgroup = evidence.captured("victim_memcg") ?? "-"
        let containerID = lab["RUNTIME"] == "supervisor" ? nil : try lab.appContainerID()
        let why = evidence.captured("victim_why") ?? "-"
        if let containerID {
            #expect(victimCgroup.contains(containerID), "the victim's cgroup \(victimCgroup) is not the app container's (\(containerID))")
            // By its cgroup; or by its pid when the kill was of the process docker still names
            // as the container's (Medic asked before the engine saw it die): both true.
            #expect(why == "its container cgroup" || why == "one of its pids", "identified by \(why)")
        } else {
            #expect(lab.spawnedAppPids().contains(victimPid), "pid \(victimPid) is not one supervisord started the app with")
            #expect(why == "one of its pids")
        }
        let kernelReason = evidence.because(at: "app-down/kernel-oom") ?? ""
        #expect(
            kernelReason.contains("the kernel killed the app \(kills) times") && kernelReason.contains("pid \(victimPid)")
                && kernelReason.contains("identified as the app by \(why)"), "\(kernelReason)")

        #expect(evidence.captured("memory_verdict") == memory.verdict, "\(evidence.output(of: "app-down/memory-limit") ?? "-")")
        // the limit the kernel logged with the kill, then the one in force now
        #expect(evidence.captured("limit_value") == "\(memory.limit) at the kill, \(memory.limit) now", "\(context)")
        let limitCgroup = evidence.captured("limit_cgroup") ?? "-"
        switch memory.cgroup {
        case .labCgroup: #expect(limitCgroup == lab.cgroupName, "the limit shown is \(limitCgroup)'s, not the lab cgroup \(lab.cgroupName)'s")
        case .appContainer: #expect(containerID.map { limitCgroup.contains($0) } == true, "the limit shown is \(limitCgroup)'s")
        }
        let memoryReason = evidence.because(at: "app-down/memory-limit") ?? ""
        #expect(memoryReason.contains("memory ran out in \(limitCgroup)") && memoryReason.contains(memory.limit), "\(memoryReason)")

        // Every kill counted as the app's names the app's cgroup or container, never another's.
        let output = evidence.output(of: "app-down/kernel-oom") ?? ""
        let appSection = output.components(separatedBy: "kills of other processes").first ?? ""
        let stray = lab["STRAY_CGROUP"].split(separator: "/").last.map { "/" + $0 } ?? "/medic-lab-stray-none"
        #expect(!appSection.contains(stray + ";"), "a stray kill was counted as the app's:\n\(output)")
        if memory.strayKills {
            #expect(Int(evidence.captured("other_kills") ?? "") ?? 0 >= 1, "no kill of another process was listed as ignored:\n\(output)")
            #expect(Int(evidence.captured("stale_kills") ?? "") ?? 0 >= 1, "no kill before the window was listed as ignored:\n\(output)")
            #expect(kernelReason.contains("in the window are not the app's") && kernelReason.contains("are outside it"), "\(kernelReason)")
            // The app's kills counted are all inside the 20 s window; the stray's are among the ignored.
            let ages = appSection.matches(of: /\n  (\d+) s ago: pid/).compactMap { Int($0.1) }
            #expect(!ages.isEmpty && ages.allSatisfy { $0 <= 20 }, "\(appSection)")
        }
    }

    // MARK: - Helpers

    /// Answers every confirmation with exactly what its prompt asks for ("Type yes to run it",
    /// or "Type the target's name, app, to run it"), and the hidden password prompt with
    /// `password`, until Medic exits; fails on any other prompt.
    static func confirmEveryAction(_ terminal: Terminal, timeout: Double, password: String? = nil) throws -> (status: Int32, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var answered = 0
        var typedPasswords = 0
        var screen = ""
        while Date() < deadline {
            screen = try terminal.screen()
            if let exit = screen.firstMatch(of: /\[exit (\d+)\]/), let status = Int32(exit.1) { return (status, screen) }
            if let password, screen.components(separatedBy: "login_password (input hidden): ").count - 1 > typedPasswords {
                try terminal.type(password)
                try terminal.send("Enter")
                typedPasswords += 1
                continue
            }
            if screen.components(separatedBy: "Run it? › ").count - 1 > answered {
                let asked = screen.matches(of: /Type the target's name, (.+?), to run it|Type (yes) to run it/).last
                let reply = try #require(asked.flatMap { $0.1 ?? $0.2 }.map(String.init), "no instruction before the prompt:\n\(screen)")
                try terminal.type(reply)
                try terminal.send("Enter")
                answered += 1
                continue
            }
            if screen.contains("medic › ") || screen.contains("Answer (1-") {
                throw TestFailure("Medic waits at a prompt this test does not expect:\n\(screen)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("medic run did not finish within \(Int(timeout)) s; the screen shows:\n\(screen)")
    }

    /// "RUNNING 123" from "RUNNING   pid 123, uptime 0:00:05"; nil for a program without a pid.
    static func stateAndPid(_ line: String?) -> String? {
        guard let line, let match = line.firstMatch(of: /^(\S+)\s+pid (\d+),/) else { return nil }
        return "\(match.1) \(match.2)"
    }
}

/// The same walks against the seed's incident and its neighbours on a real Docker engine
/// (Debian's docker.io, started by lab/up when none answers on the lab's socket), with the app
/// run by docker (`docker run`) and by Compose (v2 or v1, whichever is installed). Each
/// scenario is shown as skipped, with lab/up's reason, where the engine cannot start. It is a
/// suite inside LabTests, whose `.serialized` runs it one test at a time with the others, never beside them:
/// both use the same lab directory and ports.
extension LabTests {
    @Suite(
        "end-to-end: nginx-502.yaml against the incident lab on a Docker engine", .serialized,
        .enabled(if: Lab.enabled, "set MEDIC_LAB_TESTS=1 (make e2e) to run them: they start a Docker engine, nginx and containers on loopback"))
    struct EngineLabTests {
        /// At a terminal: the seed's incident and its neighbours, with docker and Compose v1.
        static let cases = LabExpectation.onEngine("docker") + LabExpectation.onEngine("compose").map { .with($0, compose: "v1") }
        /// With --yes: those, the engine's further incidents, and every compose case again with Compose v2.
        static let unattendedCases: [LabExpectation] = {
            let docker = LabExpectation.onEngine("docker") + LabExpectation.moreOnEngine("docker")
            let compose = LabExpectation.onEngine("compose") + LabExpectation.moreOnEngine("compose")
            return docker + compose.map { .with($0, compose: "v1") } + compose.map { .with($0, compose: "v2") }
        }()

        @Test("at a terminal, typing the confirmation at each action", .enabled(if: Terminal.available, "tmux is not installed"), arguments: cases)
        func atTerminal(_ expected: LabExpectation) throws {
            try LabTests().walkAtTerminal(expected)
        }

        @Test("with --yes, no terminal, the password from MEDIC_VAR_login_password", arguments: unattendedCases)
        func unattended(_ expected: LabExpectation) throws {
            try LabTests().walkUnattended(expected)
        }

        /// runtime=compose on a host where neither Compose exists: the docker CLI is there and the
        /// engine answers, but no `docker-compose` is on PATH and no plugin in DOCKER_CONFIG. The
        /// first compose step must say so plainly, the walk must end there, and nothing may change.
        @Test("compose with neither Compose installed: the plain message, and nothing else runs")
        func neitherCompose() throws {
            let lab = try Lab("stopped", runtime: "compose", settings: ["MEDIC_LAB_COMPOSE": "v1"])
            defer { lab.down() }
            let before = try lab.containers()
            // PATH: every program of the system's directories but docker-compose.
            let bin = try TestSupport.temporaryDirectory() + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            for directory in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name != "docker-compose" {
                    try? FileManager.default.createSymbolicLink(atPath: bin + "/" + name, withDestinationPath: directory + "/" + name)
                }
            }
            let environment = lab.medicEnvironment.merging(["PATH": bin]) { $1 }
            let probe = try Spawn.run(
                ["/bin/sh", "-c", "docker compose version; command -v docker-compose; docker version --format '{{.Server.Version}}'"],
                environment: environment, timeout: 30)
            #expect(
                !probe.output.contains("Compose version") && !probe.output.contains("/docker-compose"),
                "a Compose is still reachable:\n\(probe.output)")
            #expect(probe.status == 0, "the engine must answer the docker CLI: \(probe.output)")

            let dir = try TestSupport.temporaryDirectory()
            let arguments = [CommandLineTests.binary, "run", LabTests.runbook] + lab.inputs.flatMap { ["--var", "\($0.name)=\($0.value)"] }
            let run = try Spawn.run(
                arguments + ["--yes", "--transcript", dir + "/session"],
                environment: ["NO_COLOR": "1", "XDG_STATE_HOME": dir, "MEDIC_VAR_login_password": lab.password].merging(environment) { $1 },
                timeout: 300)
            let evidence = try SessionEvidence(directory: dir + "/session")
            let context = "path: \(evidence.path.joined(separator: " → "))\n\(run.output)"
            let message = "medic: neither 'docker compose' (Compose v2) nor 'docker-compose' (v1) is installed here"
            #expect(evidence.output(of: "app-down/compose-ps")?.contains(message) == true, "\(context)")
            #expect(evidence.results.last { $0.stepID == "app-down/compose-ps" }?.exitStatus == 127, "\(context)")
            #expect(run.output.contains(message), "the message is on the screen:\n\(run.output)")
            // The walk ends at the first compose step: no other step of the compose section, no action.
            let afterCompose = evidence.path.drop { $0 != "app-down/compose-ps" }.dropFirst()
            #expect(Array(afterCompose) == ["app-down/runtime-unreachable", "app-down-escalate"], "\(context)")
            #expect(evidence.actionRuns.isEmpty && evidence.confirmations.isEmpty, "\(context)")
            #expect(evidence.end?.outcome == "escalate" && evidence.end?.stepID == "app-down-escalate", "\(String(describing: evidence.end))")
            #expect(run.status == 3, "\(context)")
            // The engine: the containers as they were (the app stopped, the neighbours up).
            #expect(try Self.states(lab.containers()) == Self.states(before))
        }

        /// `docker ps -a`'s statuses without their ages: role → ["Up", "Exited (0)", ...].
        static func states(_ containers: [String: [String]]) -> [String: [String]] {
            containers.mapValues { statuses in
                statuses.map { status in
                    status.firstMatch(of: /^(Up|Exited \(\d+\)|Restarting \(\d+\)|Created|Paused|Dead)/).map { String($0.1) } ?? status
                }.sorted()
            }
        }

        /// The claim "every command the docker and compose branches run has run against the real
        /// engine", checked: the journals of this suite's walks (declared above, run before this
        /// test in this serialized suite) against every docker and compose step of nginx-502.yaml
        /// and the runbooks it calls (EngineCoverage.required), less the reasoned exclusions.
        @Test("every docker and compose step of the runbooks ran against the real engine in the walks above")
        func everyEngineStepRan() throws {
            let (walks, skips) = EngineRuns.shared.recorded
            if walks.isEmpty, let reason = skips.first { try Test.cancel("\(reason)") }
            try #require(!walks.isEmpty, "no engine walk ran in this process: run the whole EngineLabTests suite (this test reads its journals)")
            let required = try EngineCoverage.required(runbook: LabTests.runbook)
            #expect(required.count >= 20, "the list of docker and compose steps looks wrong: \(required)")
            let missing = EngineCoverage.missing(required, walks: walks)
            #expect(
                missing.isEmpty, "never run against the real engine in this suite:\n\(missing.joined(separator: "\n"))\nwalks: \(walks.map(\.label))")
            // An exclusion must name a step that exists and still cannot run.
            for key in EngineCoverage.exclusions.keys {
                #expect(required.contains { "\($0.step) \($0.runtime)" == key }, "exclusion \(key) names no docker or compose step")
            }
        }
    }
}
