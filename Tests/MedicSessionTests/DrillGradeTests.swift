import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// A drill is graded on the trainee's decisions at each action, not only on the conclusion.
@Suite("The verdict of a drill")
struct DrillGradeTests {
    static let scenario = Scenario(
        name: "recovered", path: "two-fixes.scenarios/recovered.yaml", inputs: ["dir": "/tmp/two-fixes"],
        results: ["verify": [StepResult(exitStatus: 0)]], expectedOutcome: .resolved, expectedCause: "oom-killed")

    /// The trainee's walk with `replies`, graded against the scenario's own walk.
    func grade(_ replies: [ConsoleReply], scenario: Scenario = Self.scenario) throws -> DrillGrade {
        let runbook = try TestSupport.runbook(TwoFixes.yaml, path: "two-fixes.yaml")
        let bundle = TestSupport.bundle(runbook)
        let (values, _) = InputResolution.resolve(runbook.inputs, provided: scenario.inputs)
        var options = RunOptions(operatorName: "trainee", sessionPath: "(drill)")
        options.practice = true
        let session = RunSession(
            walk: Walk(bundle: bundle, inputs: values), console: ScriptedConsole(interactive: false, replies: replies),
            runner: DrillRunner(scenario: scenario), recorder: DrillRecorder(), options: options)
        let end = session.run(start: TwoFixes.start(flags: ["drill"]))
        let reference = ScenarioRunner(bundle: bundle).run(scenario)
        #expect(reference.passed, "\(reference.failures)")
        return DrillGrade(
            actions: session.account.actions, expected: reference.decisions,
            conclusionMatches: end.outcome == scenario.expectedOutcome?.rawValue && end.cause == scenario.expectedCause)
    }

    @Test("approving both fixes, as the incident needs, passes")
    func approved() throws {
        let grade = try grade([.line("yes"), .line("yes")])
        #expect(grade.passed)
        #expect(grade.rows.map(\.stepID) == ["stop-jobs", "restart"])
        #expect(grade.rows.allSatisfy { $0.yours == .approved && $0.expected == .approved })
    }

    @Test("declining every fix still reaches RESOLVED, and fails the drill")
    func declinedEverything() throws {
        let grade = try grade([.line("no"), .line("no")])
        #expect(grade.conclusionMatches, "the walk resolves: only the decisions tell")
        #expect(!grade.passed)
        #expect(grade.differences.map(\.stepID) == ["stop-jobs", "restart"])
        #expect(grade.differences.allSatisfy { $0.yours == .declined && $0.expected == .approved })
    }

    @Test("skipping a fix the incident needs fails the drill too")
    func skipped() throws {
        let grade = try grade([.line("skip"), .line("yes")])
        #expect(!grade.passed)
        #expect(grade.differences.map(\.stepID) == ["stop-jobs"])
        #expect(grade.differences.first?.yours == .declined)
    }

    @Test("a scenario that records a decline expects it: approving there fails")
    func expectedDecline() throws {
        var scenario = Self.scenario
        scenario.answers = ["stop-jobs": "no"]
        #expect(try grade([.line("no"), .line("yes")], scenario: scenario).passed)
        let approvedAnyway = try grade([.line("yes"), .line("yes")], scenario: scenario)
        #expect(!approvedAnyway.passed)
        #expect(approvedAnyway.differences.map(\.stepID) == ["stop-jobs"])
    }

    @Test("an action the trainee never reached is a difference")
    func notReached() throws {
        let grade = try grade([.line("yes"), .line("abort")])
        #expect(!grade.passed)
        #expect(grade.rows.last?.yours == .aborted)
    }
}
