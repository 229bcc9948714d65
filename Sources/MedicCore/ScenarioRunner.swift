/// Walks a runbook against a scenario, offline, and judges the result.
public struct ScenarioRunner: Sendable {
    /// What one scenario run found.
    public struct Report: Sendable {
        /// The scenario.
        public var scenario: Scenario
        /// The path the walk took.
        public var path: [String]
        /// How the walk ended, if it did.
        public var ending: WalkEnding?
        /// Why the scenario failed; empty when it passed.
        public var failures: [String]
        /// The edges the walk took, for coverage.
        public var edges: Set<Coverage.Edge>
        /// The conclusions the walk reached, nested ones included.
        public var conclusions: Set<String>
        /// Each action the walk put to the operator, in order, and whether the scenario approved it.
        public var decisions: [DrillGrade.Decision] = []
        /// The actions the walk asked to confirm, in order.
        public var actions: [String] { decisions.map(\.stepID) }

        /// Whether the scenario passed.
        public var passed: Bool { failures.isEmpty }
    }

    /// The most effects one scenario may produce before it is judged a loop.
    public static let effectLimit = 10_000

    let bundle: RunbookBundle

    /// Creates a runner for `bundle`.
    public init(bundle: RunbookBundle) { self.bundle = bundle }

    /// What an action the scenario records nothing for gives: success, on every host.
    public static func success(of invocation: Invocation) -> StepResult {
        guard let remote = invocation.remote, remote.isHostSet else { return StepResult(exitStatus: 0) }
        return StepResult(hosts: remote.hosts.map { HostResult(host: $0, result: StepResult(exitStatus: 0)) })
    }

    /// Runs `scenario` and judges it against its expectations.
    public func run(_ scenario: Scenario) -> Report {
        var report = Report(scenario: scenario, path: [], ending: nil, failures: [], edges: [], conclusions: [])
        let (inputs, problems) = InputResolution.resolve(bundle.root.inputs, provided: scenario.inputs)
        for problem in problems { report.failures.append("input \(problem)") }
        for name in scenario.inputs.keys where bundle.root.input(name) == nil {
            report.failures.append("the runbook has no input '\(name)'")
        }
        guard report.failures.isEmpty else { return report }
        var walk = Walk(bundle: bundle, inputs: inputs)
        walk.ansibleGroups = scenario.inventory ?? [:]
        var recorded = RecordedResults(scenario.results)
        var queue = walk.start()
        var handled = 0
        var tracker = Coverage.Tracker(bundle: bundle)
        while !queue.isEmpty, handled < Self.effectLimit {
            let effect = queue.removeFirst()
            handled += 1
            tracker.observe(effect)
            switch effect {
            case .run(let invocation):
                if let result = recorded.next(for: invocation) {
                    queue += walk.handle(.finished(result))
                } else if invocation.kind == .action {
                    queue += walk.handle(.finished(Self.success(of: invocation)))
                } else {
                    report.failures.append("no recorded result for check '\(invocation.stepID)'")
                    queue = []
                }
            case .confirm(let invocation, _):
                // Like a person at the prompt, a scenario decides only with an exact answer: a typo
                // such as `y` fails the scenario instead of declining the action.
                switch scenario.answers[invocation.stepID] ?? "yes" {
                case "yes":
                    report.decisions.append(DrillGrade.Decision(stepID: invocation.stepID, answer: .approved))
                    queue += walk.handle(.confirmed(by: "scenario"))
                case "no":
                    report.decisions.append(DrillGrade.Decision(stepID: invocation.stepID, answer: .declined))
                    queue += walk.handle(.declined)
                case let other:
                    report.failures.append(
                        "the answer recorded for action '\(invocation.stepID)' is '\(other)'; an action's answer is \"yes\" or \"no\"")
                    queue = []
                }
            case .ask(let question):
                if let answer = scenario.answers[question.stepID], let option = question.option(for: answer) {
                    queue += walk.handle(.answered(option))
                } else {
                    report.failures.append("no answer recorded for question '\(question.stepID)'")
                    queue = []
                }
            case .stalled(let stepID, let reason):
                let hint = scenario.inventory == nil && bundle.namesAnsibleGroups ? " (a scenario gives the groups' hosts with 'inventory')" : ""
                report.failures.append("the walk stalled at '\(stepID)': \(reason)\(hint)")
                queue = []
            case .ended(let ending):
                report.ending = ending
            default:
                break
            }
        }
        report.path = walk.path
        report.edges = tracker.edges
        report.conclusions = tracker.conclusions
        if handled >= Self.effectLimit, report.ending == nil {
            report.failures.append("the walk did not end after \(Self.effectLimit) effects; the recorded results make it loop")
        }
        judge(&report)
        return report
    }

    private func judge(_ report: inout Report) {
        guard report.failures.isEmpty else { return }
        let scenario = report.scenario
        switch report.ending {
        case .none:
            report.failures.append("the walk did not end")
        case .aborted(let reason):
            report.failures.append("the walk was aborted: \(reason)")
        case .needsPerson(let stepID, let reason):
            report.failures.append("the walk stopped before '\(stepID)': \(reason)")
        case .concluded(let reached):
            if let outcome = scenario.expectedOutcome, outcome != reached.outcome {
                report.failures.append("expected outcome \(outcome.rawValue), got \(reached.outcome.rawValue) at '\(reached.stepID)'")
            }
            if let cause = scenario.expectedCause, cause != reached.cause {
                let declared = bundle.root.cause(cause).map { " (\($0.title))" } ?? ""
                report.failures.append("expected cause \(cause)\(declared), got \(reached.cause) (\(reached.causeTitle)) at '\(reached.stepID)'")
            }
        }
        if let expected = scenario.expectedActions, expected != report.actions {
            let list = { (ids: [String]) in ids.isEmpty ? "none" : ids.joined(separator: ", ") }
            report.failures.append("expected actions: \(list(expected)); the walk reached: \(list(report.actions))")
        }
        if let expected = scenario.expectedPath, expected != report.path {
            report.failures.append("the path differs from the expected one:\n" + PathDiff.render(expected: expected, actual: report.path))
        }
    }
}

/// A line-by-line comparison of an expected and an actual path.
public enum PathDiff {
    /// The two paths side by side from their first difference, marked `-` (expected) and `+` (taken).
    public static func render(expected: [String], actual: [String]) -> String {
        let common = zip(expected, actual).prefix { $0 == $1 }.count
        var lines: [String] = []
        if common > 0 { lines.append("    … \(common) step\(common == 1 ? "" : "s") in common, last '\(expected[common - 1])'") }
        for id in expected[common...] { lines.append("    - \(id)") }
        for id in actual[common...] { lines.append("    + \(id)") }
        return lines.joined(separator: "\n")
    }
}
