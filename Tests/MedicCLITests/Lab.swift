import Foundation
import MedicTestSupport
import Testing

/// One scenario of the incident lab (`lab/up`, `lab/down`), for the end-to-end tests.
///
/// The tests' lab has a run directory and ports of its own (`$TMPDIR/medic-lab-e2e`, nginx
/// 28080, app 28000, wrong port 28001), so it never meets a lab someone started by hand on the
/// defaults (18080, 18000, 18001) nor the ephemeral ports other suites listen on.
struct Lab {
    /// Whether the end-to-end tests were asked for (`MEDIC_LAB_TESTS=1`, which `make e2e` sets).
    static var enabled: Bool { ProcessInfo.processInfo.environment["MEDIC_LAB_TESTS"] == "1" }

    /// The run directory and ports; `MEDIC_LAB_E2E_DIR` and `MEDIC_LAB_E2E_NGINX_PORT`,
    /// `_APP_PORT`, `_WRONG_PORT`, `_APP2_PORT`, `_SSH_PORT` (the pool scenarios' sshd, 28022) move
    /// them (so that a second run on the same machine cannot collide).
    static let runDirectory = setting("DIR", NSTemporaryDirectory() + "medic-lab-e2e")

    /// What lab/up, lab/down and the lab's programs are started with.
    static let environment = [
        "MEDIC_LAB_DIR": runDirectory, "MEDIC_LAB_NGINX_PORT": setting("NGINX_PORT", "28080"),
        "MEDIC_LAB_APP_PORT": setting("APP_PORT", "28000"), "MEDIC_LAB_WRONG_PORT": setting("WRONG_PORT", "28001"),
        "MEDIC_LAB_SSH_PORT": setting("SSH_PORT", "28022"),
        "MEDIC_LAB_APP2_PORT": setting("APP2_PORT", "28002"),
    ]

    private static func setting(_ name: String, _ fallback: String) -> String {
        let value = ProcessInfo.processInfo.environment["MEDIC_LAB_E2E_" + name] ?? ""
        return value.isEmpty ? fallback : value
    }

    /// Why the `oom` scenario cannot run here, or nil when it can: it needs root, a memory cgroup
    /// it may create and a readable kernel log (the same checks as `lab/up oom`, which exits 77
    /// without them).
    static let oomUnsupportedReason: String? = {
        guard geteuid() == 0 else { return "skipped: the oom scenario needs root" }
        let manager = FileManager.default
        let v2 = "/sys/fs/cgroup/cgroup.controllers"
        if let controllers = try? String(contentsOfFile: v2, encoding: .utf8) {
            guard controllers.split(separator: " ").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "memory" }) else {
                return "skipped: the oom scenario needs the memory controller in /sys/fs/cgroup (cgroup v2)"
            }
        } else if !manager.isWritableFile(atPath: "/sys/fs/cgroup/memory/memory.limit_in_bytes")
            && !manager.isWritableFile(atPath: "/sys/fs/cgroup/memory")
        {
            return "skipped: the oom scenario needs a writable memory cgroup (v1 /sys/fs/cgroup/memory or v2 with the memory controller)"
        }
        guard (try? Spawn.run(["dmesg"], timeout: 30).status) == 0 else { return "skipped: the oom scenario needs a readable kernel log (dmesg)" }
        return nil
    }()

    let scenario: String
    /// lab.env: SITE_URL, LOGIN_PASSWORD, SUPERVISOR_CONF and the rest.
    let values: [String: String]

    /// Starts `scenario` and waits until its symptom shows. When lab/up says the machine lacks
    /// what the scenario needs (status 77), the test is cancelled with lab/up's reason: it shows
    /// as skipped, never as passed.
    /// `runtime` is what runs the app: supervisor, or docker or compose on a Docker engine that
    /// lab/up starts when none answers on the lab's socket. `upstream` is how nginx reaches the
    /// app: tcp, unix (a socket) or pool (an upstream block of two apps); see lab/README.md.
    /// `settings` adds lab/up knobs (`MEDIC_LAB_STRAY_OOM=1`).
    init(_ scenario: String, runtime: String = "supervisor", upstream: String = "tcp", settings: [String: String] = [:]) throws {
        let up = try Spawn.run(
            [TestSupport.repositoryRoot + "/lab/up", scenario],
            environment: Self.environment.merging(["MEDIC_LAB_RUNTIME": runtime, "MEDIC_LAB_UPSTREAM": upstream]) { $1 }.merging(settings) { $1 },
            timeout: 300)
        if up.status == 77 {
            let reason = up.output.split(separator: "\n").first { $0.contains("skipped") }.map(String.init) ?? up.output
            if runtime != "supervisor" { EngineRuns.shared.recordSkip(reason) }
            try Test.cancel("\(reason)")
        }
        guard up.status == 0 else { throw TestFailure("lab/up \(scenario) exited \(up.status):\n\(up.output)") }
        self.scenario = scenario
        values = try TestSupport.readEnvironmentFile(Self.runDirectory + "/lab.env")
    }

    /// Stops everything lab/up started (lab/down signals only pids it recorded or marked).
    func down() {
        _ = try? Spawn.run([TestSupport.repositoryRoot + "/lab/down"], environment: Self.environment, timeout: 120)
    }

    subscript(key: String) -> String { values[key] ?? "" }

    var password: String { self["LOGIN_PASSWORD"] }

    /// The lab's values under the names of nginx-502.yaml's inputs, every input except the
    /// password (a secret: typed at the prompt or given as MEDIC_VAR_login_password), and
    /// those whose default fits (error_window, compose_file, kube_*).
    var inputs: [(name: String, value: String)] {
        [
            ("site_url", self["SITE_URL"]), ("origin_url", self["SITE_URL"]), ("nginx_error_log", self["NGINX_ERROR_LOG"]),
            ("nginx_conf", self["NGINX_CONF"]), ("runtime", self["RUNTIME"]), ("app_service", self["APP_SERVICE"]),
            ("app_health_url", self["APP_HEALTH_URL"]), ("login_url", self["LOGIN_URL"]), ("login_user", self["LOGIN_USER"]),
            ("lockout_url", self["LOCKOUT_URL"]), ("build_jobs", self["BUILD_JOBS"]), ("extra_services", self["EXTRA_SERVICES"]),
            ("supervisor_conf", self["SUPERVISOR_CONF"]),
        ] + (self["COMPOSE_FILE"].isEmpty ? [] : [("compose_file", self["COMPOSE_FILE"])])
            + (self["APP_UNIX_SOCKET"].isEmpty ? [] : [("app_socket", self["APP_UNIX_SOCKET"])])
    }

    /// All that a zero-config run is given: the failing site's URL and the login user (the
    /// password comes from the environment); Medic discovers the rest on the host.
    var siteOnly: [(name: String, value: String)] { [("site_url", self["SITE_URL"]), ("login_user", self["LOGIN_USER"])] }

    /// What Medic runs with besides its own settings: the lab's engine, for docker and compose,
    /// and its DOCKER_CONFIG (whose cli-plugins holds Compose v2 only when the lab runs v2).
    var medicEnvironment: [String: String] {
        self["DOCKER_HOST"].isEmpty ? [:] : ["DOCKER_HOST": self["DOCKER_HOST"], "DOCKER_CONFIG": self["DOCKER_CONFIG"]]
    }

    /// `docker ps -a` of the lab's containers (docker and compose), as role → the status of each
    /// container with that role (`app` → ["Up 5 seconds"], `buildjobs` → ["Exited (0) ...", ...]),
    /// asked of the engine independently of Medic.
    func containers() throws -> [String: [String]] {
        let ps = try Spawn.run(
            ["docker", "ps", "-a", "--filter", "label=medic.lab.run=" + self["LAB_DIR"], "--format", #"{{.Label "medic.lab.role"}} {{.Status}}"#],
            environment: medicEnvironment, timeout: 30)
        guard ps.status == 0 else { throw TestFailure("docker ps failed: \(ps.output)") }
        var containers: [String: [String]] = [:]
        for line in ps.output.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2 { containers[String(fields[0]), default: []].append(String(fields[1])) }
        }
        return containers
    }

    /// The full id of the app's container (docker and compose), asked of the engine.
    func appContainerID() throws -> String {
        let ps = try Spawn.run(
            ["docker", "ps", "-aq", "--no-trunc", "--filter", "label=medic.lab.run=" + self["LAB_DIR"], "--filter", "label=medic.lab.role=app"],
            environment: medicEnvironment, timeout: 30)
        let id = ps.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard ps.status == 0, id.count == 64 else { throw TestFailure("no app container: \(ps.output)") }
        return id
    }

    /// Every pid supervisord started the app with, from its own log (`spawned: 'app' with pid N`).
    func spawnedAppPids() -> Set<String> {
        let log = (try? String(contentsOfFile: self["SUPERVISOR_LOG"], encoding: .utf8)) ?? ""
        return Set(log.matches(of: /spawned: 'app' with pid (\d+)/).map { String($0.1) })
    }

    /// The memory cgroup lab/up made, as the kernel names it (`/medic-lab-HASH`, relative to the hierarchy).
    var cgroupName: String { "/" + (self["CGROUP"].split(separator: "/").last.map(String.init) ?? "") }

    /// `supervisorctl status` of every program, as name → the rest of its line
    /// (`RUNNING   pid 123, uptime 0:00:05`).
    func programs() throws -> [String: String] {
        let status = try Spawn.run(["/usr/bin/supervisorctl", "-c", self["SUPERVISOR_CONF"], "status"], timeout: 30)
        var programs: [String: String] = [:]
        for line in status.output.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2 { programs[String(fields[0])] = fields[1].trimmingCharacters(in: .whitespaces) }
        }
        return programs
    }

    /// How many processes the kernel's OOM killer has killed in the `oom` scenario's memory
    /// cgroup since lab/up made it (`oom_kill` in memory.oom_control, or memory.events on v2).
    func oomKills() -> Int? {
        let file = self["CGROUP"] + (self["CGROUP_VERSION"] == "1" ? "/memory.oom_control" : "/memory.events")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("oom_kill ") }.flatMap { Int($0.dropFirst("oom_kill ".count)) }
    }

    /// The status code `url` answers with (0 when nothing answered), asked with curl. A body, if
    /// any, goes through a file so that the password never sits on a command line.
    func status(of url: String, json body: String? = nil) throws -> Int {
        var arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--noproxy", "*"]
        var bodyFile: String?
        if let body {
            let path = try TestSupport.temporaryDirectory() + "/body.json"
            try body.write(toFile: path, atomically: false, encoding: .utf8)
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + path]
            bodyFile = path
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(atPath: bodyFile) } }
        let run = try Spawn.run(arguments + [url], timeout: 30)
        return Int(run.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Asks the site through nginx every 0.25 s, at most `attempts` times, until it answers 200;
    /// whether it did.
    func waitUntilSiteAnswers(attempts: Int) throws -> Bool {
        for attempt in 0..<attempts {
            if try status(of: self["SITE_URL"]) == 200 { return true }
            if attempt < attempts - 1 { Thread.sleep(forTimeInterval: 0.25) }
        }
        return false
    }

    /// A login through nginx as the lab's user; the status code.
    func login(password: String) throws -> Int {
        try status(of: self["LOGIN_URL"], json: #"{"username": "\#(self["LOGIN_USER"])", "password": "\#(password)"}"#)
    }
}
