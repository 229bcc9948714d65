import MedicCore
import MedicTestSupport
import Testing

/// A secret asked late reaches every runbook on the call stack, by the same name or through a
/// `with`, and stays known after `back`.
@Suite("Inputs asked late")
struct LateInputTests {
    static let callee = """
        medic: 1
        id: verify
        title: Verify
        inputs:
          password: {type: secret}
          header: {type: secret, required: false}
        steps:
          login:
            kind: check
            title: Login
            why: w
            script: test -n "$PASSWORD"
            branches:
              - otherwise: token
          token:
            kind: check
            title: Token
            why: w
            http: {url: "http://127.0.0.1:1/", headers: {Authorization: "${header}"}}
            branches:
              - otherwise: ok
          ok: {kind: conclusion, title: ok, why: w, outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let caller = """
        medic: 1
        id: caller
        title: Caller
        inputs:
          password: {type: secret}
          token: {type: secret, required: false}
        steps:
          first:
            kind: check
            title: First
            why: w
            command: ["true"]
            branches:
              - otherwise: call
          call:
            kind: runbook
            title: Verify
            why: w
            runbook: verify.yaml
            with: {header: "Bearer ${token}"}
            branches:
              - otherwise: done
          done: {kind: conclusion, title: done, why: w, outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    @Test("a step that reads nothing late needs nothing; a called runbook's step needs the root's secret it inherits or is given")
    func throughACall() throws {
        let callee = try TestSupport.runbook(Self.callee, path: "verify.yaml")
        let caller = try TestSupport.runbook(Self.caller, path: "caller.yaml")
        var walk = Walk(bundle: TestSupport.bundle(caller, calling: [callee]), inputs: [:])
        walk.deferInputs(["password", "token", "nonexistent"])
        #expect(walk.lateInputs == ["password", "token"])
        _ = walk.start()
        #expect(walk.lateInputsNeeded.isEmpty, "the first step reads no secret")
        _ = walk.handle(.finished(StepResult(exitStatus: 0)))
        #expect(walk.currentStepID == "verify/login")
        #expect(walk.lateInputsNeeded.map(\.name) == ["password"], "inherited by the same name")
        let login = walk.provideLate("password", value: "pw1")
        #expect(login?.environment["PASSWORD"] == "pw1" && login?.secrets.contains("pw1") == true)
        #expect(walk.lateInputsNeeded.isEmpty, "asked once")
        _ = walk.handle(.finished(StepResult(exitStatus: 0)))
        #expect(walk.currentStepID == "verify/token")
        #expect(walk.lateInputsNeeded.map(\.name) == ["token"], "given through `with: {header: \"Bearer ${token}\"}`")
        guard case .http(let request)? = walk.provideLate("token", value: "t0k")?.payload else {
            Issue.record("the token step is an http probe")
            return
        }
        #expect(request.headers.first { $0.name == "Authorization" }?.value == "Bearer t0k")
        _ = walk.handle(.back)
        #expect(walk.currentStepID == "verify/login")
        #expect(walk.invocation(for: try #require(walk.currentStep))?.environment["PASSWORD"] == "pw1", "still known after back")
    }
}
