/// What happened to each action a run reached, told from the journal's own events.
///
/// The ending of a run is composed from this account, not from the runbook's wording: a
/// conclusion's summary is the runbook author's text, written for the path where every action
/// ran; the account says, for this path, which actions did not run or did not succeed, so the
/// ending never claims more than the journal shows. The session feeds it every event it records,
/// with the time the recorder stamped; the report rebuilds it from the journal on disk.
public struct ActionAccount: Sendable, Hashable {
    /// Every visit to an action, in the order the walk reached them (an action entered again
    /// after `back` or `retry` is a new visit).
    public private(set) var actions: [ActionRecord] = []

    /// Creates an empty account.
    public init() {}

    /// The account of an interrupted run, to go on with when it is resumed: a last visit nobody
    /// decided is dropped, since the resumed walk enters that action again.
    public var resumed: ActionAccount {
        var account = self
        if account.actions.last?.fate == .unanswered { account.actions.removeLast() }
        return account
    }

    /// The visits whose action did not run and succeed.
    public var notDone: [ActionRecord] { actions.filter { $0.fate != .done } }

    /// Takes one journal event, recorded at `time` (`2026-11-21T03:12:07.123Z`; empty when unknown).
    public mutating func observe(_ event: TranscriptEvent, at time: String) {
        switch event {
        case .step(let visit) where visit.kind == .action:
            actions.append(ActionRecord(stepID: visit.stepID, title: visit.title, fate: .unanswered))
        case .confirm(let confirm):
            update(confirm.stepID) { record in
                record.by = confirm.by
                record.at = time
                record.reply = confirm.reply
                if confirm.approved {
                    record.fate = .unfinished
                } else {
                    switch confirm.reply {
                    case "abort": record.fate = .aborted
                    case "skip": record.fate = .skipped
                    case "no terminal": record.fate = .refused
                    // Not a decision: nobody declined it, the input (or the operator's patience) ran out.
                    case "end of input", "Ctrl-C": record.fate = .unanswered
                    default: record.fate = .declined
                    }
                }
            }
        case .run(let run) where run.kind == .action:
            update(run.stepID) { record in
                if run.dryRun {
                    record.fate = .dryRun
                    if record.at == nil { record.at = time }
                } else {
                    record.fate = .unfinished
                    record.startedAt = time
                }
            }
        case .result(let result):
            update(result.stepID) { record in
                guard record.fate == .unfinished, result.notRun == nil else { return }
                record.fate = result.succeeded ? .done : .failed
                record.result = Self.describe(result)
            }
        case .command(let stepID, let text):
            update(stepID) { record in
                if record.fate == .unanswered { record.reply = text }
            }
        default:
            break
        }
    }

    /// Applies `change` to the latest visit of `stepID`, when that is the latest visit of all
    /// (an event about an earlier visit cannot arrive after the walk moved on).
    private mutating func update(_ stepID: String, _ change: (inout ActionRecord) -> Void) {
        guard let last = actions.indices.last, actions[last].stepID == stepID else { return }
        change(&actions[last])
    }

    /// A step run's result in a few words: `exit status 1`, `HTTP 502`, `timed out`.
    public static func describe(_ result: ResultRecord) -> String {
        var parts: [String] = []
        if let reason = result.failureReason { parts.append("could not run: \(reason)") }
        if result.cancelled { parts.append("cancelled by the operator") }
        if result.timedOut { parts.append("timed out") }
        if let status = result.exitStatus { parts.append("exit status \(status)") }
        if let status = result.httpStatus { parts.append(status == 0 ? "no HTTP answer" : "HTTP \(status)") }
        return parts.joined(separator: ", ")
    }

    /// The ending's text: `summary` (the conclusion's, or why the run stopped), then one line
    /// for each action on the path that did not run and succeed.
    public func compose(_ summary: String) -> String {
        let missing = notDone
        guard !missing.isEmpty else { return summary }
        var lead = Substring(summary)
        while lead.last?.isNewline == true { lead = lead.dropLast() }
        if !lead.isEmpty { lead += "\n" }
        return lead + "Not done on this path:\n" + missing.map { "- " + $0.sentence + "." }.joined(separator: "\n")
    }
}
