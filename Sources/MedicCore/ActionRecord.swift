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
            switch reply {
            case "end of input"?: return "\(name) was not run: the input ended at its confirmation\(when), before anyone approved it"
            case "Ctrl-C"?: return "\(name) was not run: Ctrl-C at its confirmation\(when), nobody approved it"
            case let typed?: return "\(name) was not run: nobody approved it (the operator typed `\(typed)` at its confirmation)"
            case nil: return "\(name) was not run: nobody approved it"
            }
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
