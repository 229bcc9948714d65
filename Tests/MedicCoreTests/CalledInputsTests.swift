import MedicCore
import MedicTestSupport
import Testing

/// A value a caller hands to a called runbook (`with:`, or a variable of the same name) is held
/// to the called runbook's input rules, as a value typed at the inputs screen is: the called
/// runbook's checks rely on its type and pattern.
@Suite("Values handed to a called runbook")
struct CalledInputsTests {
    static let caller = """
        medic: 1
        id: caller
        title: Caller
        steps:
          read:
            kind: check
            title: Read
            why: w
            command: [cat, /etc/app.conf]
            capture: ['port=(?<port>\\S+)', 'name=(?<name>\\S+)']
            branches:
              - otherwise: call
          call:
            kind: runbook
            title: Call
            why: w
            runbook: callee.yaml
            with: {port: "${port}", service: "${name}"}
            branches:
              - otherwise: end
          end: {kind: conclusion, title: End, why: w, outcome: no-fault, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static let callee = """
        medic: 1
        id: callee
        title: Callee
        inputs:
          port: {type: int, required: true}
          service: {type: string, pattern: '^[a-z][a-z0-9-]*$', required: true}
        steps:
          probe:
            kind: check
            title: Probe
            why: w
            command: [ss, -ltn, "sport = :${port}"]
            branches:
              - otherwise: done
          done: {kind: conclusion, title: Done, why: w, outcome: resolved, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """

    static func walk(reading output: String) throws -> (walk: Walk, driver: ScriptedDriver) {
        let caller = try TestSupport.parsed(Self.caller, path: "/rb/caller.yaml")
        let callee = try TestSupport.parsed(Self.callee, path: "/rb/callee.yaml")
        let bundle = TestSupport.bundle(caller, calling: [callee])
        let problems = Validator().validate(bundle).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems)")
        var walk = Walk(bundle: bundle, inputs: [:])
        var driver = ScriptedDriver(results: ["read": [StepResult(exitStatus: 0, output: output)], "callee/probe": [StepResult(exitStatus: 0)]])
        driver.drive(&walk, from: walk.start())
        return (walk, driver)
    }

    @Test("values that fit the called runbook's inputs are handed over")
    func fitting() throws {
        let (walk, driver) = try Self.walk(reading: "port=8080\nname=web-app\n")
        #expect(walk.path == ["read", "call", "callee/probe", "callee/done", "end"])
        #expect(driver.ran.last?.display.contains("sport = :8080") == true)
    }

    @Test(
        "a value the called runbook's input refuses ends the walk before any of its steps, saying why",
        arguments: [
            ("port=80a\nname=web\n", "step 'call' hands callee a value for 'port' that it refuses: '80a' is not a whole number"),
            (
                "port=80\nname=Web_App\n",
                "step 'call' hands callee a value for 'service' that it refuses: 'Web_App' does not match the pattern ^[a-z][a-z0-9-]*$"
            ),
        ])
    func refused(output: String, reason: String) throws {
        let (walk, driver) = try Self.walk(reading: output)
        #expect(walk.path == ["read", "call"], "no step of the callee ran")
        guard case .aborted(let said) = driver.ending else {
            Issue.record("the walk went on: \(walk.path)")
            return
        }
        #expect(said == reason)
    }
}
