import MedicCore

/// A runner for drills: every check and action is answered from a recorded scenario, so a
/// trainee can walk an incident with nothing executed anywhere.
public final class DrillRunner: StepRunner {
    private var recorded: RecordedResults

    /// Creates a runner answering from `scenario`.
    public init(scenario: Scenario) { recorded = RecordedResults(scenario.results) }

    public func run(_ invocation: Invocation, output: (ArraySlice<UInt8>) -> Void) -> StepResult {
        // As in `medic test`: an action the scenario records no result for succeeded.
        let next = recorded.next(for: invocation)
        if next == nil, invocation.kind == .action { return ScenarioRunner.success(of: invocation) }
        guard let result = next else {
            let note = "(the scenario records no result for this step)\n"
            output(Array(note.utf8)[...])
            return StepResult(exitStatus: nil, output: note, failureReason: "nothing recorded for this step in the scenario")
        }
        // Stream the recorded output line by line, as a real command would print it.
        var line: [UInt8] = []
        for byte in result.output.utf8 {
            line.append(byte)
            if byte == 0x0A {
                output(line[...])
                line.removeAll(keepingCapacity: true)
            }
        }
        if !line.isEmpty { output(line[...]) }
        return result
    }
}
