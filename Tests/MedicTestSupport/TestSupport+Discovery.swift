import MedicCore

extension TestSupport {
    /// Runs `runbook`'s discoveries with a `FakeRunner` that answers from `results` (by step id,
    /// `discover:NAME`), given `given`: each input's finding by name, and the runner, to ask what ran.
    /// Configuration files a discovery names pass unless `judge` refuses them.
    public static func findInputs(
        of runbook: Runbook, results: [String: [StepResult]], given: [String: (value: String, origin: InputOrigin)] = [:],
        judge: JudgeDouble = JudgeDouble()
    ) -> (findings: [String: InputFinding], runner: FakeRunner) {
        let runner = FakeRunner(results: results)
        let findings = InputFinder(runbook: runbook, runner: runner, judge: judge).find(given: given)
        return (Dictionary(uniqueKeysWithValues: findings.map { ($0.name, $0) }), runner)
    }
}
