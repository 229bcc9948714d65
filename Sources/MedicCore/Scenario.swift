/// A recorded incident: the results each step had, the operator's answers, and where the walk
/// must end. `medic test` walks a runbook against it with nothing executed.
public struct Scenario: Sendable {
    /// The scenario's name.
    public var name: String
    /// What happened, for the drill's introduction.
    public var description: String?
    /// The file it was loaded from.
    public var path: String
    /// Input values.
    public var inputs: [String: String]
    /// Results by qualified step id; used in order, the last repeating.
    public var results: [String: [StepResult]]
    /// Answers by qualified step id: `yes`/`no` for actions, an answer for questions.
    public var answers: [String: String]
    /// The expected outcome.
    public var expectedOutcome: Outcome?
    /// The expected cause.
    public var expectedCause: String?
    /// The expected full path of qualified step ids.
    public var expectedPath: [String]?
    /// Every action the walk must reach (asked to confirm), in order; `[]` means none may be.
    public var expectedActions: [String]?

    /// Creates a scenario.
    public init(
        name: String, description: String? = nil, path: String, inputs: [String: String] = [:],
        results: [String: [StepResult]] = [:], answers: [String: String] = [:], expectedOutcome: Outcome? = nil,
        expectedCause: String? = nil, expectedPath: [String]? = nil
    ) {
        self.name = name
        self.description = description
        self.path = path
        self.inputs = inputs
        self.results = results
        self.answers = answers
        self.expectedOutcome = expectedOutcome
        self.expectedCause = expectedCause
        self.expectedPath = expectedPath
    }
}

/// The recorded results of a scenario, handed out in order per step.
public struct RecordedResults: Sendable {
    let results: [String: [StepResult]]
    var used: [String: Int] = [:]

    /// Creates a source over `results`.
    public init(_ results: [String: [StepResult]]) { self.results = results }

    /// The next recorded result of `stepID`, or nil when none is recorded.
    public mutating func next(for stepID: String) -> StepResult? {
        guard let list = results[stepID], !list.isEmpty else { return nil }
        let index = used[stepID, default: 0]
        used[stepID] = index + 1
        return list[min(index, list.count - 1)]
    }
}
