import MedicCore

/// Rebuilding a walk's position from the journal of an interrupted run, without running
/// anything: the recorded results, confirmations, answers and commands are fed to a fresh walk
/// in the order they happened.
public enum JournalReplay {
    /// One recorded thing that moved the walk.
    public enum Record: Sendable, Hashable {
        /// A step's result; `notRun` for a dry-run action.
        case result(stepID: String, result: StepResult, notRun: Bool)
        /// An action put to the operator.
        case confirm(stepID: String, approved: Bool, reply: String)
        /// A question answered.
        case answer(stepID: String, answer: String)
        /// An operator command (`back`, `retry`, `skip`, `goto X`, `set N=V`, `quit`).
        case command(String)
    }

    /// Where the replay left the walk.
    public struct Outcome: Sendable {
        /// Actions whose result was recorded: they ran to completion.
        public var completedActions: [String] = []
        /// An action that was approved and started but whose result was never recorded.
        public var interruptedAction: String?
        /// Why the journal could not be followed, when it could not.
        public var problem: String?
    }

    /// Feeds `records` to `walk` (not yet started).
    public static func replay(_ records: [Record], on walk: inout Walk) -> Outcome {
        var outcome = Outcome()
        _ = walk.start()
        for (index, record) in records.enumerated() {
            if walk.isEnded {
                outcome.problem = "the journal goes on after the walk ended (record \(index + 1))"
                return outcome
            }
            switch record {
            case .result(let stepID, let result, let notRun):
                if notRun, case .confirmation(let pending) = walk.pending, pending == stepID {
                    _ = walk.handle(.confirmed(by: "dry run"))
                }
                guard case .result(let pending) = walk.pending, pending == stepID else {
                    outcome.problem = "the journal has a result of '\(stepID)' where the runbook is at '\(walk.currentStepID)'"
                    return outcome
                }
                if walk.currentStep?.kind == .action { outcome.completedActions.append(stepID) }
                _ = walk.handle(.finished(result))
            case .confirm(let stepID, let approved, let reply):
                guard case .confirmation(let pending) = walk.pending, pending == stepID else {
                    outcome.problem = "the journal confirms '\(stepID)' where the runbook is at '\(walk.currentStepID)'"
                    return outcome
                }
                if approved {
                    _ = walk.handle(.confirmed(by: reply))
                } else if reply == "abort" || reply == "no terminal" {
                    _ = walk.handle(.abort(reason: "aborted at '\(stepID)'"))
                } else {
                    _ = walk.handle(.declined)
                }
            case .answer(_, let answer):
                _ = walk.handle(.answered(answer))
            case .command(let text):
                switch OperatorCommand(parsing: text) {
                case .back: _ = walk.handle(.back)
                case .retry: _ = walk.handle(.retry)
                case .skip: _ = walk.handle(.skip)
                case .goto(let id): _ = walk.handle(.goto(id))
                case .set(let name, let value?) where value != Masking.mask: _ = walk.handle(.set(name: name, value: value))
                case .quit: _ = walk.handle(.abort(reason: "the operator quit"))
                default: break
                }
            }
        }
        if case .result(let stepID) = walk.pending, walk.currentStep?.kind == .action { outcome.interruptedAction = stepID }
        return outcome
    }
}
