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
        /// A rolling action on a host set that ran, and succeeded, on some of its hosts and was
        /// not run on the others (a later batch declined, or never approved).
        case partial
    }

    /// One batch of a rolling action put to the operator, and the decision.
    public struct BatchDecision: Sendable, Hashable {
        /// Whether the batch was approved.
        public var approved: Bool
        /// What the operator typed, or `--yes`.
        public var reply: String
        /// Who decided: the operator's `user@host`, or `--yes`.
        public var by: String
        /// When, as the journal stamps times (empty when unknown).
        public var at: String
        /// Whether it was put to the operator by `medic resume`, going on with a rollout an
        /// earlier run left between batches.
        public var resumed: Bool
        /// Creates a decision.
        public init(approved: Bool, reply: String, by: String, at: String, resumed: Bool = false) {
            self.approved = approved
            self.reply = reply
            self.by = by
            self.at = at
            self.resumed = resumed
        }
    }

    /// What became of one host of a rolling action.
    public struct HostFate: Sendable, Hashable {
        /// The host's part in the rollout.
        public enum State: String, Sendable, Hashable {
            /// Its batch ran there and succeeded (and the check between batches passed).
            case succeeded
            /// Its batch ran there and did not succeed.
            case failed
            /// Its batch ran there and succeeded, and the check between batches did not pass.
            case verifyFailed = "verify-failed"
            /// Nothing ran there: the rollout stopped before its batch.
            case notRun = "not-run"
        }
        /// The host.
        public var host: String
        /// What became of it.
        public var state: State
        /// How it failed (`exit 3`), which check did not pass and how, or why nothing ran there.
        public var detail: String
        /// Creates a host's fate.
        public init(host: String, state: State, detail: String) {
            self.host = host
            self.state = state
            self.detail = detail
        }
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
    /// For an action on a host set (always rolled out in batches): how many batches its hosts
    /// make (`batch N of M`); 0 for any other action, or one none of whose batches ran.
    public var batchCount = 0
    /// For a rollout: the number of its first batch in this visit (a `retry` of a stopped
    /// rollout goes on after the batches that passed).
    public var firstBatch = 1
    /// For a rollout: how many of its batches ran in this visit and have a result (a rollout an
    /// interrupted run left between batches and `medic resume` went on with is one visit).
    public var batchesRun = 0
    /// For a rollout: each batch's decision, in order.
    public var batches: [BatchDecision] = []
    /// For a rollout: each host the journal names, in the set's order, and what became of it.
    /// The hosts of batches never put to anyone are named when the walk left the rollout (it
    /// stopped, or the operator went back, went elsewhere or quit at a batch's confirmation or
    /// at the confirmation of the check after a batch, or the input ended or Medic was told to
    /// stop there); a run killed outright (SIGKILL) between batches leaves them unnamed.
    public var hosts: [HostFate] = []

    /// Whether this is an action on a host set whose batches started running.
    public var isRollout: Bool { batchCount > 0 }

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
        if isRollout, hosts.contains(where: { $0.state != .notRun }) { return rolloutSentence(name) }
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
        case .partial:
            return "\(name) ran on some of its hosts only: \(approval)"
        case .unfinished:
            if let startedAt { return "\(name) started at \(Self.clock(startedAt)) but no result was recorded" }
            return "\(name) was approved\(by.map { " by \($0)" } ?? "")\(when), and no run of it is recorded"
        }
    }

    // MARK: - Rollouts

    /// The hosts where a batch ran.
    private var hostsRun: [String] { hosts.filter { $0.state != .notRun }.map(\.host) }

    /// Whether every host is named: every batch ran, or the rollout stopped and named the rest.
    private var allHostsKnown: Bool { lastBatchRun >= batchCount || hosts.contains { $0.state == .notRun } }

    /// The number of the last batch that ran and has a result.
    private var lastBatchRun: Int { firstBatch - 1 + batchesRun }

    /// The batches nobody approved or ran (their hosts unnamed), as `batches 2 to 3 of 3`.
    private var batchesNotReached: String? {
        guard !allHostsKnown else { return nil }
        let first = lastBatchRun + 1 + (unfinishedBatch ? 1 : 0)
        guard first <= batchCount else { return nil }
        return first == batchCount ? "batch \(first) of \(batchCount)" : "batches \(first) to \(batchCount) of \(batchCount)"
    }

    /// Whether the last batch was approved and has no result.
    private var unfinishedBatch: Bool { batches.last?.approved == true && batchesRun < batches.count }

    /// A rollout that ran somewhere, told host by host: where it ran, where it failed and
    /// why, where it did not run and why, and who decided each batch.
    private func rolloutSentence(_ name: String) -> String {
        let ran = hostsRun
        var parts: [String] = []
        let list = ran.joined(separator: ", ")
        let count = ran.count == 1 ? "1 host" : "\(ran.count) hosts"
        if fate == .done {
            parts.append("ran and succeeded on \(ran.count == 1 ? "its 1 host" : "all \(ran.count) hosts") (\(list))")
        } else if allHostsKnown {
            parts.append("ran on \(ran.count) of \(hosts.count) hosts (\(list))")
        } else {
            let run = lastBatchRun == firstBatch ? "batch \(firstBatch)" : "batches \(firstBatch) to \(lastBatchRun)"
            parts.append("ran on \(count) (\(list)) in \(run) of \(batchCount)")
        }
        if firstBatch > 1 {
            let earlier = firstBatch == 2 ? "batch 1" : "batches 1 to \(firstBatch - 1)"
            parts[0] += " (the hosts of \(earlier) had passed in an earlier attempt, and this one went on after them)"
        }
        for host in hosts where host.state == .failed || host.state == .verifyFailed {
            parts.append("failed on \(host.host) (\(host.detail))")
        }
        if unfinishedBatch {
            let started = startedAt.map { " and started at \(Self.clock($0))" } ?? ""
            parts.append("batch \(lastBatchRun + 1) of \(batchCount) was approved\(started), and no result of it was recorded")
        }
        if let notRun = notRunPart { parts.append(notRun) }
        return "\(name) " + parts.joined(separator: "; ") + ": " + batchApprovals
    }

    /// Where a rollout that ran somewhere did not run, and why; nil when it ran everywhere.
    private var notRunPart: String? {
        var parts: [String] = []
        var reasons: [(detail: String, hosts: [String])] = []
        for host in hosts where host.state == .notRun {
            if let index = reasons.firstIndex(where: { $0.detail == host.detail }) {
                reasons[index].hosts.append(host.host)
            } else {
                reasons.append((host.detail, [host.host]))
            }
        }
        for reason in reasons { parts.append("not run on \(reason.hosts.joined(separator: ", ")): \(reason.detail)") }
        if let unreached = batchesNotReached {
            let next = lastBatchRun + 1 + (unfinishedBatch ? 1 : 0)
            parts.append("not run on the hosts of \(unreached): nobody approved batch \(next)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// For a rollout that ran on some hosts and not on others: the action's name and where it
    /// did not run, and why (for the report's *Actions not run*); nil otherwise.
    public var notRunSentence: String? {
        guard isRollout, !hostsRun.isEmpty, let part = notRunPart else { return nil }
        return "\"\(title)\" (\(stepID)) was " + part
    }

    /// Each batch's decision: `batch 1 confirmed by alice@box at 03:12:07 UTC, batch 2 declined by …`.
    private var batchApprovals: String {
        batches.enumerated().map { index, batch in
            let at = batch.at.isEmpty ? "" : " at " + Self.clock(batch.at)
            let what: String
            if batch.approved {
                what = batch.by == "--yes" ? "approved by --yes" : "confirmed by \(batch.by)"
            } else {
                switch batch.reply {
                case "skip": what = "skipped by \(batch.by)"
                case "abort": what = "aborted by \(batch.by)"
                default: what = "declined by \(batch.by)"
                }
            }
            return "batch \(firstBatch + index) \(what)\(at)\(batch.resumed ? " (in the resumed run)" : "")"
        }.joined(separator: ", ")
    }

    /// Who approved it and when: `confirmed by alice@box at 03:12:07 UTC`, `approved by --yes at …`;
    /// without a recorded decision it says so, never guessing that a person confirmed it (a
    /// record lost or unreadable may have been a `--yes`).
    public var approval: String {
        guard let by else { return "no approval of it is recorded" }
        return by == "--yes" ? "approved by --yes\(when)" : "confirmed by \(by)\(when)"
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
