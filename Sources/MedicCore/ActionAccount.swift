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
    /// Whether the walk is still at the last action visited (no other step entered since): a
    /// host-set check run then is that rollout's check between batches.
    private var atLastAction = false
    /// The last `hosts` record of a run, for the result that follows it.
    private var lastHosts: HostsRecord?
    /// In the account of a resumed run: the interrupted run's last visit, a rollout left
    /// between batches, which the resumed walk may go on with (its next batch is then told as
    /// part of that visit, not as a new one).
    private var continuable: Int?

    /// Creates an empty account.
    public init() {}

    /// The account of an interrupted run, to go on with when it is resumed: a last visit nobody
    /// decided is dropped, since the resumed walk enters that action again.
    public var resumed: ActionAccount {
        var account = self
        if account.actions.last?.fate == .unanswered { account.actions.removeLast() }
        account.continuable = nil
        if let last = account.actions.indices.last, account.actions[last].isRollout,
            account.actions[last].batches.count == account.actions[last].batchesRun
        {
            // Every batch approved there has its result: the resumed walk may go on with the next.
            account.continuable = last
        }
        return account
    }

    /// The visits whose action did not run and succeed.
    public var notDone: [ActionRecord] { actions.filter { $0.fate != .done } }

    /// Takes one journal event, recorded at `time` (`2026-11-21T03:12:07.123Z`; empty when unknown).
    public mutating func observe(_ event: TranscriptEvent, at time: String) {
        switch event {
        case .step(let visit) where visit.kind == .action:
            if let index = continuable, index != actions.indices.last || actions[index].stepID != visit.stepID { continuable = nil }
            actions.append(ActionRecord(stepID: visit.stepID, title: visit.title, fate: .unanswered))
            atLastAction = true
        case .step:
            continuable = nil
            atLastAction = false
        case .confirm(let confirm):
            update(confirm.stepID) { record in
                // After a batch a resumed run put to the operator, every later one is the resumed run's too.
                let resumed = record.batches.last?.resumed == true
                record.batches.append(
                    ActionRecord.BatchDecision(approved: confirm.approved, reply: confirm.reply, by: confirm.by, at: time, resumed: resumed))
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
                    if let (number, count) = Self.batch(in: run.placement) {
                        if record.batchCount == 0 { record.firstBatch = number }
                        record.batchCount = count
                    }
                }
            }
            if !run.dryRun { continueResumedRollout() }
        case .hosts(let hosts):
            if hosts.stopped == nil { lastHosts = hosts }
            observeRollout(hosts)
        case .result(let result):
            let hosts = lastHosts?.stepID == result.stepID ? lastHosts : nil
            update(result.stepID) { record in
                guard record.fate == .unfinished, result.notRun == nil else { return }
                record.fate = result.succeeded ? .done : .failed
                record.result = Self.describe(result, hosts: hosts)
            }
            settleRollout()
        case .command(let stepID, let text):
            update(stepID) { record in
                if record.fate == .unanswered { record.reply = text }
            }
        default:
            break
        }
    }

    /// The first batch a resumed run started: when it is the next batch of the rollout the
    /// interrupted run left (same action, same batches), the two visits are one rollout, told
    /// as one: its hosts and each batch's decision across both runs, the resumed run's marked.
    /// The hosts the interrupted run named as not reached are the resumed run's to tell now.
    private mutating func continueResumedRollout() {
        guard let index = continuable else { return }
        continuable = nil
        guard index == actions.count - 2 else { return }
        let visit = actions[index + 1]
        var earlier = actions[index]
        guard visit.stepID == earlier.stepID, visit.batchCount == earlier.batchCount, visit.firstBatch == earlier.firstBatch + earlier.batchesRun
        else { return }
        earlier.batches += visit.batches.map { decision in
            var decision = decision
            decision.resumed = true
            return decision
        }
        earlier.hosts.removeAll { $0.state == .notRun }
        earlier.fate = visit.fate
        earlier.by = visit.by
        earlier.at = visit.at
        earlier.reply = visit.reply
        earlier.startedAt = visit.startedAt
        actions.removeLast()
        actions[index] = earlier
    }

    /// A rollout's `hosts` record: a batch that ran, the check between batches, or the hosts a
    /// stopped rollout never reached.
    private mutating func observeRollout(_ record: HostsRecord) {
        guard atLastAction, let last = actions.indices.last else { return }
        var action = actions[last]
        if record.stepID == action.stepID, let reason = record.stopped {
            for host in record.hosts {
                action.hosts.append(ActionRecord.HostFate(host: host.host, state: .notRun, detail: "the rollout stopped (\(reason))"))
            }
        } else if record.stepID == action.stepID {
            guard action.isRollout else { return }
            action.batchesRun += 1
            for host in record.hosts {
                action.hosts.append(
                    ActionRecord.HostFate(host: host.host, state: host.succeeded ? .succeeded : .failed, detail: HostGroup.status(host)))
            }
        } else if action.isRollout {
            // The check between batches: where it did not pass, the action did not succeed.
            for host in record.hosts where !host.succeeded {
                guard let index = action.hosts.lastIndex(where: { $0.host == host.host && $0.state == .succeeded }) else { continue }
                action.hosts[index].state = .verifyFailed
                action.hosts[index].detail = "the check \(record.stepID) did not pass there: \(HostGroup.status(host))"
            }
        }
        actions[last] = action
        settleRollout()
    }

    /// A rollout's fate, from its hosts: done only where every batch ran and succeeded.
    private mutating func settleRollout() {
        guard let last = actions.indices.last, actions[last].isRollout else { return }
        var action = actions[last]
        guard action.hosts.contains(where: { $0.state != .notRun }) else { return }
        if action.batches.last?.approved == true, action.batchesRun < action.batches.count {
            action.fate = .unfinished
        } else if action.hosts.contains(where: { $0.state == .failed || $0.state == .verifyFailed }) {
            action.fate = .failed
        } else if action.firstBatch - 1 + action.batchesRun >= action.batchCount, !action.hosts.contains(where: { $0.state == .notRun }) {
            action.fate = .done
        } else {
            action.fate = .partial
        }
        actions[last] = action
    }

    /// `(2, 3)` from a placement `hosts web (batch 2 of 3): b`; nil for one without a batch.
    static func batch(in placement: String) -> (Int, Int)? {
        guard let open = placement.firstRange(of: " (batch ") else { return nil }
        let rest = placement[open.upperBound...]
        guard let close = rest.firstIndex(of: ")") else { return nil }
        let words = rest[..<close].split(separator: " ")
        guard words.count == 3, words[1] == "of", let number = Int(words[0]), let count = Int(words[2]) else { return nil }
        return (number, count)
    }

    /// Applies `change` to the latest visit of `stepID`, when that is the latest visit of all
    /// (an event about an earlier visit cannot arrive after the walk moved on).
    private mutating func update(_ stepID: String, _ change: (inout ActionRecord) -> Void) {
        guard let last = actions.indices.last, actions[last].stepID == stepID else { return }
        change(&actions[last])
    }

    /// A step run's result in a few words: `exit status 1`, `HTTP 502`, `timed out`; for a run on
    /// a host set, given its `hosts` record, where it failed: `failed on 1 of 3 hosts (b)`.
    public static func describe(_ result: ResultRecord, hosts: HostsRecord? = nil) -> String {
        var parts: [String] = []
        if let hosts {
            // Each host ran (or could not be reached): nothing is "could not run" as a whole. (A
            // journal of an earlier Medic gave the count as the result's failure reason.)
            let failed = hosts.hosts.filter { !$0.succeeded }.map(\.host)
            if !failed.isEmpty { parts.append("failed on \(failed.count) of \(hosts.hosts.count) hosts (\(failed.joined(separator: ", ")))") }
        } else if let reason = result.failureReason {
            parts.append("could not run: \(reason)")
        }
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
