import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Saying a thing once: variants per value of a choice input, named patterns and snippets,
/// outputs handed back by a called runbook, and the scenario check that no action is reached.
@Suite("Variants, patterns, snippets and outputs")
struct ReuseTests {
    static let caller = """
        medic: 1
        id: caller
        title: Caller
        inputs:
          runtime: {type: choice, choices: [docker, systemd], default: docker}
          app: {type: string, default: shop}
        patterns:
          crash: 'Traceback|panic'
        snippets:
          quote: |
            q() { printf '"%s"\\n' "$1"; }
          greet:
            uses: [quote]
            script: |
              hello() { q "hello $1"; }
        steps:
          read:
            kind: check
            title: Read the log
            why: w
            by: runtime
            uses: [greet]
            variants:
              docker:
                script: docker logs "$APP" | tail -n 5
              systemd:
                script: journalctl -u "$APP" -n 5
                count:
                  journal_lines: '.'
            count:
              crashes: {pattern: crash}
            branches:
              - when: {var: crashes, at_least: 1}
                next: end
                because: ${crashes} crashes
              - otherwise: restart
          restart:
            kind: action
            title: Restart
            why: w
            by: runtime
            variants:
              docker: {command: ["docker", "restart", "${app}"]}
              systemd: {command: ["systemctl", "restart", "${app}"]}
            branches:
              - when: {succeeded: true}
                next: call
              - otherwise: end
            skip: end
          call:
            kind: runbook
            title: Call
            why: w
            runbook: callee.yaml
            branches:
              - when: {var: errors, at_least: 2}
                next: end
                because: the callee counted ${errors} errors in ${where}
              - otherwise: end
                because: few errors in ${where}
          end:
            kind: conclusion
            title: End
            why: w
            outcome: no-fault
            cause: none
            summary: done with ${where}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let callee = """
        medic: 1
        id: callee
        title: Callee
        outputs:
          errors: {type: int}
          where: {description: the file read}
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: cat /var/log/x
            count: {errors: 'error', lines: '.'}
            capture: ['file=(?<where>\\S+)']
            branches:
              - otherwise: done
          done:
            kind: conclusion
            title: Done
            why: w
            outcome: resolved
            cause: none
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func bundle() throws -> RunbookBundle {
        // The caller reads the callee's outputs, so it is valid only with the callee beside it.
        let caller = try TestSupport.parsed(Self.caller, path: "/rb/caller.yaml")
        let callee = try TestSupport.parsed(Self.callee, path: "/rb/callee.yaml")
        let bundle = TestSupport.bundle(caller, calling: [callee])
        let problems = Validator().validate(bundle).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems)")
        return bundle
    }

    @Test("the input's value picks the variant: its command, and its counts after the step's own")
    func variants() throws {
        let bundle = try Self.bundle()
        for (runtime, argv) in [("docker", ["docker", "restart", "shop"]), ("systemd", ["systemctl", "restart", "shop"])] {
            var walk = Walk(bundle: bundle, inputs: ["runtime": runtime, "app": "shop"])
            var driver = ScriptedDriver(
                results: ["read": [StepResult(exitStatus: 0, output: "ok\nok\n")], "restart": [StepResult(exitStatus: 1)]],
                replies: ["restart": [.confirmed(by: "yes")]])
            driver.drive(&walk, from: walk.start())
            #expect(walk.path == ["read", "restart", "end"])
            let restart = try #require(driver.ran.first { $0.stepID == "restart" })
            #expect(restart.payload == .command(argv: argv))
            let captured = driver.effects.compactMap { if case .captured(let values) = $0 { values.map(\.name) } else { nil } }.first
            #expect(captured == (runtime == "docker" ? ["crashes"] : ["crashes", "journal_lines"]))
        }
    }

    @Test("snippets come before the script, each once, the ones used by others first; named patterns match")
    func snippetsAndPatterns() throws {
        var walk = Walk(bundle: try Self.bundle(), inputs: ["runtime": "docker"])
        var driver = ScriptedDriver(results: ["read": [StepResult(exitStatus: 0, output: "Traceback (most recent call last)\n")]])
        driver.drive(&walk, from: walk.start())
        let read = try #require(driver.ran.first)
        #expect(read.payload == .script("q() { printf '\"%s\"\\n' \"$1\"; }\nhello() { q \"hello $1\"; }\ndocker logs \"$APP\" | tail -n 5"))
        #expect(driver.reasons == ["1 crashes"])
    }

    @Test("a called runbook hands back its declared outputs, and only those")
    func outputs() throws {
        var walk = Walk(bundle: try Self.bundle(), inputs: ["runtime": "docker"])
        var driver = ScriptedDriver(
            results: [
                "read": [StepResult(exitStatus: 0, output: "fine\n")], "restart": [StepResult(exitStatus: 0)],
                "callee/look": [StepResult(exitStatus: 0, output: "file=/var/log/app.log\nerror\nerror\nerror\n")],
            ],
            replies: ["restart": [.confirmed(by: "yes")]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["read", "restart", "call", "callee/look", "callee/done", "end"])
        #expect(driver.reasons.last == "the callee counted 3 errors in /var/log/app.log")
        #expect(walk.variables["errors"] == "3" && walk.variables["where"] == "/var/log/app.log")
        #expect(walk.variables["lines"] == nil, "a value the callee does not declare stays in the callee")
        guard case .concluded(let reached) = driver.ending else {
            Issue.record("no conclusion")
            return
        }
        #expect(reached.summary == "done with /var/log/app.log")
    }

    @Test("an output whose value does not fit its type ends the walk, saying why")
    func outputType() throws {
        var bundle = try Self.bundle()
        let path = "/rb/callee.yaml"
        var callee = try #require(bundle.runbooks[path])
        callee.outputs[0].type = .int
        callee.outputs[1].type = .int  // `where` holds a path, not a number
        bundle = RunbookBundle(root: bundle.root, runbooks: [path: callee])
        var walk = Walk(bundle: bundle, inputs: ["runtime": "docker"])
        var driver = ScriptedDriver(
            results: [
                "read": [StepResult(exitStatus: 0, output: "fine\n")], "restart": [StepResult(exitStatus: 0)],
                "callee/look": [StepResult(exitStatus: 0, output: "file=/var/log/app.log\n")],
            ],
            replies: ["restart": [.confirmed(by: "yes")]])
        driver.drive(&walk, from: walk.start())
        guard case .aborted(let reason) = driver.ending else {
            Issue.record("the walk went on: \(walk.path)")
            return
        }
        #expect(reason == "callee handed back 'where' of type int, but '/var/log/app.log' is not a whole number")
    }

    @Test("a scenario that expects no action fails when the walk reaches one")
    func noActionExpected() throws {
        let bundle = try Self.bundle()
        var scenario = Scenario(
            name: "healthy", path: "s.yaml", inputs: ["runtime": "docker"],
            results: ["read": [StepResult(exitStatus: 0, output: "fine\n")], "callee/look": [StepResult(exitStatus: 0)]],
            answers: ["restart": "no"], expectedOutcome: .noFault)
        scenario.expectedActions = []
        let report = ScenarioRunner(bundle: bundle).run(scenario)
        #expect(report.actions == ["restart"])
        #expect(report.failures == ["expected actions: none; the walk reached: restart"])
        scenario.expectedActions = ["restart"]
        #expect(ScenarioRunner(bundle: bundle).run(scenario).passed)
    }

    @Test("a scenario's answer to an action decides only when it is exactly yes or no")
    func scenarioAnswerTypo() throws {
        let bundle = try Self.bundle()
        let results: [String: [StepResult]] = [
            "read": [StepResult(exitStatus: 0, output: "fine\n")], "callee/look": [StepResult(exitStatus: 0)],
        ]
        let typo = Scenario(
            name: "typo", path: "s.yaml", inputs: ["runtime": "docker"], results: results,
            answers: ["restart": "y"], expectedOutcome: .noFault)
        let report = ScenarioRunner(bundle: bundle).run(typo)
        #expect(!report.passed)
        #expect(report.failures == ["the answer recorded for action 'restart' is 'y'; an action's answer is \"yes\" or \"no\""])
        #expect(report.decisions.isEmpty)
        let declined = Scenario(
            name: "declined", path: "s.yaml", inputs: ["runtime": "docker"], results: results,
            answers: ["restart": "no"], expectedOutcome: .noFault)
        #expect(ScenarioRunner(bundle: bundle).run(declined).decisions.map(\.answer) == [.declined])
    }

    @Test("a discovery's script uses snippets as a step's does: what runs, and what it reads, is the whole text")
    func discoverySnippets() throws {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: found
            title: Found
            inputs:
              upstream:
                type: string
                discover:
                  uses: [servers]
                  script: servers | head -n 1
                  capture: '^(?<value>[0-9.]+:[0-9]+)$'
              conf:
                type: path
                discover: {command: [cat, /run/nginx.conf.path], capture: '^(?<value>/\\S+)$'}
            snippets:
              config: |
                conf=$(cat -- "$CONF")
              servers:
                uses: [config]
                script: |
                  servers() { printf '%s\\n' "$conf" | awk '$1 == "server" { print $2 }' | tr -d ';'; }
            steps:
              look:
                kind: check
                title: Look
                why: w
                uses: [servers]
                script: servers
                branches:
                  - otherwise: end
              end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        let prefix = """
            conf=$(cat -- "$CONF")
            servers() { printf '%s\\n' "$conf" | awk '$1 == "server" { print $2 }' | tr -d ';'; }

            """
        let runner = FakeRunner(results: [
            "discover:conf": [StepResult(exitStatus: 0, output: "/srv/nginx.conf\n")],
            "discover:upstream": [StepResult(exitStatus: 0, output: "10.0.0.7:8000\n10.0.0.8:8000\n")],
        ])
        let findings = InputFinder(runbook: runbook, runner: runner).find(given: [:])
        // $CONF is written in a snippet, not in the discovery's own line: the discovery still reads conf, so runs after it.
        #expect(runner.ranIDs == ["discover:conf", "discover:upstream"])
        #expect(runner.ran.last?.payload == .script(prefix + "servers | head -n 1"))
        #expect(runner.ran.last?.environment["CONF"] == "/srv/nginx.conf")
        #expect(findings.first { $0.name == "upstream" }?.value == "10.0.0.7:8000")
        guard case .script(let stepScript, _) = runbook.steps.first?.execution else {
            Issue.record("the step runs no script")
            return
        }
        #expect(stepScript == prefix + "servers", "the step and the discovery share the snippet's text word for word")
    }

    @Test("a discovery is proved read-only over its snippets too: one cannot slip a write into it")
    func discoverySnippetProof() throws {
        let yaml = """
            medic: 1
            id: found
            title: Found
            inputs:
              pool:
                type: string
                discover:
                  uses: [servers]
                  script: servers
                  capture: '(?<value>\\S+)'
            snippets:
              servers: |
                servers() { awk '$1 == "server" { print $2 }' /etc/nginx/nginx.conf; }
                rm -f /tmp/upstreams
            steps:
              end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        let loaded = RunbookLoader().parse(yaml, path: "d.yaml")
        #expect(!loaded.diagnostics.hasErrors, "the file reads: \(loaded.diagnostics)")
        let runbook = try #require(loaded.runbook)
        let errors = Validator().validate(TestSupport.bundle(runbook)).filter { $0.severity == .error }.map(\.message)
        #expect(errors.contains { $0.hasPrefix("the discovery of 'pool' must be provably read-only, but 'rm' is not on Medic's list") }, "\(errors)")
        // Without the write, the same snippet passes.
        let clean = RunbookLoader().parse(yaml.replacing("    rm -f /tmp/upstreams\n", with: ""), path: "d.yaml")
        let cleanRunbook = try #require(clean.runbook)
        #expect(Validator().validate(TestSupport.bundle(cleanRunbook)).filter { $0.severity == .error }.isEmpty)
    }

    @Test("a problem in a script that uses snippets is pointed at the line that holds it, in a snippet or in the script")
    func snippetLocations() throws {
        let yaml = """
            medic: 1
            id: where
            title: Where
            snippets:
              first: "first() { cat /etc/hostname; }"
              second: |
                second() {
                  cat /etc/hosts
                  LEAK
                }
            steps:
              look:
                kind: check
                title: Look
                why: w
                uses: [first, second]
                script: |
                  first
                  second
                  SCRIPT
                branches:
                  - otherwise: end
              end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """
        func located(_ leak: String, _ script: String) throws -> [String] {
            let text = yaml.replacing("LEAK", with: leak).replacing("SCRIPT", with: script)
            let runbook = try #require(RunbookLoader().parse(text, path: "w.yaml").runbook)
            return Validator().validate(TestSupport.bundle(runbook)).filter { $0.severity == .error }.map {
                "\($0.location.line):\($0.location.column) " + ($0.message.contains("but 'rm' is not on Medic's list") ? "rm" : $0.message)
            }
        }
        // Line 9 of the file is the second snippet's third line, `rm` in column 7 (the block's
        // four spaces of indentation, then two of the text's own); line 20 the script's third,
        // `rm` past the block's six spaces.
        #expect(try located("rm -f /tmp/x", "true") == ["9:7 rm"])
        #expect(try located("true", "rm -f /tmp/x") == ["20:7 rm"])
    }

    @Test("a url input is read by the probe's own URL reader")
    func urlInputs() {
        let input = InputDefinition(name: "site", type: .url, location: .start(of: "x.yaml"))
        #expect(input.problem(with: "http://[::1]:8080/health?x=1") == nil)
        #expect(input.problem(with: "https://shop.example.com/") == nil)
        #expect(input.problem(with: "http://shop.example.com:99999/")?.contains("port") == true)
        #expect(input.problem(with: "http://[::1/")?.contains("']'") == true)
        #expect(input.problem(with: "ftp://shop.example.com/")?.contains("http") == true)
        #expect(input.problem(with: "http://shop example.com/")?.contains("space") == true)
        #expect(input.problem(with: "http:///path") != nil)
    }
}
