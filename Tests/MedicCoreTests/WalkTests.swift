import MedicCore
import MedicTestSupport
import Testing

/// The walk, driven through every kind of branch with a scripted driver.
@Suite("The walk through a decision tree")
struct WalkTests {
    static let yaml = """
        medic: 1
        id: walk
        title: Walk test
        inputs:
          service: {type: string, default: "app", pattern: '^[^\\n]+$'}
          token: {type: secret, required: false}
          window: {type: duration, default: 15m}
        steps:
          probe:
            kind: check
            title: Probe
            why: w
            read_only: {reason: the login only checks a password}
            http: {url: "http://127.0.0.1/login", method: POST, json: {user: "${service}", password: "${token}", n: 3}}
            branches:
              - when: {status: 502, header: Server, matches: '^nginx'}
                next: log
                because: nginx answered 502
              - when: {json: authenticated, equals: "true"}
                next: fine
                because: login works
              - when: {status: 0}
                next: log
                because: nothing answered
              - otherwise: fine
          log:
            kind: check
            title: Log
            why: w
            command: ["grep", "-c", "${service}", "/var/log/x"]
            capture: ['restarts=(?<restarts>\\d+)']
            count: {refused: 'Connection refused'}
            branches:
              - when: {timed_out: true}
                next: ask
                because: the log read timed out
              - when: {all: [{var: refused, at_least: 2}, {not: {var: restarts, below: 3}}]}
                next: restart
                because: ${refused} refusals and ${restarts} restarts
              - when: {any: [{exit: [1, 2]}, {not_matches: 'restarts'}]}
                next: ask
                because: no useful lines
              - otherwise: fine
          ask:
            kind: question
            title: Which?
            why: w
            set: answer
            options:
              - {answer: again, label: Look again, next: log}
              - {answer: restart, label: Restart it, next: restart}
          restart:
            kind: action
            title: Restart
            why: w
            confirm: type-target
            target: "${service}"
            script: 'echo "$SERVICE $WINDOW_SECONDS"'
            skip: give-up
            branches:
              - when: {succeeded: true}
                next: fine
                because: restarted
              - otherwise: give-up
                because: restart failed
          fine:
            kind: conclusion
            title: Fine
            why: w
            outcome: resolved
            cause: oom-killed
            summary: ${service} restarted after ${refused} refusals
          give-up:
            kind: conclusion
            title: Give up
            why: w
            outcome: escalate
            cause: upstream-crashed
        causes:
          oom-killed: {title: "The kernel's OOM killer killed the upstream", description: "In this test, the kernel's OOM killer killed the upstream."}
          upstream-crashed: {title: "The upstream exits on start-up or while serving", description: "In this test, the upstream exits on start-up or while serving."}
        """

    func walk(inputs: [String: String] = [:]) throws -> Walk {
        Walk(bundle: TestSupport.bundle(try TestSupport.runbook(Self.yaml)), inputs: inputs)
    }

    @Test("status, header and output match together; captures and counts feed a combined condition")
    func fullPath() throws {
        var walk = try walk(inputs: ["service": "shop api", "token": "s3cr\"et"])
        var driver = ScriptedDriver(
            results: [
                "probe": [StepResult(output: "nginx error page", httpStatus: 502, headers: [HTTPHeader(name: "server", value: "nginx/1.22")])],
                "log": [StepResult(exitStatus: 0, output: "restarts=4\nConnection refused\nConnection refused\nok\n")],
                "restart": [StepResult(exitStatus: 0)],
            ],
            replies: ["restart": [.confirmed(by: "shop api")]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["probe", "log", "restart", "fine"])
        #expect(driver.reasons == ["nginx answered 502", "2 refusals and 4 restarts", "restarted"])
        guard case .concluded(let reached) = driver.ending else {
            Issue.record("walk did not conclude")
            return
        }
        #expect(reached.outcome == .resolved && reached.cause == "oom-killed")
        #expect(reached.causeTitle == "The kernel's OOM killer killed the upstream")
        #expect(reached.causeDescription == "In this test, the kernel's OOM killer killed the upstream.")
        #expect(reached.summary == "shop api restarted after 2 refusals")
    }

    @Test("a conclusion whose cause its runbook does not declare ends the walk aborted, never with an invented cause")
    func undeclaredCause() throws {
        // Not validated (the validator refuses it): the walk itself must still not make a cause up.
        let yaml = Self.yaml.replacing("cause: upstream-crashed\n", with: "cause: cosmic-ray\n")
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.parsed(yaml, path: "walk.yaml")), inputs: [:])
        var driver = ScriptedDriver(
            results: [
                "probe": [StepResult(output: "nginx error page", httpStatus: 502, headers: [HTTPHeader(name: "server", value: "nginx/1.22")])],
                "log": [StepResult(exitStatus: 0, output: "restarts=4\nConnection refused\nConnection refused\n")],
            ],
            replies: ["restart": [.declined]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path.last == "give-up")
        #expect(driver.ending == .aborted(reason: "the conclusion give-up names cause 'cosmic-ray', which runbook 'walk' does not declare"))
    }

    @Test("a value with spaces stays one argv element; scripts get inputs as upper-case environment")
    func substitution() throws {
        var walk = try walk(inputs: ["service": "x; touch /tmp/pwned $(id)"])
        var driver = ScriptedDriver(
            results: [
                "probe": [StepResult(httpStatus: 0)],
                "log": [StepResult(exitStatus: 0, output: "Connection refused\nConnection refused\nrestarts=9")],
            ], replies: ["restart": [.confirmed(by: "x")]])
        driver.drive(&walk, from: walk.start())
        let log = try #require(driver.ran.first { $0.stepID == "log" })
        #expect(log.payload == .command(argv: ["grep", "-c", "x; touch /tmp/pwned $(id)", "/var/log/x"]))
        let confirm = driver.effects.compactMap { if case .confirm(let inv, let req) = $0 { (inv, req) } else { nil } }.first
        #expect(confirm?.1.expected == "x; touch /tmp/pwned $(id)")
        #expect(confirm?.0.payload == .script("echo \"$SERVICE $WINDOW_SECONDS\""))
        #expect(confirm?.0.environment["SERVICE"] == "x; touch /tmp/pwned $(id)")
        #expect(confirm?.0.environment["WINDOW_SECONDS"] == "900")
    }

    @Test("secrets are JSON-escaped in bodies and masked in every display")
    func secrets() throws {
        var walk = try walk(inputs: ["token": "p\"a$s%\nw"])
        let effects = walk.start()
        guard case .run(let invocation) = effects.last, case .http(let request) = invocation.payload else {
            Issue.record("expected the probe to run")
            return
        }
        #expect(request.body == #"{"user":"app","password":"p\"a$s%\nw","n":3}"#)
        #expect(request.headers.contains(HTTPHeader(name: "Content-Type", value: "application/json")))
        #expect(!invocation.display.contains("a$s%"))
        #expect(invocation.display.contains("••••"))
    }

    @Test("a JSON field decides a branch")
    func jsonBranch() throws {
        var walk = try walk()
        var driver = ScriptedDriver(results: ["probe": [StepResult(output: #"{"authenticated": true}"#, httpStatus: 200)]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["probe", "fine"])
    }

    @Test("a body that gives a name twice has no fields, and the branch taken says why")
    func jsonDuplicateName() throws {
        var walk = try walk()
        // Which "authenticated" counts is anybody's guess; Medic reads neither.
        let body = "{\"authenticated\": false,\n \"authenticated\": true}"
        var driver = ScriptedDriver(results: ["probe": [StepResult(output: body, httpStatus: 200)]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["probe", "fine"])
        let taken = driver.effects.compactMap { effect -> BranchTaken? in
            if case .branched(let taken) = effect { return taken }
            return nil
        }
        #expect(taken.first?.condition == "otherwise")
        #expect(
            taken.first?.because
                == "(the body is not JSON, line 2, column 2: the name \"authenticated\" is given twice in this object; "
                + "it was first given at line 1, column 2)")
    }

    @Test("a branch before any JSON condition says nothing of the body")
    func jsonNotWeighed() throws {
        var walk = try walk()
        var driver = ScriptedDriver(results: [
            "probe": [StepResult(output: "<html>bad gateway", httpStatus: 502, headers: [HTTPHeader(name: "server", value: "nginx")])]
        ])
        driver.drive(&walk, from: walk.start())
        let taken = driver.effects.compactMap { effect -> BranchTaken? in
            if case .branched(let taken) = effect { return taken }
            return nil
        }
        #expect(taken.first?.condition == "header Server matches /^nginx/ and HTTP 502")
        #expect(taken.first?.because == "nginx answered 502")
    }

    @Test("timed out, exit status lists, not_matches, questions by number and by answer")
    func otherBranches() throws {
        var walk = try walk()
        var driver = ScriptedDriver(
            results: ["probe": [StepResult(httpStatus: 0)], "log": [StepResult(timedOut: true), StepResult(exitStatus: 2, output: "nothing")]],
            replies: ["ask": [.answered("again"), .answered("restart")], "restart": [.declined]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["probe", "log", "ask", "log", "ask", "restart", "give-up"])
        #expect(walk.variables["answer"] == "restart")
        #expect(driver.reasons.contains("the log read timed out") && driver.reasons.contains("no useful lines"))
        #expect(driver.reasons.last == "the operator declined the action")
    }

    @Test("an action never runs before its confirmation")
    func confirmationFirst() throws {
        var walk = try walk()
        var driver = ScriptedDriver(results: [
            "probe": [StepResult(httpStatus: 0)], "log": [StepResult(exitStatus: 0, output: "Connection refused\nConnection refused\nrestarts=3")],
        ])
        driver.drive(&walk, from: walk.start())
        #expect(walk.pending == .confirmation(stepID: "restart"))
        #expect(!driver.ran.contains { $0.stepID == "restart" })
        let next = walk.handle(.confirmed(by: "app"))
        guard case .run(let invocation) = next.first else {
            Issue.record("confirmation should run the action")
            return
        }
        #expect(invocation.stepID == "restart")
    }

    @Test("declining an action without a skip branch aborts the run")
    func declineWithoutSkip() throws {
        let runbook = try TestSupport.runbook(
            """
            medic: 1
            id: d
            title: d
            steps:
              act:
                kind: action
                title: Act
                why: w
                command: ["true"]
                branches:
                  - {when: {succeeded: true}, next: done}
                  - otherwise: done
              done: {kind: conclusion, title: d, why: w, outcome: resolved, cause: none}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
            """)
        var walk = Walk(bundle: TestSupport.bundle(runbook), inputs: [:])
        _ = walk.start()
        let effects = walk.handle(.declined)
        guard case .ended(.aborted) = effects.last else {
            Issue.record("expected an abort, got \(effects)")
            return
        }
        #expect(walk.isEnded)
    }

    @Test("back, retry, goto and skip move the walk as the operator asks")
    func navigation() throws {
        var walk = try walk()
        _ = walk.start()
        _ = walk.handle(.finished(StepResult(httpStatus: 0)))
        #expect(walk.currentStepID == "log")
        _ = walk.handle(.back)
        #expect(walk.currentStepID == "probe")
        _ = walk.handle(.retry)
        #expect(walk.currentStepID == "probe" && walk.path == ["probe", "log", "probe", "probe"])
        _ = walk.handle(.goto("ask"))
        #expect(walk.pending == .answer(stepID: "ask"))
        let stalled = walk.handle(.goto("nope"))
        #expect(stalled.contains { if case .stalled = $0 { true } else { false } })
        _ = walk.handle(.goto("log"))
        _ = walk.handle(.skip)
        #expect(walk.path.last == "fine")
    }

    @Test("a cancelled step waits for the operator's decision")
    func cancelled() throws {
        var walk = try walk()
        _ = walk.start()
        let effects = walk.handle(.finished(StepResult(cancelled: true)))
        #expect(effects == [.stalled(stepID: "probe", reason: "the step was cancelled")])
        #expect(walk.pending == .decision(stepID: "probe"))
        _ = walk.handle(.retry)
        #expect(walk.pending == .result(stepID: "probe"))
    }

    @Test("a runbook step hands over, and branches on the called runbook's outcome")
    func composition() throws {
        let callee = try TestSupport.runbook(
            """
            medic: 1
            id: verify
            title: Verify
            inputs:
              url: {type: url}
            steps:
              health:
                kind: check
                title: Health
                why: w
                http: {url: "${url}"}
                branches:
                  - {when: {succeeded: true}, next: ok}
                  - otherwise: bad
              ok: {kind: conclusion, title: ok, why: w, outcome: resolved, cause: none}
              bad: {kind: conclusion, title: bad, why: w, outcome: escalate, cause: upstream-crashed}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
              upstream-crashed: {title: "The upstream exits on start-up or while serving", description: "In this test, the upstream exits on start-up or while serving."}
            """, path: "verify.yaml")
        let caller = try TestSupport.runbook(
            """
            medic: 1
            id: caller
            title: Caller
            inputs:
              site: {type: url, default: "http://127.0.0.1:1/"}
            steps:
              check:
                kind: runbook
                title: Verify
                why: w
                runbook: verify.yaml
                with: {url: "${site}health"}
                branches:
                  - {when: {outcome: resolved}, next: good, because: verified}
                  - {when: {cause: upstream-crashed}, next: crashed, because: crashed}
                  - otherwise: good
              good: {kind: conclusion, title: good, why: w, outcome: resolved, cause: none}
              crashed: {kind: conclusion, title: crashed, why: w, outcome: escalate, cause: upstream-crashed}
            causes:
              none: {title: "No fault found", description: "In this test, no fault found."}
              upstream-crashed: {title: "The upstream exits on start-up or while serving", description: "In this test, the upstream exits on start-up or while serving."}
            """, path: "caller.yaml")
        var walk = Walk(bundle: TestSupport.bundle(caller, calling: [callee]), inputs: [:])
        var driver = ScriptedDriver(results: ["verify/health": [StepResult(httpStatus: 500)]])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["check", "verify/health", "verify/bad", "crashed"])
        #expect(
            driver.ran.first?.payload
                == .http(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/health", headers: [], body: nil, followRedirects: false)))
        #expect(driver.reasons.last == "crashed")
    }
}
