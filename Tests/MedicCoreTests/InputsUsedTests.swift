import MedicCore
import MedicTestSupport
import Testing

/// The inputs a path used, for the report: through templates, conditions, scripts' environment,
/// and a called runbook's inputs back to the root's.
@Suite("The inputs a path used")
struct InputsUsedTests {
    static let callee = """
        medic: 1
        id: verify
        title: Verify
        inputs:
          url: {type: url}
          user: {type: string, default: nobody}
          quiet: {type: string, default: "no"}
        steps:
          health:
            kind: check
            title: Health
            why: w
            http: {url: "${url}"}
            branches:
              - {when: {succeeded: true}, next: login}
              - otherwise: bad
          login:
            kind: check
            title: Login
            why: w
            script: echo "$USER"
            branches:
              - {when: {succeeded: true}, next: ok}
              - otherwise: bad
          ok: {kind: conclusion, title: ok, why: w, outcome: resolved, cause: none}
          bad: {kind: conclusion, title: bad, why: w, outcome: escalate, cause: upstream-crashed}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
          upstream-crashed: {title: "The upstream exits on start-up or while serving", description: "In this test, the upstream exits on start-up or while serving."}
        """

    static let caller = """
        medic: 1
        id: caller
        title: Caller
        inputs:
          site: {type: url, default: "http://127.0.0.1:1/"}
          user: {type: string, default: alice}
          mode: {type: string, default: fast}
          unused: {type: string, default: x}
        steps:
          pick:
            kind: check
            title: Pick
            why: w
            command: ["true"]
            branches:
              - {when: {var: mode, matches: slow}, next: slow}
              - otherwise: check
          check:
            kind: runbook
            title: Verify
            why: w
            runbook: verify.yaml
            with: {url: "${site}health"}
            branches:
              - {when: {outcome: resolved}, next: good}
              - otherwise: good
          good: {kind: conclusion, title: good, why: w, outcome: resolved, cause: none}
          slow: {kind: conclusion, title: slow, why: w, outcome: escalate, cause: none, summary: "slow for ${unused}"}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a condition's variable, a `with` template and a callee's inherited input count; an input no step on the path reads does not")
    func throughACall() throws {
        let callee = try TestSupport.runbook(Self.callee, path: "verify.yaml")
        let caller = try TestSupport.runbook(Self.caller, path: "caller.yaml")
        var walk = Walk(bundle: TestSupport.bundle(caller, calling: [callee]), inputs: [:])
        var driver = ScriptedDriver(results: [
            "pick": [StepResult(exitStatus: 0)], "verify/health": [StepResult(httpStatus: 200)], "verify/login": [StepResult(exitStatus: 0)],
        ])
        driver.drive(&walk, from: walk.start())
        #expect(walk.path == ["pick", "check", "verify/health", "verify/login", "verify/ok", "good"])
        // mode: the condition; site: through `with: url`; user: the callee's own input, not
        // given in `with`, comes from the caller's variable of that name, read by the script.
        #expect(walk.inputsUsed == ["site", "user", "mode"])
    }
}
