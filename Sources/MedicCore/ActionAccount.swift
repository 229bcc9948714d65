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

/// One visit to an action, and what became of it.
public struct ActionRecord: Sendable, Hashable {
    /// What became of an action.
    public enum Fate: String, Sendable, Hashable {
        /// It ran and succeeded.
        case done
        /// It ran and failed (a non-zero exit, an unexpected HTTP status, a timeout, Ctrl-C).
        case failed
        /// The operator answered `no` (or an answer that is not the approval).
        case declined
        /// The operator answered `skip`.
        case skipped
        /// A dry run: shown, never run.
        case dryRun = "dry-run"
        /// Nobody could confirm it: no terminal and no `--yes`.
        case refused
        /// The operator answered `abort`, ending the run.
        case aborted
        /// The walk left it (or ended) before anyone decided.
        case unanswered
        /// Approved, or started, with no result recorded.
        case unfinished
    }

    /// The action's qualified step id.
    public var stepID: String
    /// Its title.
    public var title: String
    /// What became of it.
    public var fate: Fate
    /// Who decided: the operator's `user@host`, or `--yes`; nil when nobody was asked.
    public var by: String?
    /// When it was decided (or shown, in a dry run), as the journal stamps times.
    public var at: String?
    /// What the operator typed, or the command that left it unanswered.
    public var reply: String?
    /// When it started running, for one that ran.
    public var startedAt: String?
    /// How a run that ended went, in a few words (`exit status 1`); empty for a plain success.
    public var result: String = ""

    /// Creates a record.
    public init(stepID: String, title: String, fate: Fate, by: String? = nil, at: String? = nil) {
        self.stepID = stepID
        self.title = title
        self.fate = fate
        self.by = by
        self.at = at
    }

    /// What happened, in one sentence without a final period: `"Stop the jobs" (stop-jobs) was
    /// not run: declined by alice@box at 03:12:07 UTC`.
    public var sentence: String {
        let name = "\"\(title)\" (\(stepID))"
        switch fate {
        case .done: return "\(name) ran and succeeded: \(approval)"
        case .failed: return "\(name) ran and failed (\(result.isEmpty ? "no success" : result)): \(approval)"
        case .declined: return "\(name) was not run: declined by \(who)\(when)"
        case .skipped: return "\(name) was not run: skipped by \(who)\(when)"
        case .dryRun: return "\(name) was not run: dry run (--dry-run)"
        case .refused: return "\(name) was not run: nobody could confirm it (no terminal, no --yes)"
        case .aborted: return "\(name) was not run: \(who) aborted the run there\(when)"
        case .unanswered:
            let left = reply.map { ": the operator typed `\($0)` at its confirmation" } ?? ""
            return "\(name) was not run: nobody approved it\(left)"
        case .unfinished:
            if let startedAt { return "\(name) started at \(Self.clock(startedAt)) but no result was recorded" }
            return "\(name) was approved\(by.map { " by \($0)" } ?? "")\(when), and no run of it is recorded"
        }
    }

    /// Who approved it and when: `confirmed by alice@box at 03:12:07 UTC`, `approved by --yes at …`.
    public var approval: String {
        by == "--yes" ? "approved by --yes\(when)" : "confirmed by \(who)\(when)"
    }

    private var who: String { by ?? "the operator" }
    private var when: String { at.map { $0.isEmpty ? "" : " at " + Self.clock($0) } ?? "" }

    /// `2026-11-21T03:12:07.123Z` as `03:12:07 UTC`; another text as it is.
    public static func clock(_ time: String) -> String {
        let characters = Array(time)
        guard characters.count >= 19, characters[10] == "T", characters[13] == ":", characters[16] == ":" else { return time }
        return String(characters[11..<19]) + " UTC"
    }
}
