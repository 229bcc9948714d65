import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// The inputs screen before step 1, and secrets asked when the first step that reads them is
/// reached, driven through a scripted console, a fake runner and an in-memory recorder.
@Suite("The inputs screen and secrets asked late")
struct InputReviewTests {
    static let yaml = """
        medic: 1
        id: late
        title: Late
        inputs:
          listen: {type: string, required: false}
          app:
            type: string
            default: 127.0.0.1:8000
            pattern: '^[0-9.]+:[0-9]+$'
            refuse_if:
              - among: ${listen}
                because: ${app} is where nginx itself listens
          mode: {type: choice, choices: [quick, login], default: quick}
          password: {type: secret, description: the login password}
        steps:
          look:
            kind: check
            title: Look
            why: w
            command: [echo, "${app}"]
            branches:
              - {when: {var: mode, equals: login}, next: login}
              - otherwise: end
          login:
            kind: check
            title: Log in
            why: w
            script: echo "$PASSWORD" | wc -c
            branches:
              - otherwise: again
          again:
            kind: check
            title: Log in again
            why: w
            script: echo "$PASSWORD"
            branches:
              - otherwise: end
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none, summary: "${app}"}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func findings(app: String = "127.0.0.1:8000", listen: String = "10.0.0.1:80") -> [InputFinding] {
        var appFinding = InputFinding(name: "app", value: app, origin: .defaultValue)
        appFinding.candidates = ["127.0.0.1:9000"]
        return [
            InputFinding(name: "listen", value: listen, origin: .discovered("the listen directives")), appFinding,
            InputFinding(name: "mode", value: "quick", origin: .defaultValue),
            InputFinding(name: "password", value: "", origin: .askedLate, isSecret: true),
        ]
    }

    @Test("every input is shown with its value and origin, and a deliberate yes accepts them")
    func accept() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(replies: [.line("y"), .line("yes")])
        let ending = InputReview(inputs: runbook.inputs, console: console).review(Self.findings(), ask: true)
        #expect(ending == .accepted(InputFinder.refreshed(Self.findings(), inputs: runbook.inputs, matcher: InProcessMatcher())))
        let screen = console.screen
        #expect(screen.contains("listen    10.0.0.1:80") && screen.contains("discovered: the listen directives"))
        #expect(screen.contains("app       127.0.0.1:8000") && screen.contains("default"))
        #expect(screen.contains("password  (not given)") && screen.contains("secret: asked when the first step that reads it is reached"))
        #expect(screen.contains("type yes to accept these values"), "'y' is not an answer")
        #expect(console.prompts.count == 2 && console.prompts.allSatisfy(\.fresh))
    }

    @Test("set NAME=VALUE changes a value, checked and shown again; a refused value blocks yes until it is changed")
    func setAndRefuse() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(replies: [
            .line("set app=10.0.0.1:80"), .line("yes"), .line("set app=not an address"), .line("set nope=1"), .line("set password=x"),
            .line("set app=127.0.0.1:9000"), .line("yes"),
        ])
        let ending = InputReview(inputs: runbook.inputs, console: console).review(Self.findings(), ask: true)
        guard case .accepted(let accepted) = ending else {
            Issue.record("not accepted: \(ending)")
            return
        }
        let app = accepted.first { $0.name == "app" }
        #expect(app?.value == "127.0.0.1:9000" && app?.origin == .operatorTyped && app?.refusal == nil && app?.flags == [])
        let screen = console.screen
        #expect(screen.contains("✗ refused: 10.0.0.1:80 is where nginx itself listens"))
        #expect(screen.contains("'app' is refused: 10.0.0.1:80 is where nginx itself listens; change it with set NAME=VALUE"))
        #expect(screen.contains("'app': 'not an address' does not match the pattern"))
        #expect(screen.contains("there is no input 'nope'"))
        #expect(screen.contains("'password' is secret"))
    }

    @Test("other candidates, discovery's notes and flags are shown under the input, control characters made visible")
    func candidatesAndNotes() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        var findings = Self.findings()
        findings[1].value = "127.0.0.1:9000"
        findings[1].origin = .discovered("the proxy_pass of nginx -T")
        findings[1].candidates = ["127.0.0.1:9000", "127.0.0.1:9001"]
        findings[1].notes = ["passed over '10.0.0.1:80': 10.0.0.1:80 is where nginx itself listens"]
        findings[1].flags = ["the default 127.0.0.1:8000 differs from what was found; using what was found"]
        findings[0].notes = ["found nothing: exited 1: \u{1B}[31mred"]
        let console = ScriptedConsole(interactive: false)
        _ = InputReview(inputs: runbook.inputs, console: console).review(findings, ask: false)
        let screen = console.screen
        #expect(screen.contains("app       127.0.0.1:9000  discovered: the proxy_pass of nginx -T"))
        #expect(screen.contains("          also found: 127.0.0.1:9001"))
        #expect(screen.contains("          · passed over '10.0.0.1:80': 10.0.0.1:80 is where nginx itself listens"))
        #expect(screen.contains("          ! the default 127.0.0.1:8000 differs from what was found"))
        #expect(!screen.contains("\u{1B}"), "an escape sequence from the host never reaches the terminal")
    }

    @Test("without asking, the screen is printed; a refused value stops the run before step 1")
    func unattended() throws {
        let runbook = try TestSupport.runbook(Self.yaml)
        let console = ScriptedConsole(interactive: false)
        let review = InputReview(inputs: runbook.inputs, console: console)
        #expect(
            review.review(Self.findings(app: "10.0.0.1:80"), ask: false) == .refused("'app' is refused: 10.0.0.1:80 is where nginx itself listens"))
        #expect(console.prompts.isEmpty)
        guard case .accepted = review.review(Self.findings(), ask: false) else {
            Issue.record("a clean screen is accepted")
            return
        }
        #expect(console.screen.contains("app       127.0.0.1:8000"))
        #expect(ScriptedConsole(replies: []).isInteractive)
        #expect(InputReview(inputs: runbook.inputs, console: ScriptedConsole(replies: [])).review(Self.findings(), ask: true) == .stopped)
    }

    static func session(mode: String, interactive: Bool = true, secrets: [String]) throws -> (RunSession, ScriptedConsole, FakeRunner, MemoryRecorder)
    {
        let runbook = try TestSupport.runbook(Self.yaml)
        var walk = Walk(bundle: TestSupport.bundle(runbook), inputs: ["listen": "", "app": "127.0.0.1:9000", "mode": mode, "password": ""])
        walk.deferInputs(["password"])
        let console = ScriptedConsole(interactive: interactive, secrets: secrets)
        let ok = [StepResult(exitStatus: 0, output: "ok\n")]
        let runner = FakeRunner(results: ["look": ok, "login": ok, "again": ok])
        let recorder = MemoryRecorder()
        let session = RunSession(
            walk: walk, console: console, runner: runner, recorder: recorder,
            options: RunOptions(operatorName: "alice@box", sessionPath: "/tmp/s"))
        session.inputReview = InputReviewRecord(Self.findings(), acceptedBy: "operator")
        return (session, console, runner, recorder)
    }

    static let start = SessionStart(
        runbookID: "late", runbookVersion: nil, files: [], medicVersion: "test", operatorName: "alice@box", inputs: [], flags: [], interactive: true)

    @Test("a secret is not asked on a path that never reads it")
    func notAskedOffPath() throws {
        let (session, console, runner, recorder) = try Self.session(mode: "quick", secrets: ["hunter2"])
        let end = session.run(start: Self.start)
        #expect(end.exitStatus == 5 && runner.ranIDs == ["look"])
        #expect(console.prompts.isEmpty && console.secrets == ["hunter2"], "nothing was asked")
        guard case .inputs(let review) = recorder.events.dropFirst().first else {
            Issue.record("the inputs screen is recorded right after the start")
            return
        }
        #expect(review.acceptedBy == "operator" && review.entries.first { $0.name == "password" }?.value == "")
    }

    @Test("a secret is asked once, when the first step that reads it is reached, and reaches that step and the next")
    func askedOnceWhenNeeded() throws {
        let (session, console, runner, recorder) = try Self.session(mode: "login", secrets: ["bad\u{1B}", "hunter2", "unused"])
        let end = session.run(start: Self.start)
        #expect(end.exitStatus == 5 && runner.ranIDs == ["look", "login", "again"])
        #expect(
            console.prompts.map(\.prompt) == ["  password (input hidden): ", "  password (input hidden): "], "asked again only after a bad value")
        #expect(console.secrets == ["unused"])
        #expect(runner.ran[1].environment["PASSWORD"] == "hunter2" && runner.ran[2].environment["PASSWORD"] == "hunter2")
        #expect(runner.ran[1].secrets == ["hunter2"], "the value is masked from then on")
        #expect(!recorder.everything.contains("hunter2") && !console.screen.contains("hunter2"))
        let looked = console.shown.firstIndex { $0.text.contains("this step needs 'password': the login password") }
        let entered = console.shown.firstIndex { $0.text.contains("Log in") }
        #expect(looked != nil && entered != nil && entered! < looked!, "asked after the step is shown, before it runs")
    }

    @Test("without a terminal, a required secret a step needs stops the run for a person, before that step runs")
    func unattendedSecret() throws {
        let (session, _, runner, _) = try Self.session(mode: "login", interactive: false, secrets: [])
        let end = session.run(start: Self.start)
        #expect(end.exitStatus == 7 && runner.ranIDs == ["look"])
        #expect(end.summary.contains("needs the secret 'password'") && end.summary.contains("MEDIC_VAR_password"))
    }
}
