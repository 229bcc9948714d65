/// The verdict of a drill: the trainee's decisions at each action against the recorded
/// incident's, and the conclusion reached against the expected one.
///
/// A drill is graded on decisions, not only on where it ends: declining every fix can still
/// reach a `resolved` conclusion in a runbook that goes on when an action is declined, and that
/// is a failed drill. The expected decisions are those of the scenario's own walk (`medic
/// test`): each action it puts to the operator, answered as the scenario's `answers` say.
public struct DrillGrade: Sendable, Hashable {
    /// What was decided at an action.
    public enum Answer: String, Sendable, Hashable {
        /// Approved (the action then ran, or would have).
        case approved
        /// Declined with `no`, or skipped with `skip`: the runbook's way around it.
        case declined
        /// `abort`: the run stopped there.
        case aborted
        /// Left without a decision (`goto`, `back`, the end of input…), or never put to the operator.
        case notDecided = "not decided"
    }

    /// One action put to the operator and the answer it got.
    public struct Decision: Sendable, Hashable {
        /// The action's qualified step id.
        public var stepID: String
        /// What was decided there.
        public var answer: Answer
        /// Creates a decision.
        public init(stepID: String, answer: Answer) {
            self.stepID = stepID
            self.answer = answer
        }
    }

    /// One action, with the trainee's answer and the expected one (nil where one side never reached it).
    public struct Row: Sendable, Hashable {
        /// The action's qualified step id.
        public var stepID: String
        /// Its title, as the trainee saw it; empty for one only the expected walk reached.
        public var title: String
        /// What the trainee decided; nil when they never reached it.
        public var yours: Answer?
        /// What the incident needs; nil when the expected walk never reached it.
        public var expected: Answer?
        /// Whether the trainee decided as the incident needed.
        public var matches: Bool { yours == expected }
    }

    /// The actions of both walks, in the order the trainee met them, then those only the expected walk met.
    public private(set) var rows: [Row] = []
    /// Whether the trainee reached the expected outcome and cause.
    public var conclusionMatches: Bool

    /// Grades `actions` (the trainee's walk, from its `ActionAccount`) against `expected` (the
    /// scenario's walk). The n-th visit to a step on one side is compared with the n-th on the other
    /// (a rolling action's batches each as a visit).
    public init(actions: [ActionRecord], expected: [Decision], conclusionMatches: Bool) {
        self.conclusionMatches = conclusionMatches
        var remaining = expected
        // A visit left without a decision (`back`, `goto`) and met again later was no decision at all.
        let decided = actions.enumerated().filter { index, action in
            action.fate != .unanswered || !actions[(index + 1)...].contains { $0.stepID == action.stepID }
        }.map(\.element)
        for action in decided {
            // A rolling action is put to the operator once per batch, and so is each expected
            // decision: one row per batch.
            let batched = action.batches.count > 1
            let answers = batched ? action.batches.map(Self.answer(of:)) : [Self.answer(of: action)]
            for (offset, answer) in answers.enumerated() {
                let title = batched ? "\(action.title), batch \(action.firstBatch + offset)" : action.title
                if let index = remaining.firstIndex(where: { $0.stepID == action.stepID }) {
                    rows.append(Row(stepID: action.stepID, title: title, yours: answer, expected: remaining[index].answer))
                    remaining.remove(at: index)
                } else {
                    rows.append(Row(stepID: action.stepID, title: title, yours: answer, expected: nil))
                }
            }
        }
        for decision in remaining { rows.append(Row(stepID: decision.stepID, title: "", yours: nil, expected: decision.answer)) }
    }

    /// Whether the drill passed: the expected conclusion, and every decision as the incident needed.
    public var passed: Bool { conclusionMatches && rows.allSatisfy(\.matches) }

    /// The rows where the trainee decided otherwise than the incident needed.
    public var differences: [Row] { rows.filter { !$0.matches } }

    /// The trainee's decision at one batch of a rolling action.
    static func answer(of batch: ActionRecord.BatchDecision) -> Answer {
        if batch.approved { return .approved }
        switch batch.reply {
        case "abort": return .aborted
        case "no terminal", "end of input", "Ctrl-C": return .notDecided
        default: return .declined
        }
    }

    /// The trainee's decision at one visit to an action.
    static func answer(of action: ActionRecord) -> Answer {
        switch action.fate {
        case .done, .failed, .unfinished, .partial: .approved
        case .declined, .skipped: .declined
        case .aborted: .aborted
        case .refused, .unanswered, .dryRun: .notDecided
        }
    }
}
