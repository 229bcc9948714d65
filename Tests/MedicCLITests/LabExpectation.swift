import Testing

/// What `medic run runbooks/nginx-502.yaml` must conclude in one scenario of the lab.
struct LabExpectation: Sendable, CustomTestStringConvertible {
    let scenario: String
    let outcome: String
    let cause: String
    /// The root conclusions that may end the walk (`slow` ends in either timeout conclusion,
    /// depending on the host's load).
    let conclusions: Set<String>
    /// The actions that must run, in order (qualified step ids).
    var actions: [String] = []
    /// The login checks the path must include, by step id within verify-site.yaml, with the
    /// HTTP status each must have seen; no other login check may run.
    var logins: [String: Int] = [:]
    /// What runs the app: supervisor, or docker or compose on a real Docker engine.
    var runtime = "supervisor"
    /// Reasons the walk must give: per step id (qualified), a regex the `because` of the branch
    /// taken from it must match (the latency beside nginx's timeout, the older story of a mixed
    /// window, the cut requests).
    var reasons: [String: String] = [:]
    /// Checks that must have asked through the app's unix socket: per step id, the start of
    /// what ran (`GET http://… via unix:`), found in the journal's run records.
    var throughSocket: [String] = []
    /// docker and compose: what `docker ps -a` must show afterwards, as the lab's container role
    /// (app, buildjobs, extras) → the starts of status one of which every such container's status
    /// begins with ("Up", "Exited"; a restart loop shows "Restarting" and "Up" in turn).
    var containers: [String: Set<String>] = [:]
    /// Where the app was OOM-killed: what the kernel and memory-limit steps must show (the
    /// named victim is the app, the limit shown is the one that ran out); nil elsewhere.
    var memory: MemoryEvidence?
    /// Extra inputs (`error_window`), beyond the lab's.
    var variables: [String: String] = [:]
    /// lab/up knobs (`MEDIC_LAB_STRAY_OOM`).
    var settings: [String: String] = [:]
    /// A name for the test list when one scenario runs in two ways.
    var label: String?
    /// How nginx reaches the app: tcp, unix (a socket) or pool (two servers); see lab/README.md.
    var upstream = "tcp"
    /// Actions that must have run and failed: per step id, a regex their output must match
    /// (the engine's own error). The walk must then reach no verification.
    var failedActions: [String: String] = [:]

    var testDescription: String {
        let name = label.map { "\(scenario) (\($0))" } ?? scenario
        let compose = settings["MEDIC_LAB_COMPOSE"].map { "(Compose \($0))" }
        return [runtime == "supervisor" ? nil : runtime, compose, upstream == "tcp" ? nil : "\(upstream) upstream", name].compactMap { $0 }
            .joined(separator: " ")
    }

    /// `medic run`'s exit status for the outcome.
    var exitStatus: Int32 {
        switch outcome {
        case "resolved": 0
        case "escalate": 3
        case "no-fault": 5
        default: 4
        }
    }

    static let healthy = LabExpectation(
        scenario: "healthy", outcome: "no-fault", cause: "none", conclusions: ["no-fault-now"],
        logins: ["login-right": 200, "login-wrong": 401])
    static let oom = LabExpectation(
        scenario: "oom", outcome: "resolved", cause: "oom-killed", conclusions: ["fixed-oom"],
        actions: ["app-down/stop-build", "app-down/stop-extras", "app-down/restart"],
        logins: ["login-right": 200, "login-wrong": 401], memory: .sharedLabCgroup)
    /// `oom` beside a stray process killed for memory every 5 s in its own cgroup, walked with a
    /// 20 s window once the lab has run for longer: the stray's kills in the window and the older
    /// kills (the app's first, the stray's first) must be listed as ignored, never counted.
    static let oomBesideStrayKills: LabExpectation = {
        var expected = oom
        expected.memory = MemoryEvidence(verdict: "shared-limit", limit: "256 MiB", cgroup: .labCgroup, strayKills: true)
        expected.variables = ["error_window": "20s"]
        expected.settings = ["MEDIC_LAB_STRAY_OOM": "1"]
        expected.label = "beside a stray process's kills, a 20 s window"
        return expected
    }()
    /// The app alone in its own 128 MiB cgroup (the neighbours run outside it): nothing is
    /// stopped or restarted.
    static let oomOwnLimit = LabExpectation(
        scenario: "oom-own-limit", outcome: "escalate", cause: "oom-killed", conclusions: ["oom-own-limit"],
        memory: MemoryEvidence(verdict: "own-limit", limit: "128 MiB", cgroup: .labCgroup))
    /// The app raises while uvicorn imports it, before any start line: crash-when must tell a
    /// crash on start-up from that traceback itself.
    static let importFailureReason =
        #"^the last crash report in the app's log is a failure to import the app \(its traceback runs through the importer of uvicorn, import_from_string\)"#
    static let crashed = LabExpectation(
        scenario: "crashed", outcome: "escalate", cause: "upstream-crashed", conclusions: ["crash-escalate"],
        reasons: ["app-down/crash-when": importFailureReason])
    static let wrongPort = LabExpectation(
        scenario: "wrong-port", outcome: "escalate", cause: "wrong-upstream-address", conclusions: ["wrong-address"])
    static let socketMissing = LabExpectation(
        scenario: "socket-missing", outcome: "escalate", cause: "socket-missing", conclusions: ["socket-missing-running"])
    static let headerTooBig = LabExpectation(
        scenario: "header-too-big", outcome: "escalate", cause: "header-too-big", conclusions: ["header-too-big"])
    /// The latency the direct probe measured, shown beside nginx's proxy_read_timeout of 2s
    /// (the lab's app answers every request, /health too, after 4 s).
    static let latencyReason =
        #"^a direct probe of the app's health endpoint \(tcp\) took [4-9]\.\d+ s, and nginx waits at most 2s \(proxy_read_timeout, location /\)"#
    static let slow = LabExpectation(
        scenario: "slow", outcome: "escalate", cause: "upstream-timeout", conclusions: ["slow-upstream", "host-starved"],
        reasons: ["upstream-latency": latencyReason])
    /// Refusals while the app was stopped, then read timeouts: the newest lines decide.
    static let restartedThenSlow = LabExpectation(
        scenario: "restarted-then-slow", outcome: "escalate", cause: "upstream-timeout", conclusions: ["slow-upstream", "host-starved"],
        reasons: [
            "error-log":
                #"^the newest upstream lines are read timeouts \([1-9]\d* since \S+, the last at \S+\): the app is up now but too slow\. The [1-9]\d* refused connections before them \(the last at \S+\) are an earlier story"#,
            "upstream-latency": latencyReason,
        ])
    static let cuts = LabExpectation(
        scenario: "cuts", outcome: "escalate", cause: "upstream-cuts-requests", conclusions: ["server-cuts-requests"],
        reasons: [
            "error-log": #"^the app hung up in the middle of [1-9]\d* requests since "#,
            "app": #"^the app runs with nothing its own runbook would fix, yet it hung up in the middle of [1-9]\d* requests"#,
        ])
    /// A healthy app on a unix socket: the direct checks go through it, so verification passes.
    static let unixSocket = LabExpectation(
        scenario: "unix-socket", outcome: "no-fault", cause: "none", conclusions: ["no-fault-now"],
        logins: ["login-right": 200, "login-wrong": 401], reasons: ["verify-site/health": "^the app's health endpoint answers 2xx$"],
        throughSocket: ["verify-site/health", "verify-site/lockout-read"])
    /// `healthy` with nginx proxying to the app's unix socket (`MEDIC_LAB_UPSTREAM=unix`): as
    /// `unixSocket`, the direct checks go through the socket.
    static let healthyOnSocket = LabExpectation(
        scenario: "healthy", outcome: "no-fault", cause: "none", conclusions: ["no-fault-now"], logins: ["login-right": 200, "login-wrong": 401],
        reasons: ["verify-site/health": "^the app's health endpoint answers 2xx$"],
        throughSocket: ["verify-site/health", "verify-site/lockout-read"],
        upstream: "unix")
    static let authBroken = LabExpectation(
        scenario: "auth-broken", outcome: "escalate", cause: "auth-broken", conclusions: ["auth-broken"], logins: ["login-right": 401])

    /// Every scenario but `oom`, which needs root and a memory cgroup and has tests of its own.
    static let withoutOOM = [healthy, crashed, wrongPort, socketMissing, headerTooBig, slow, authBroken, restartedThenSlow, cuts, unixSocket]

    /// The lab's other shapes of upstream: the app alone on a unix socket, and an upstream
    /// block of two apps (`MEDIC_LAB_UPSTREAM`). (`healthy` on a unix socket is
    /// `healthyOnSocket`, with a test of its own in DiscoveryLabTests.)
    static let otherUpstreams: [LabExpectation] = [
        with(crashed, upstream: "unix"), with(healthy, upstream: "pool"), with(headerTooBig, upstream: "pool"), with(crashed, upstream: "pool"),
    ]

    static func with(_ expectation: LabExpectation, upstream: String) -> LabExpectation {
        var changed = expectation
        changed.upstream = upstream
        return changed
    }
}

/// What the kernel-oom and memory-limit steps of a walk must show.
struct MemoryEvidence: Sendable {
    /// Which cgroup the limit that ran out must be.
    enum Cgroup: Sendable {
        /// The cgroup lab/up made (`/medic-lab-HASH`, or `/medic-lab-HASH-app` for the program alone).
        case labCgroup
        /// The app container's own cgroup (its path names the container's id).
        case appContainer
    }
    /// memory-limit's verdict: own-limit or shared-limit.
    let verdict: String
    /// The limit shown for the cgroup that ran out ("128 MiB").
    let limit: String
    let cgroup: Cgroup
    /// Whether a stray process's kills must be among the ignored ones.
    var strayKills = false

    static let sharedLabCgroup = MemoryEvidence(verdict: "shared-limit", limit: "256 MiB", cgroup: .labCgroup)
}

extension LabExpectation {
    /// The seed's incident and its neighbours on a real Docker engine, for one runtime (docker
    /// or compose): what nginx-502.yaml must conclude, and the containers afterwards.
    static func onEngine(_ runtime: String) -> [LabExpectation] {
        // One recovery flow serves every runtime (app-down's variants), so the actions' ids are the same.
        let prefix = "app-down/"
        let untouched: [String: Set<String>] = ["app": ["Up"], "buildjobs": ["Up"], "extras": ["Up"]]
        let stopped: [String: Set<String>] = ["app": ["Up"], "buildjobs": ["Exited"], "extras": ["Exited"]]
        return [
            LabExpectation(
                scenario: "oom", outcome: "resolved", cause: "oom-killed", conclusions: ["fixed-oom"],
                actions: [prefix + "stop-build", prefix + "stop-extras", prefix + "restart"], logins: ["login-right": 200, "login-wrong": 401],
                runtime: runtime, containers: stopped, memory: .sharedLabCgroup),
            LabExpectation(
                scenario: "oom-own-limit", outcome: "escalate", cause: "oom-killed", conclusions: ["oom-own-limit"], runtime: runtime,
                containers: ["app": ["Up", "Restarting"]], memory: MemoryEvidence(verdict: "own-limit", limit: "128 MiB", cgroup: .appContainer)),
            LabExpectation(
                scenario: "crashed", outcome: "escalate", cause: "upstream-crashed", conclusions: ["crash-escalate"], runtime: runtime,
                reasons: ["app-down/crash-when": importFailureReason], containers: untouched.merging(["app": ["Restarting", "Up"]]) { $1 }),
            LabExpectation(
                scenario: "stopped", outcome: "resolved", cause: "upstream-not-listening", conclusions: ["fixed-restart"],
                actions: [prefix + "restart"], logins: ["login-right": 200, "login-wrong": 401], runtime: runtime, containers: untouched),
            LabExpectation(
                scenario: "recovered", outcome: "no-fault", cause: "none", conclusions: ["no-fault-now"],
                logins: ["login-right": 200, "login-wrong": 401], runtime: runtime,
                containers: stopped),
        ]
    }

    /// The engine's incidents beyond the seed's: the `slow` app (app-log-pool reads the
    /// container's log), a restart the engine refuses (its start script is gone: the failure
    /// must be reported, nothing verified), and, under compose, an app whose container runs
    /// while its health check is still `starting` (compose-depends reads `compose config`).
    static func moreOnEngine(_ runtime: String) -> [LabExpectation] {
        let untouched: [String: Set<String>] = ["app": ["Up"], "buildjobs": ["Up"], "extras": ["Up"]]
        var slowOnEngine = slow
        slowOnEngine.runtime = runtime
        slowOnEngine.containers = untouched
        var cases = [
            slowOnEngine,
            LabExpectation(
                scenario: "restart-fails", outcome: "escalate", cause: "upstream-not-listening", conclusions: ["app-down-escalate"],
                actions: ["app-down/restart"], runtime: runtime,
                reasons: [
                    "app-down/restart": "^the \(runtime) restart command failed$", "app": "^the app is not running and could not be brought back$",
                ],
                containers: untouched.merging(["app": ["Exited", "Created"]]) { $1 },
                failedActions: ["app-down/restart": #"Cannot restart container .*no such file or directory"#]),
        ]
        if runtime == "compose" {
            cases.append(
                LabExpectation(
                    scenario: "not-ready", outcome: "escalate", cause: "not-ready", conclusions: ["not-ready-escalate"], runtime: runtime,
                    reasons: [
                        "app-down/compose-logs": "^the app container runs but its health check is starting, so it is not ready for traffic$",
                        "app-down/compose-depends": "health check is starting: it is not ready yet",
                    ], containers: untouched))
        }
        return cases
    }

    /// The same expectation with the lab's Compose `version` (MEDIC_LAB_COMPOSE: v1 or v2).
    static func with(_ expectation: LabExpectation, compose version: String) -> LabExpectation {
        var changed = expectation
        changed.settings["MEDIC_LAB_COMPOSE"] = version
        return changed
    }
}
