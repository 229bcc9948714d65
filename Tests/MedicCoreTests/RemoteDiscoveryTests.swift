import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Discoveries that run on another host over ssh (`where: {host: "${nginx_host}"}`), driven
/// through the core's `StepRunner` with a fake runner: the host input comes first, the check goes
/// to the remote runner, an unreachable host falls back and says why, and the origin names the
/// host. Then the located errors of a discovery's `where`.
@Suite("Discovering inputs on another host")
struct RemoteDiscoveryTests {
    static let yaml = """
        medic: 1
        id: pool
        title: Pool
        inputs:
          health_path:
            type: string
            default: /health
            discover:
              why: the first health path a member answers
              where: {host: "${nginx_host}"}
              script: 'echo "$UPSTREAM"'
              capture: '(?m)^health (?<value>/\\S*)$'
          upstream:
            type: string
            default: app_pool
            discover:
              why: the upstream the site proxies to
              where: {host: "${nginx_host}"}
              command: [nginx, -T]
              capture: '(?m)^upstream (?<value>\\S+)$'
          nginx_host:
            type: string
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none, summary: "${upstream}"}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func find(
        _ results: [String: [StepResult]], given: [String: (value: String, origin: InputOrigin)] = ["nginx_host": ("web1", .option)],
        yaml: String = yaml
    ) throws -> (findings: [String: InputFinding], runner: FakeRunner) {
        TestSupport.findInputs(of: try TestSupport.runbook(yaml), results: results, given: given)
    }

    static let found: [String: [StepResult]] = [
        "discover:upstream": [StepResult(exitStatus: 0, output: "upstream blue_pool\n")],
        "discover:health_path": [StepResult(exitStatus: 0, output: "health /healthz\n")],
    ]

    @Test("the check runs on the host the input names, over ssh, after the inputs it reads, and the origin names the host")
    func runsOnTheHost() throws {
        let (findings, runner) = try Self.find(Self.found)
        #expect(runner.ranIDs == ["discover:upstream", "discover:health_path"], "health_path reads $UPSTREAM, so it comes second")
        for invocation in runner.ran {
            #expect(invocation.remote == RemoteTarget(hosts: ["web1"], setName: nil, forks: 1), "\(invocation.stepID)")
            #expect(invocation.placementText == "host web1")
            #expect(invocation.kind == .check)
        }
        #expect(runner.ran[1].environment["UPSTREAM"] == "blue_pool", "the value found first is handed to the next")
        #expect(findings["upstream"]?.value == "blue_pool")
        #expect(findings["upstream"]?.origin == .discovered("the upstream the site proxies to", host: "web1"))
        #expect(findings["upstream"]?.origin.describe(name: "upstream") == "discovered on web1: the upstream the site proxies to")
        #expect(findings["upstream"]?.flags == ["the default app_pool differs from what was found; using what was found"])
        #expect(findings["health_path"]?.value == "/healthz")
    }

    @Test("an unreachable host is no value: the input falls back to its default, and the screen says ssh could not reach it")
    func unreachableFallsBack() throws {
        let unreachable = StepResult(
            exitStatus: 255, failureReason: "ssh: connect to host web1 port 22: Connection refused", unreachable: true)
        let (findings, _) = try Self.find(["discover:upstream": [unreachable], "discover:health_path": [unreachable]])
        #expect(findings["upstream"]?.value == "app_pool" && findings["upstream"]?.origin == .defaultValue)
        #expect(
            findings["upstream"]?.notes == ["found nothing: ssh could not reach web1: ssh: connect to host web1 port 22: Connection refused"],
            "\(findings["upstream"]?.notes ?? [])")
        #expect(findings["health_path"]?.value == "/health" && findings["health_path"]?.origin == .defaultValue)
    }

    @Test("with no host, or a host that is not a host name, nothing runs and the note says why")
    func noUsableHost() throws {
        let (missing, runner) = try Self.find(Self.found, given: [:])
        #expect(runner.ran.isEmpty)
        #expect(missing["upstream"]?.notes == ["not discovered: it needs nginx_host, which has no value"])
        let (hostile, second) = try Self.find(Self.found, given: ["nginx_host": ("-oProxyCommand=touch /tmp/x", .option)])
        #expect(second.ran.isEmpty, "a value that ssh would read as an option never reaches ssh")
        #expect(
            hostile["upstream"]?.notes.first?.hasPrefix("not discovered: the host to run on is not usable") == true,
            "\(hostile["upstream"]?.notes ?? [])")
        #expect(hostile["upstream"]?.value == "app_pool")
    }

    /// `yaml` with `nginx_host` found by a local discovery (read from a file).
    static let discoveredHostYAML = yaml.replacingOccurrences(
        of: "  nginx_host:\n    type: string\n",
        with: "  nginx_host:\n    type: string\n    discover: {command: [cat, /etc/web-host], capture: '(?<value>\\S+)'}\n")

    @Test("a host that discovery found is never connected to, even when a caller skips validation; a given one is")
    func discoveredHostNeverConnected() throws {
        let runbook = try TestSupport.parsed(Self.discoveredHostYAML, path: "pool.yaml")
        var results = Self.found
        results["discover:nginx_host"] = [StepResult(exitStatus: 0, output: "web7\n")]
        let (findings, runner) = TestSupport.findInputs(of: runbook, results: results)
        #expect(runner.ranIDs == ["discover:nginx_host"], "nothing runs on web7")
        #expect(runner.ran.allSatisfy { $0.remote == nil })
        let upstream = try #require(findings["upstream"])
        #expect(upstream.value == "app_pool" && upstream.origin == .defaultValue)
        #expect(
            upstream.notes == [
                "not discovered: its host, nginx_host, was itself discovered, and a discovery never connects to a host a command named"
            ],
            "\(upstream.notes)")

        let given = TestSupport.findInputs(of: runbook, results: results, given: ["nginx_host": ("web1", .option)]).runner
        #expect(given.ranIDs == ["discover:nginx_host", "discover:upstream", "discover:health_path"])
        #expect(given.ran.dropFirst().allSatisfy { $0.remote?.hosts == ["web1"] }, "a host the operator gave is used")
    }

    // MARK: - Validation

    static func errors(_ inputs: String) -> [String] {
        DiscoveryTests.diagnostics(DiscoveryTests.runbook(inputs: inputs))
    }

    @Test("a discovery's host must be an input that holds one host and has a value when discovery runs; each error located")
    func hostErrors() {
        let errors = Self.errors(
            """
              web: {type: string}
              pw: {type: secret}
              many: {type: hosts}
              maybe: {type: string, required: false}
              a:
                type: string
                discover: {where: {host: "${wbe}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              b:
                type: string
                discover: {where: {host: "${b}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              c:
                type: string
                discover: {where: {host: "${pw}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              d:
                type: string
                discover: {where: {host: "${many}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              e:
                type: string
                discover: {where: {host: "${maybe}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              f:
                type: string
                discover: {where: {hosts: pool}, command: [nginx, -T], capture: '(?<value>.+)'}
              g:
                type: string
                discover: {where: {host: "${web}"}, command: [nginx, -T], capture: '(?<value>.+)'}
              found:
                type: string
                default: web1
                discover: {command: [cat, /etc/web-host], capture: '(?<value>\\S+)'}
              h:
                type: string
                discover: {where: {host: "${found}"}, command: [nginx, -T], capture: '(?<value>.+)'}
            """)
        let expected = [
            "d.yaml:11:30: error: the discovery of 'a' runs on '${wbe}', which is not an input; discovery runs before any step captures",
            "d.yaml:14:30: error: the discovery of 'b' runs on '${b}', the value it is finding",
            "d.yaml:17:30: error: the discovery of 'c' runs on the secret 'pw'; a secret is never handed to discovery",
            "d.yaml:20:30: error: the discovery of 'd' runs on '${many}', a hosts input, which is not one host name",
            "d.yaml:23:30: error: the discovery of 'e' runs on '${maybe}', which may have no value when discovery runs",
            "d.yaml:26:23: error: the discovery of 'f' runs on one host: 'where' takes 'local' or {host: HOST}, not a host set",
            """
            d.yaml:36:30: error: the discovery of 'h' runs on '${found}', which is itself discovered: Medic would connect over ssh to a host \
            named by a command's output before the operator has seen it
            d.yaml:36:30: note: drop the 'discover' of 'found': give it by hand (--var found=HOST, a --var-file, MEDIC_VAR_found; asked \
            before discovery when required), or give it a default
            """,
        ]
        for text in expected { #expect(errors.contains { $0.hasPrefix(text) }, "missing: \(text) in \(errors)") }
        #expect(errors.contains { $0.contains("did you mean 'web'?") }, "\(errors)")
        #expect(!errors.contains { $0.contains("discovery of 'g'") }, "a required string input is a fine host: \(errors)")
        #expect(errors.count == expected.count, "\(errors)")
    }

    @Test("discoveries that run on each other's value read each other in a circle: a located error")
    func hostCycle() {
        let errors = Self.errors(
            """
              web:
                type: string
                discover: {script: 'cat /etc/web; echo "$APP"', capture: '(?<value>.+)'}
              app:
                type: string
                discover: {where: {host: "${web}"}, command: [nginx, -T], capture: '(?<value>.+)'}
            """)
        #expect(
            errors.contains { $0.contains("'web' → 'app' → 'web' read each other in a circle") || $0.contains("'app' → 'web' → 'app'") }, "\(errors)")
        #expect(errors.contains { $0.contains("the discovery of 'app' runs on '${web}', which is itself discovered") }, "\(errors)")
    }
}
