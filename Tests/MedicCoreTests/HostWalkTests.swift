import MedicCore
import MedicTestSupport
import Testing

/// Host sets in the pure walk and in scenarios: sets from captures and inputs, a hostile host
/// found at run time, and per-host recorded results.
@Suite("Host sets in the walk and in scenarios")
struct HostWalkTests {
    static let yaml = """
        medic: 1
        id: pool
        title: Pool
        inputs:
          more: {type: hosts, default: "x, y"}
        hosts:
          upstreams: {captured: server}
          given: {input: more}
        steps:
          config:
            kind: check
            title: Which servers?
            why: w
            where: {host: web}
            command: [nginx, -T]
            capture: ['server (?<server>[^;\\s]+);']
            branches:
              - when: {var: server, matches: '.'}
                next: state
              - otherwise: none
          state:
            kind: check
            title: State
            why: w
            where: {hosts: upstreams}
            command: [systemctl, is-active, app]
            capture_hosts:
              down: {exit: 3}
            branches:
              - when: {count_hosts: {exit: 3}, equals: 1}
                next: restart
                because: down on ${down}
              - when: {all_hosts: {succeeded: true}}
                next: also
              - otherwise: none
          also:
            kind: check
            title: The others
            why: w
            where: {hosts: given}
            command: [uptime]
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: fine
              - otherwise: none
          restart:
            kind: action
            title: Restart
            why: w
            where: {hosts: down}
            command: [systemctl, restart, app]
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: fine
              - otherwise: none
          fine: {kind: conclusion, title: Fine, why: w, outcome: resolved, cause: none}
          none: {kind: conclusion, title: None, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func bundle() throws -> RunbookBundle { TestSupport.bundle(try TestSupport.runbook(yaml)) }

    static func hosts(_ pairs: [(String, StepResult)]) -> StepResult { StepResult(hosts: pairs.map { HostResult(host: $0.0, result: $0.1) }) }

    @Test("a {captured: VAR} set holds every distinct match, in order; capture_hosts makes the next set")
    func capturedSet() throws {
        var walk = Walk(bundle: try Self.bundle(), inputs: ["more": "x, y"])
        var effects = walk.start()
        guard case .run(let first)? = effects.last else { throw TestFailure("expected a run, got \(effects)") }
        #expect(first.remote?.hosts == ["web"] && first.remote?.isHostSet == false)
        effects = walk.handle(.finished(StepResult(exitStatus: 0, output: "server 10.0.0.1; server 10.0.0.2; server 10.0.0.1;\n")))
        guard case .run(let state)? = effects.last else { throw TestFailure("expected a run, got \(effects)") }
        #expect(state.remote?.hosts == ["10.0.0.1", "10.0.0.2"])
        #expect(state.remote?.setName == "upstreams")
        effects = walk.handle(.finished(Self.hosts([("10.0.0.1", StepResult(exitStatus: 0)), ("10.0.0.2", StepResult(exitStatus: 3))])))
        #expect(walk.variables["down"] == "10.0.0.2" && walk.variables["down_count"] == "1")
        guard case .confirm(let restart, _)? = effects.last else { throw TestFailure("expected a confirmation, got \(effects)") }
        #expect(restart.remote?.hosts == ["10.0.0.2"])
        #expect(restart.remote?.batch?.number == 1 && restart.remote?.batch?.of == 1)
    }

    @Test("a host found at run time that could be an option stops the walk at the step; nothing runs")
    func hostileHost() throws {
        var walk = Walk(bundle: try Self.bundle(), inputs: ["more": "x, y"])
        _ = walk.start()
        let effects = walk.handle(.finished(StepResult(exitStatus: 0, output: "server -oProxyCommand=touch;\n")))
        #expect(!effects.contains { if case .run = $0 { true } else { false } })
        guard case .stalled(_, let reason)? = effects.last else { throw TestFailure("expected a stall, got \(effects)") }
        #expect(reason.contains("'-oProxyCommand=touch' is not a host name"))
    }

    @Test("an input of type hosts is split on commas and spaces, and checked")
    func inputSet() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        #expect(runbook.input("more")?.problem(with: "a, b c") == nil)
        #expect(runbook.input("more")?.problem(with: "a, -b") != nil)
        #expect(HostName.split("a, b  c,a") == ["a", "b", "c"])
    }

    @Test("a scenario answers each host by name; a host it does not name fails the check")
    func scenario() throws {
        var scenario = Scenario(name: "one-down", path: "s.yaml", inputs: ["more": "x y"])
        scenario.results = [
            "config": [StepResult(exitStatus: 0, output: "server a; server b;")],
            "state": [Self.hosts([("a", StepResult(exitStatus: 0)), ("b", StepResult(exitStatus: 3))])],
        ]
        scenario.expectedOutcome = .resolved
        scenario.expectedPath = ["config", "state", "restart", "fine"]
        let report = ScenarioRunner(bundle: try Self.bundle()).run(scenario)
        #expect(report.failures.isEmpty, "\(report.failures)")

        var missing = scenario
        missing.results["state"] = [Self.hosts([("a", StepResult(exitStatus: 0))])]
        missing.expectedPath = nil
        missing.expectedOutcome = nil
        let walked = ScenarioRunner(bundle: try Self.bundle()).run(missing)
        #expect(walked.path.last == "none", "b has no recorded result, so it did not succeed: \(walked.path)")
    }
    @Test("a tcp probe from the target runs on each host of the set, and conditions over the set read its results")
    func tcpFromTarget() throws {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: listen
            title: Listen
            hosts:
              pool: [a, b]
            steps:
              port:
                kind: check
                title: Does the app listen on each host?
                why: w
                where: {hosts: pool}
                tcp: {host: 127.0.0.1, port: 8000, from: target}
                capture_hosts:
                  deaf: {not: {succeeded: true}}
                branches:
                  - when: {all_hosts: {succeeded: true}}
                    next: fine
                  - when: {any_host: {matches: '^refused'}}
                    next: lost
                    because: nothing listens on ${deaf}
                  - otherwise: lost
              fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
              lost: {kind: conclusion, title: Lost, why: w, outcome: escalate, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        var walk = Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
        let run = walk.start().compactMap { if case .run(let invocation) = $0 { invocation } else { nil } }.first
        #expect(run?.payload == .tcp(host: "127.0.0.1", port: 8000))
        #expect(run?.remote?.hosts == ["a", "b"])
        let effects = walk.handle(
            .finished(
                Self.hosts([
                    ("a", StepResult(exitStatus: 0, output: "open 127.0.0.1:8000\n")),
                    ("b", StepResult(exitStatus: 1, output: "refused 127.0.0.1:8000\n")),
                ])))
        let branch = effects.compactMap { if case .branched(let taken) = $0 { taken } else { nil } }.first
        #expect(branch?.to == "lost")
        #expect(branch?.because == "nothing listens on b")
    }

    @Test("an http probe from the target runs on each host of the set, and status and header conditions read each host's result")
    func httpFromTarget() throws {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: health
            title: Health
            hosts:
              pool: [a, b]
            steps:
              health:
                kind: check
                title: Does each host's app answer, asked from that host?
                why: w
                where: {hosts: pool}
                http: {url: "http://127.0.0.1:8000/health", headers: {X-Token: t}, from: target}
                capture_hosts:
                  sick: {not: {status: 200}}
                branches:
                  - when: {all_hosts: {succeeded: true}}
                    next: fine
                  - when: {any_host: {header: X-Mode, matches: '^drain'}}
                    next: lost
                    because: ${sick} answers but drains
                  - otherwise: lost
              fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
              lost: {kind: conclusion, title: Lost, why: w, outcome: escalate, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        var walk = Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
        let run = walk.start().compactMap { if case .run(let invocation) = $0 { invocation } else { nil } }.first
        #expect(
            run?.payload
                == .http(
                    HTTPRequest(
                        method: "GET", url: "http://127.0.0.1:8000/health", headers: [HTTPHeader(name: "X-Token", value: "t")], body: nil,
                        followRedirects: false)))
        #expect(run?.remote?.hosts == ["a", "b"])
        let effects = walk.handle(
            .finished(
                Self.hosts([
                    ("a", StepResult(output: "ok\n", httpStatus: 200)),
                    ("b", StepResult(output: "draining\n", httpStatus: 503, headers: [HTTPHeader(name: "X-Mode", value: "drain")])),
                ])))
        let branch = effects.compactMap { if case .branched(let taken) = $0 { taken } else { nil } }.first
        #expect(branch?.to == "lost")
        #expect(branch?.because == "b answers but drains")
    }
}
