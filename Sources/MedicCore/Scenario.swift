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
    /// Where the scenario came from when `medic scenario capture` wrote it from a real run; nil
    /// for a scenario written by hand.
    public var captured: ScenarioProvenance?
    /// The Ansible inventory of the incident: each group's hosts, as `ansible-inventory --list`
    /// would give them to a real run (`{ansible_group: GROUP}` sets read it); nil when the
    /// scenario gives none.
    public var inventory: [String: [String]]?

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

/// The run a captured scenario was taken from (its `captured` mapping).
public struct ScenarioProvenance: Sendable, Hashable {
    /// The session directory of the run, as an absolute path.
    public var session: String
    /// When the run started, as its journal stamped it.
    public var started: String
    /// When the scenario was captured.
    public var at: String
    /// The Medic that captured it (`medic 0.1.0 (commit …)`).
    public var medic: String
    /// The version of the Medic that made the run.
    public var runMedic: String
    /// The runbook file the run used, as its journal names it, and the SHA-256 of its bytes then.
    public var runbook: String
    public var sha256: String

    /// Creates a provenance record.
    public init(session: String, started: String, at: String, medic: String, runMedic: String, runbook: String, sha256: String) {
        self.session = session
        self.started = started
        self.at = at
        self.medic = medic
        self.runMedic = runMedic
        self.runbook = runbook
        self.sha256 = sha256
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

    /// The recorded result of `invocation`, or nil when none is recorded. On a host set, each
    /// host of the invocation gets its recorded result (a rollout's later batches read the same
    /// record as its first); a host with none gets, for an action, success, and for a check a
    /// result that says nothing was recorded (so the scenario cannot pass by accident).
    public mutating func next(for invocation: Invocation) -> StepResult? {
        guard let remote = invocation.remote, remote.isHostSet else { return next(for: invocation.stepID) }
        let recorded: StepResult?
        if let batch = remote.batch, batch.number > 1, let list = results[invocation.stepID], !list.isEmpty {
            recorded = list[min(max(0, used[invocation.stepID, default: 1] - 1), list.count - 1)]
        } else {
            recorded = next(for: invocation.stepID)
        }
        guard let recorded else { return nil }
        let byHost = Dictionary((recorded.hosts ?? []).map { ($0.host, $0.result) }, uniquingKeysWith: { a, _ in a })
        let hosts = remote.hosts.map { host in
            if let result = byHost[host] { return HostResult(host: host, result: result) }
            if invocation.kind == .action { return HostResult(host: host, result: StepResult(exitStatus: 0)) }
            return HostResult(host: host, result: StepResult(failureReason: "nothing recorded for host \(host) in the scenario"))
        }
        return StepResult(hosts: hosts)
    }
}
