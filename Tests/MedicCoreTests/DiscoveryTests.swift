import Foundation
import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// Inputs Medic finds on the host, driven through the core's `StepRunner` with a fake runner:
/// the order of chained discoveries, candidates, fallback, contradictions and where each value
/// came from.
@Suite("Discovering inputs")
struct DiscoveryTests {
    static let yaml = """
        medic: 1
        id: find
        title: Find
        inputs:
          conf:
            type: path
            default: /etc/nginx/nginx.conf
            pattern: '^/[a-z./]+$'
            discover:
              why: the running master's -c
              script: ps -C nginx -o args=
              capture: '-c (?<value>\\S+)'
          listen:
            type: string
            required: false
            discover:
              command: [nginx, -T, -c, "${conf}"]
              capture: 'listen (?<value>[0-9.:]+);'
              many: true
          app:
            type: string
            default: 127.0.0.1:8000
            pattern: '^[0-9.]+:[0-9]+$'
            discover:
              command: [nginx, -T, -c, "${conf}"]
              capture: 'proxy_pass http://(?<value>[^;/]+)'
            refuse_if:
              - among: ${listen}
                because: ${app} is where nginx itself listens
          password: {type: secret, required: false}
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none, summary: "${app}"}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let nginxT = """
        server {
            listen 10.0.0.1:80;
            listen 10.0.0.1:80;
            listen 10.0.0.2:8080;
            location / { proxy_pass http://10.0.0.1:80; }
            location /api { proxy_pass http://127.0.0.1:9000; }
            location /bad { proxy_pass http://-rf; }
        }
        """

    static func find(
        _ results: [String: [StepResult]], given: [String: (value: String, origin: InputOrigin)] = [:], yaml: String = yaml
    ) throws -> (findings: [String: InputFinding], runner: FakeRunner) {
        TestSupport.findInputs(of: try TestSupport.runbook(yaml), results: results, given: given)
    }

    static let found: [String: [StepResult]] = [
        "discover:conf": [StepResult(exitStatus: 0, output: "nginx: master process /usr/sbin/nginx -c /srv/nginx.conf\n")],
        "discover:listen": [StepResult(exitStatus: 0, output: nginxT)],
        "discover:app": [StepResult(exitStatus: 0, output: nginxT)],
    ]

    @Test("a discovery that reads another input runs after it, with the value found for it")
    func chainedOrder() throws {
        let (findings, runner) = try Self.find(Self.found)
        #expect(runner.ranIDs == ["discover:conf", "discover:listen", "discover:app"])
        #expect(runner.ran[1].payload == .command(argv: ["nginx", "-T", "-c", "/srv/nginx.conf"]))
        #expect(findings["conf"]?.origin == .discovered("the running master's -c"))
        #expect(findings["listen"]?.origin == .discovered("nginx -T -c ${conf}"), "without a why, what ran is the origin")
    }

    @Test("a discovery whose configuration file another user could have written does not run, and its input says why")
    func untrustedConfiguration() throws {
        let judge = JudgeDouble(refusals: ["/srv/nginx.conf": "/srv is writable by others (mode 0777, and not sticky)"])
        let (findings, runner) = TestSupport.findInputs(of: try TestSupport.runbook(Self.yaml), results: Self.found, judge: judge)
        #expect(runner.ranIDs == ["discover:conf"], "neither nginx -T ran")
        #expect(findings["app"]?.value == "127.0.0.1:8000", "the default stands")
        #expect(
            findings["app"]?.notes == [
                "found nothing: not run, since it runs without asking: nginx -c /srv/nginx.conf: /srv is writable by others (mode 0777, and not sticky)"
            ])
    }

    @Test("every match is a candidate, each once; many joins them, otherwise the first usable is the value")
    func candidates() throws {
        let (findings, _) = try Self.find(Self.found)
        #expect(findings["listen"]?.value == "10.0.0.1:80,10.0.0.2:8080")
        // nginx's own listener is refused by the rule, '-rf' fails the pattern: both passed over, with why.
        #expect(findings["app"]?.value == "127.0.0.1:9000")
        #expect(findings["app"]?.candidates == ["127.0.0.1:9000"])
        let notes = findings["app"]?.notes ?? []
        #expect(notes.contains { $0.contains("passed over '10.0.0.1:80'") && $0.contains("where nginx itself listens") })
        #expect(notes.contains { $0.contains("passed over '-rf'") })
    }

    @Test("a default that discovery contradicts is flagged, and what was found is used")
    func defaultFlagged() throws {
        let (findings, _) = try Self.find(Self.found)
        #expect(findings["app"]?.flags == ["the default 127.0.0.1:8000 differs from what was found; using what was found"])
        #expect(findings["conf"]?.flags.first?.contains("/etc/nginx/nginx.conf") == true)
    }

    @Test("a given value wins over discovery, flagged when discovery found otherwise, and refused when a rule says so")
    func givenValues() throws {
        let (findings, _) = try Self.find(Self.found, given: ["app": ("10.0.0.1:80", .option), "conf": ("/srv/nginx.conf", .varFile("env:3"))])
        #expect(findings["conf"]?.value == "/srv/nginx.conf" && findings["conf"]?.flags == [], "a given value discovery agrees with is not flagged")
        #expect(findings["conf"]?.origin.describe(name: "conf") == "--var-file env:3")
        #expect(findings["app"]?.value == "10.0.0.1:80" && findings["app"]?.origin == .option)
        #expect(findings["app"]?.flags == ["given 10.0.0.1:80, but discovery found 127.0.0.1:9000"])
        #expect(findings["app"]?.refusal == "10.0.0.1:80 is where nginx itself listens")
    }

    @Test(
        "a discovery that fails, cannot run, times out or finds nothing says so and falls back to the default",
        arguments: [
            (
                StepResult(exitStatus: 1, output: "nginx: [emerg] open() \"/etc/nginx/nginx.conf\" failed (13: Permission denied)\n"),
                "exited 1: nginx: [emerg]"
            ),
            (StepResult(exitStatus: nil, failureReason: "program not found: nginx"), "could not run: program not found"),
            (StepResult(exitStatus: nil, output: "listen", timedOut: true), "timed out after 10s"),
            (StepResult(exitStatus: 0, output: "nothing of use\n"), "no line of its output matched"),
        ])
    func fallback(result: StepResult, says: String) throws {
        var results = Self.found
        results["discover:app"] = [result]
        let (findings, _) = try Self.find(results)
        #expect(findings["app"]?.value == "127.0.0.1:8000" && findings["app"]?.origin == .defaultValue)
        #expect(findings["app"]?.notes.contains { $0.hasPrefix("found nothing: ") && $0.contains(says) } == true, "\(findings["app"]?.notes ?? [])")
        #expect(findings["app"]?.flags == [])
    }

    @Test("a discovery whose input it reads has no value does not run, and says so")
    func missingDependency() throws {
        var results = Self.found
        results["discover:conf"] = [StepResult(exitStatus: 0, output: "")]
        let yaml = Self.yaml.replacingOccurrences(of: "    default: /etc/nginx/nginx.conf\n", with: "    required: false\n")
        let (findings, runner) = try Self.find(results, yaml: yaml)
        #expect(runner.ranIDs == ["discover:conf"])
        #expect(findings["listen"]?.notes == ["not discovered: it needs conf, which has no value"])
        #expect(findings["listen"]?.origin == InputOrigin.none)
    }

    @Test("secrets are never handed to a discovery, and a secret nobody gave is asked late")
    func secretsKeptOut() throws {
        let (findings, runner) = try Self.find(Self.found, given: ["password": ("hunter2", .environment)])
        #expect(runner.ran.allSatisfy { $0.environment["PASSWORD"] == nil && $0.environment["CONF"] != nil || $0.stepID == "discover:conf" })
        #expect(findings["password"]?.shownValue == Masking.mask)
        let (late, _) = try Self.find(Self.found)
        #expect(late["password"]?.origin == .askedLate && late["password"]?.value == "")
    }

    @Test("a refusal rule whose template fills in to nothing does not apply")
    func emptyRule() throws {
        let rule = RefusalRule(
            test: .among(Template("${listen}", at: SourceLocation(file: "t", line: 1, column: 1))),
            because: Template("no", at: SourceLocation(file: "t", line: 1, column: 1)), location: SourceLocation(file: "t", line: 1, column: 1))
        #expect(!(try rule.refuses("1.2.3.4:80", values: ["listen": ""], matcher: InProcessMatcher())))
        #expect((try rule.refuses("1.2.3.4:80", values: ["listen": "5.6.7.8:80, 1.2.3.4:80"], matcher: InProcessMatcher())))
        let notAmong = RefusalRule(test: .notAmong(rule.test.template!), because: rule.because, location: rule.location)
        #expect(!(try notAmong.refuses("/var/log/x", values: ["listen": ""], matcher: InProcessMatcher())))
        #expect((try notAmong.refuses("/var/log/x", values: ["listen": "/var/log/nginx/error.log"], matcher: InProcessMatcher())))
    }

    // MARK: - Validation

    static func diagnostics(_ yaml: String) -> [String] { TestSupport.errors(yaml, path: "d.yaml") }

    static func runbook(inputs: String) -> String {
        """
        medic: 1
        id: d
        title: D
        inputs:
        \(inputs)
        steps:
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
    }

    @Test(
        "a script's discovery reads the inputs whose $NAME or ${NAME it writes, as a search of its bytes finds them (as the shell reads them)",
        arguments: [
            "echo $APP_PORT", "echo ${APP}", "echo $$APP $", "echo $ APP ${", "x=${PORT:-80} $X1x", "echo '$U' $É $APPé",
            "echo \\$APP", "$", "${", "$APP\u{301}", "$AP\u{301}P", "$\u{301}APP", "echo $app $Port",
        ])
    func scriptDependencies(script: String) {
        let here = SourceLocation.start(of: "d.yaml")
        var finding = InputDefinition(name: "found", type: .string, location: here)
        finding.discovery = Discovery(execution: .script(script, location: ScriptLocation(here)), captures: [], location: here)
        let others = ["app", "app_port", "port", "x1", "u", "é"].map { InputDefinition(name: $0, type: .string, location: here) }
        // Bytes, not characters: `$APP` and a combining mark is APP to the shell, though not the same `Character`s.
        func has(_ text: String) -> Bool { Array(script.utf8).firstRange(of: Array(text.utf8)) != nil }
        let searched = others.map(\.name).filter { has("$" + $0.uppercased()) || has("${" + $0.uppercased()) }
        #expect(DiscoveryOrder.dependencies(of: finding, among: others + [finding]) == searched)
    }

    @Test("an input's default is checked against its pattern, compiled once with the runbook's other regexes")
    func defaultsAgainstPatterns() {
        let errors = Self.diagnostics(
            Self.runbook(
                inputs: """
                      port: {type: string, default: '80a', pattern: '^[0-9]+$'}
                      same: {type: string, default: '8080', pattern: '^[0-9]+$'}
                      flag: {type: string, default: '-v', pattern: '^-[a-z]$'}
                      plain: {type: string, default: '-v', pattern: 'v'}
                      broken: {type: string, default: 'x', pattern: '(x'}
                    """))
        #expect(errors.contains { $0.contains("the default of 'port' is not a valid value: '80a' does not match the pattern ^[0-9]+$") }, "\(errors)")
        #expect(errors.contains { $0.contains("the default of 'plain' is not a valid value: '-v' does not match the pattern v") }, "\(errors)")
        #expect(errors.contains { $0.contains("the default of 'broken' is not a valid value: the input's pattern does not compile") }, "\(errors)")
        #expect(errors.contains { $0.contains("the default of 'flag' is not a valid value: '-v' starts with '-'") }, "\(errors)")
        #expect(!errors.contains { $0.contains("'same'") }, "\(errors)")
    }

    @Test("discoveries that read each other in a circle are a located error")
    func cycle() {
        let errors = Self.diagnostics(
            Self.runbook(
                inputs: """
                      a:
                        type: string
                        discover: {command: [echo, "${b}"], capture: '(?<value>.+)'}
                      b:
                        type: string
                        discover: {script: 'echo "$A"', capture: '(?<value>.+)'}
                    """))
        #expect(errors.contains { $0.hasPrefix("d.yaml:7:15: error: ") && $0.contains("'a' → 'b' → 'a' read each other in a circle") }, "\(errors)")
    }

    @Test("a discovery is held to the rules of a check, and its shape is checked where it is written")
    func rules() {
        let errors = Self.diagnostics(
            Self.runbook(
                inputs: """
                      a:
                        type: string
                        discover: {command: [rm, -rf, /tmp/x], capture: '(?<name>.+)', timeout: 5m}
                      b:
                        type: secret
                        discover: {command: [cat, /etc/b], capture: '(?<value>.+)'}
                      c:
                        type: string
                        discover: {command: [echo, "${nope}"], script: 'true', capture: '(?<value>.+)'}
                        refuse_if:
                          - {equals: "${b}", because: x}
                          - {because: y}
                    """))
        let expected = [
            "d.yaml:7:26: error: the discovery of 'a' must be provably read-only, but 'rm' is not on Medic's list",
            "d.yaml:7:53: error: a discovery's capture needs a group named 'value'",
            "d.yaml:7:77: error: a discovery's timeout is at most 1m",
            "d.yaml:10:5: error: a secret input may not be discovered",
            "d.yaml:13:44: error: the discovery of 'c' has both 'command' and 'script'",
            "d.yaml:13:32: error: the discovery of 'c' uses '${nope}', which is not an input",
            "d.yaml:15:18: error: a 'refuse_if' rule of 'c' uses the secret 'b'",
            "d.yaml:16:9: error: a 'refuse_if' rule of 'c' needs one test",
        ]
        for text in expected { #expect(errors.contains { $0.contains(text) }, "missing: \(text) in \(errors)") }
    }
}
