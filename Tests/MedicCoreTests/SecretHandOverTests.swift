import MedicCore
import MedicLoader
import MedicTestSupport
import Testing

/// A secret stays a secret: handed to a called runbook only as a secret input, and masked for
/// the whole run once it has held a value, after `set` changes it and after its runbook ends.
@Suite("Secrets handed over and changed")
struct SecretHandOverTests {
    static let caller = """
        medic: 1
        id: caller
        title: Caller
        inputs:
          token: {type: secret}
        steps:
          call:
            kind: runbook
            title: Call
            why: w
            runbook: callee.yaml
            with:
              word: "${token}"
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

    static func callee(wordType: String) -> String {
        """
        medic: 1
        id: callee
        title: Callee
        inputs:
          word: {type: \(wordType), required: false}
        steps:
          look:
            kind: check
            title: Look
            why: w
            script: echo "$WORD"
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
    }

    static func bundle(wordType: String) throws -> RunbookBundle {
        let caller = try TestSupport.parsed(Self.caller, path: "/rb/caller.yaml")
        let callee = try TestSupport.parsed(Self.callee(wordType: wordType), path: "/rb/callee.yaml")
        return TestSupport.bundle(caller, calling: [callee])
    }

    @Test("a secret passed with 'with:' to an input that is not secret is a located error")
    func validation() throws {
        let errors = Validator().validate(try Self.bundle(wordType: "string")).filter { $0.severity == .error }
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.message.contains("passes the secret 'token' to 'word' of callee.yaml, which is not a secret input"))
        #expect(error.location.file == "/rb/caller.yaml" && error.location.line == 13)
        #expect(Validator().validate(try Self.bundle(wordType: "secret")).filter { $0.severity == .error }.isEmpty)
    }

    @Test("a walk of a bundle that was not validated refuses the hand-over and runs nothing of the callee")
    func walkRefuses() throws {
        var walk = Walk(bundle: try Self.bundle(wordType: "string"), inputs: ["token": "s3cr3t-value"])
        var driver = ScriptedDriver()
        driver.drive(&walk, from: walk.start())
        #expect(driver.ran.isEmpty)
        guard case .aborted(let reason) = driver.ending else {
            Issue.record("the walk did not abort: \(String(describing: driver.ending))")
            return
        }
        #expect(reason == "step 'call' would hand a secret to 'word' of callee, which is not a secret input")
    }

    @Test("the called runbook's secret input is masked in its frame and after it ends")
    func maskedInCallee() throws {
        var walk = Walk(bundle: try Self.bundle(wordType: "secret"), inputs: ["token": "s3cr3t-value"])
        var driver = ScriptedDriver(results: ["callee/look": [StepResult(exitStatus: 0, output: "s3cr3t-value\n")]])
        driver.drive(&walk, from: walk.start())
        let look = try #require(driver.ran.first)
        #expect(Set(look.secrets) == ["s3cr3t-value"])
        #expect(look.environment["WORD"] == "s3cr3t-value")
        #expect(walk.masking.apply("x s3cr3t-value") == "x \(Masking.mask)")
    }

    @Test("after 'set', the value a secret held before and the new one both stay masked")
    func setKeepsMasking() throws {
        var walk = Walk(bundle: try Self.bundle(wordType: "secret"), inputs: ["token": "OLDSECRETVALUE"])
        _ = walk.handle(.set(name: "token", value: "NEWSECRETVALUE"))
        #expect(walk.masking.apply("OLDSECRETVALUE NEWSECRETVALUE") == "\(Masking.mask) \(Masking.mask)")
        #expect(Set(walk.secretValues) == ["OLDSECRETVALUE", "NEWSECRETVALUE"])
    }
}
