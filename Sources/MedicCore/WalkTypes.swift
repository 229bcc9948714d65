/// Something the walk asks its driver (the REPL, a drill, a scenario test) to do or show.
public enum WalkEffect: Sendable, Hashable {
    /// A step was entered: show its heading, kind and why.
    case entered(StepVisit)
    /// Run this check now and reply with `.finished(result)`.
    case run(Invocation)
    /// Ask the operator to confirm this action and reply with `.confirmed`, `.declined` or `.abort`.
    case confirm(Invocation, ConfirmationRequest)
    /// Ask the operator this question and reply with `.answered`.
    case ask(QuestionRequest)
    /// Values were captured from the step's output.
    case captured([CapturedValue])
    /// A branch was taken, and why.
    case branched(BranchTaken)
    /// The step was cancelled or could not be judged; the driver offers retry, skip, back, goto, quit.
    case stalled(stepID: String, reason: String)
    /// A rolling action on a host set stopped before its last batch: why, and the hosts it never reached.
    case rolloutStopped(stepID: String, reason: String, notRun: [String])
    /// A called runbook was entered or left.
    case handedOver(from: String, to: String, runbookID: String)
    /// The walk ended.
    case ended(WalkEnding)
}

/// The step being entered, for display.
public struct StepVisit: Sendable, Hashable {
    /// The qualified id.
    public var stepID: String
    /// The kind.
    public var kind: Step.Kind
    /// The heading.
    public var title: String
    /// The teaching text.
    public var why: String
    /// The id of the runbook the step is in.
    public var runbookID: String

    /// Creates a visit (the walk makes them; a journal reader reads them back).
    public init(stepID: String, kind: Step.Kind, title: String, why: String, runbookID: String) {
        self.stepID = stepID
        self.kind = kind
        self.title = title
        self.why = why
        self.runbookID = runbookID
    }
}

/// What the operator must type to approve an action.
public struct ConfirmationRequest: Sendable, Hashable {
    /// `yes`, or the target's name.
    public var expected: String
    /// How the step is confirmed.
    public var mode: Step.Confirmation
    /// Where a refusal leads; nil when refusing ends the run.
    public var skipTo: String?
    /// Why typing `expected` cannot approve the action, or nil when it can: the target's name is
    /// empty, or is a word the prompt reads as something else (`no`, `quit`; see
    /// `ConfirmationRequest+Reading`). Only `--yes` approves such an action.
    public var unapprovable: String?

    /// Creates a request; `isCommand` says whether a typed line is one of the operator's
    /// commands at the prompt, which a target's name must not be mistaken for.
    public init(expected: String, mode: Step.Confirmation, skipTo: String?, isCommand: (String) -> Bool = { _ in false }) {
        self.expected = expected
        self.mode = mode
        self.skipTo = skipTo
        self.unapprovable = mode == .typeTarget ? Self.clash(of: expected, isCommand: isCommand) : nil
    }
}

/// A question to put to the operator.
public struct QuestionRequest: Sendable, Hashable {
    /// The qualified id.
    public var stepID: String
    /// The question.
    public var title: String
    /// The options: what to type and what it means.
    public var options: [(answer: String, label: String)]

    public static func == (a: QuestionRequest, b: QuestionRequest) -> Bool {
        a.stepID == b.stepID && a.title == b.title && a.options.map(\.answer) == b.options.map(\.answer)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(stepID) }

    /// The option the operator meant by `reply`: exactly its answer, or exactly its number
    /// counting from 1. Nothing is trimmed or folded: anything else is not an answer.
    public func option(for reply: String) -> String? {
        if let index = options.indices.first(where: { String($0 + 1) == reply }) { return options[index].answer }
        return options.first { $0.answer == reply }?.answer
    }
}

/// A value captured from a step's output.
public struct CapturedValue: Sendable, Hashable {
    /// The variable name.
    public var name: String
    /// The value.
    public var value: String

    /// Creates a captured value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A branch the walk took.
public struct BranchTaken: Sendable, Hashable {
    /// The step it left.
    public var from: String
    /// The step it goes to (qualified).
    public var to: String
    /// The condition, in words; "otherwise" for the fallback.
    public var condition: String
    /// The `because` sentence, filled in and with secrets masked.
    public var because: String?

    /// Creates a branch taken.
    public init(from: String, to: String, condition: String, because: String?) {
        self.from = from
        self.to = to
        self.condition = condition
        self.because = because
    }
}

/// How a walk ended.
public enum WalkEnding: Sendable, Hashable {
    /// A conclusion was reached.
    case concluded(ReachedConclusion)
    /// The operator stopped, or declined an action with nowhere else to go.
    case aborted(reason: String)
    /// Nobody was there to decide at the confirmation, question or stalled step `stepID` (no
    /// terminal, input ended): the walk stopped there without deciding, so a person can resume it.
    case needsPerson(stepID: String, reason: String)
}

/// A conclusion as reached, with its summary filled in.
public struct ReachedConclusion: Sendable, Hashable {
    /// The conclusion step's qualified id.
    public var stepID: String
    /// Its title.
    public var title: String
    /// The outcome.
    public var outcome: Outcome
    /// The cause's id.
    public var cause: String
    /// The cause's title, as the runbook that concluded declares it.
    public var causeTitle: String
    /// The cause's description, as the runbook that concluded declares it.
    public var causeDescription: String
    /// The summary, filled in.
    public var summary: String
    /// Whom to call, from the runbook, when the outcome is `escalate`.
    public var escalation: String?
}

/// What the driver tells the walk.
public enum WalkEvent: Sendable, Hashable {
    /// The check or action that was asked for finished (or was cancelled, or timed out).
    case finished(StepResult)
    /// The operator approved the action; `by` says how (`yes`, the target, or `--yes`).
    case confirmed(by: String)
    /// The operator declined the action (`no` or `skip`).
    case declined
    /// The operator chose this answer to the question.
    case answered(String)
    /// Go back to the previous step.
    case back
    /// Run the current step again.
    case retry
    /// Skip the current step: a check takes `otherwise`, an action its skip branch.
    case skip
    /// Jump to a step of the current runbook.
    case goto(String)
    /// Set a variable.
    case set(name: String, value: String)
    /// Stop the walk.
    case abort(reason: String)
    /// Nobody can answer the confirmation, question or stalled step the walk waits on, or
    /// confirm the unverified check about to run: stop there, undecided.
    case needsPerson(reason: String)
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
