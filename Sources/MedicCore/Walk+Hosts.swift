/// A rolling action on a host set: which batches ran, and what they gave.
struct Rollout: Sendable {
    /// Every host of the set, in order.
    var hosts: [String]
    /// The set's name.
    var setName: String
    /// Hosts per batch.
    var size: Int
    /// How many hosts the batches so far covered.
    var done = 0
    /// The results of the batches so far.
    var results: [HostResult] = []
    /// Whether the walk waits for the verify check of the last batch.
    var verifying = false
    /// How many hosts, from the first, the batches that succeeded (and passed their check)
    /// covered: a retry of a stopped rollout starts after them.
    var passed = 0
    /// The qualified id of the action.
    var stepID = ""
    /// Hosts a stopped rollout's batches already covered when it was retried.
    var resumedAfter: [String] = []

    var batchCount: Int { hosts.isEmpty ? 0 : (hosts.count + size - 1) / size }
    var batchNumber: Int { done / size + 1 }
    var nextBatch: [String] { Array(hosts[done..<min(hosts.count, done + size)]) }
}

extension Walk {
    /// The hosts `step` runs on, resolved with the current variables; nil for this machine.
    /// Fails with one sentence when a host is not a host name or a set cannot be filled.
    func remoteTarget(for step: Step) -> Result<RemoteTarget?, WalkProblem> {
        let forks = currentRunbook.forks ?? 5
        switch step.placement {
        case .local:
            return .success(nil)
        case .host(let template):
            let host = render(template)
            if let problem = HostName.problem(host) { return .failure(WalkProblem("step '\(step.id)' cannot run: \(problem)")) }
            return .success(RemoteTarget(hosts: [host], setName: nil, forks: forks))
        case .hosts(let name, _):
            return hosts(of: name).map { RemoteTarget(hosts: $0, setName: name, forks: forks) }
        }
    }

    /// The hosts of the set `name`: one an earlier step captured, or one the runbook defines.
    func hosts(of name: String) -> Result<[String], WalkProblem> {
        let frame = frames[frames.count - 1]
        if let captured = frame.hostSets[name] { return .success(captured) }
        guard let definition = currentRunbook.hostSet(name) else {
            if currentRunbook.steps.contains(where: { $0.hostCaptures.contains { $0.name == name } }) {
                return .failure(WalkProblem("host set '\(name)' is made by a step the walk has not been through yet"))
            }
            return .failure(WalkProblem("there is no host set '\(name)'"))
        }
        var hosts: [String]
        switch definition.source {
        case .list(let templates): hosts = templates.map(render)
        case .input(let input): hosts = HostName.split(variables[input] ?? "")
        case .captured(let group): hosts = frame.matches[group] ?? []
        case .ansibleGroup(let group):
            guard let members = ansibleGroups[group] else {
                let why = ansibleGroups.isEmpty ? "no inventory was read" : "the inventory has no such group"
                return .failure(WalkProblem("the hosts of Ansible group '\(group)' are not known (\(why))"))
            }
            hosts = members
        }
        var seen: Set<String> = []
        hosts = hosts.filter { seen.insert($0).inserted }
        if let problem = hosts.lazy.compactMap(HostName.problem).first {
            return .failure(WalkProblem("host set '\(name)' cannot be used: \(problem)"))
        }
        return .success(hosts)
    }

    /// After a host-set step: its `capture_hosts` sets and their variables, and the unreachable hosts.
    /// Nothing is set when a condition's pattern could not be matched in time.
    mutating func captureHosts(of step: Step, from result: StepResult) throws(MatchUnfinished) -> [CapturedValue] {
        guard let hosts = result.hosts else { return [] }
        let succeeded = hosts.map { Extraction.succeeded(step, $0.result) }
        let contexts = zip(hosts, succeeded).map { host, ok in
            ConditionContext(result: host.result, succeeded: ok, variables: variables, outcome: nil, cause: nil, readsJSON: false, matcher: matcher)
        }
        var captured: [(name: String, members: [String])] = []
        for capture in step.hostCaptures {
            var members: [String] = []
            for (host, context) in zip(hosts, contexts) where try context.holds(capture.condition) { members.append(host.host) }
            captured.append((capture.name, members))
        }
        var values: [CapturedValue] = []
        func set(_ name: String, _ members: [String]) {
            frames[frames.count - 1].hostSets[name] = members
            let text = members.isEmpty ? "none" : members.joined(separator: ", ")
            frames[frames.count - 1].variables[name] = text
            frames[frames.count - 1].variables[name + "_count"] = String(members.count)
            values.append(CapturedValue(name: name, value: text))
            values.append(CapturedValue(name: name + "_count", value: String(members.count)))
        }
        for capture in captured { set(capture.name, capture.members) }
        set("unreachable_hosts", hosts.filter(\.result.unreachable).map(\.host))
        return values
    }

    // MARK: - Rolling actions

    /// The confirmation of the next batch of the rollout.
    mutating func confirmNextBatch(of step: Step, _ rollout: Rollout) -> [WalkEffect] {
        self.rollout = rollout
        guard var invocation = invocation(for: step) else { return end(.aborted(reason: "step '\(step.id)' has nothing to run")) }
        invocation.remote = batchTarget(rollout)
        let expected = step.confirmation == .typeTarget ? render(step.target) : "yes"
        pending = .confirmation(stepID: currentStepID)
        ahead = (step, invocation)
        return [.confirm(invocation, ConfirmationRequest(expected: expected, mode: step.confirmation, skipTo: step.skip.map { qualified($0.id) }))]
    }

    func batchTarget(_ rollout: Rollout) -> RemoteTarget {
        var target = RemoteTarget(
            hosts: rollout.nextBatch, setName: rollout.setName, forks: currentRunbook.forks ?? 5,
            batch: (rollout.batchNumber, rollout.batchCount))
        if !rollout.resumedAfter.isEmpty {
            target.resumed = (done: rollout.resumedAfter, remaining: Array(rollout.hosts.dropFirst(rollout.done)))
        }
        return target
    }

    /// The rollout of `step` on `hosts` to start: the one a stopped or interrupted rollout of the
    /// same step on the same hosts left, going on after the batches that succeeded, when the
    /// operator retries it; a fresh one otherwise.
    func rolloutToStart(_ step: Step, hosts: [String], setName: String, retried: Rollout?) -> Rollout {
        let fresh = Rollout(hosts: hosts, setName: setName, size: step.batch?.size ?? 1, stepID: currentStepID)
        guard var earlier = retried, earlier.stepID == currentStepID, earlier.hosts == hosts, earlier.size == fresh.size,
            earlier.passed > 0, earlier.passed < hosts.count
        else { return fresh }
        earlier.results = Array(earlier.results.prefix(earlier.passed))
        earlier.done = earlier.passed
        earlier.verifying = false
        earlier.resumedAfter = Array(hosts.prefix(earlier.passed))
        return earlier
    }

    /// A batch, or the check after it, finished: go on to the next batch, or stop.
    mutating func continueRollout(_ result: StepResult) -> [WalkEffect] {
        guard var rollout, let step = currentStep else { return [] }
        let batch = rollout.nextBatch
        if rollout.verifying {
            rollout.verifying = false
            rollout.done += batch.count
            let verifyStep = step.batch?.verify.flatMap { currentRunbook.step($0.id) }
            let failed = (result.hosts ?? []).filter { host in verifyStep.map { !Extraction.succeeded($0, host.result) } ?? true }.map(\.host)
            if result.cancelled || !failed.isEmpty {
                let which = result.cancelled ? "it was cancelled" : "it failed on " + failed.joined(separator: ", ")
                // The batch's hosts where the check did not pass are not a success of the action.
                let checkID = verifyStep?.id ?? ""
                for index in rollout.results.indices where result.cancelled || failed.contains(rollout.results[index].host) {
                    if batch.contains(rollout.results[index].host) { rollout.results[index].result.verifyFailed = checkID }
                }
                return stopRollout(
                    rollout, reason: "the check after batch \(rollout.batchNumber - 1) (\(checkID)) did not pass: \(which)",
                    cancelled: result.cancelled)
            }
            rollout.passed = rollout.done
        } else {
            rollout.results += result.hosts ?? []
            let failed = (result.hosts ?? []).filter { !Extraction.succeeded(step, $0.result) }.map(\.host)
            if result.cancelled || !failed.isEmpty {
                rollout.done += batch.count
                let which = result.cancelled ? "it was cancelled" : "it failed on " + failed.joined(separator: ", ")
                return stopRollout(rollout, reason: "batch \(rollout.batchNumber - 1) did not succeed: \(which)", cancelled: result.cancelled)
            }
            if let verify = step.batch?.verify, let check = currentRunbook.step(verify.id), var invocation = invocation(for: check) {
                rollout.verifying = true
                self.rollout = rollout
                invocation.remote = RemoteTarget(hosts: batch, setName: check.placement.setName ?? rollout.setName, forks: currentRunbook.forks ?? 5)
                pending = .result(stepID: invocation.stepID)
                ahead = (check, invocation)
                return [.run(invocation)]
            }
            rollout.done += batch.count
            rollout.passed = rollout.done
        }
        if rollout.done < rollout.hosts.count { return confirmNextBatch(of: step, rollout) }
        self.rollout = nil
        return finish(StepResult(hosts: rollout.results))
    }

    /// The hosts a rollout between two batches never reaches, when the walk leaves it there
    /// (`back`, `goto`, quit, a stop for want of a person, Medic told to stop): waiting for its
    /// next batch's confirmation, or for the check after a batch (asked to confirm a check Medic
    /// cannot prove read-only, or declined there). Named like those of a rollout that stopped, so
    /// every account of the run can say which hosts were left untouched. Nothing else changes:
    /// `retry` and `resume` still go on from the batches that passed.
    func leavingRollout(_ why: String) -> [WalkEffect] {
        guard let rollout else { return [] }
        if rollout.verifying {
            // The batch ran; its check did not (a check that ran, or was cancelled, ended the wait).
            let reached = rollout.done + rollout.nextBatch.count
            guard reached < rollout.hosts.count else { return [] }
            let check = currentStep?.batch?.verify.map { " (\($0.id))" } ?? ""
            let reason = "the check after batch \(rollout.batchNumber)\(check) never ran: \(why)"
            return [.rolloutStopped(stepID: currentStepID, reason: reason, notRun: Array(rollout.hosts.dropFirst(reached)))]
        }
        guard case .confirmation = pending, rollout.done > 0, rollout.done < rollout.hosts.count else { return [] }
        let reason = "batch \(rollout.batchNumber) was never approved: \(why)"
        return [.rolloutStopped(stepID: currentStepID, reason: reason, notRun: Array(rollout.hosts.dropFirst(rollout.done)))]
    }

    /// Ends the rollout: the hosts no batch reached are results that say why. The rollout is
    /// kept, so a `retry` of the action goes on from the batch that stopped it.
    mutating func stopRollout(_ rollout: Rollout, reason: String, cancelled: Bool = false) -> [WalkEffect] {
        self.rollout = nil
        stoppedRollout = rollout
        var results = rollout.results
        let notRun = Array(rollout.hosts.dropFirst(results.count))
        for host in notRun {
            results.append(HostResult(host: host, result: StepResult(failureReason: "not run: the rollout stopped (\(reason))")))
        }
        let stopped = WalkEffect.rolloutStopped(stepID: currentStepID, reason: reason, notRun: notRun)
        if cancelled {
            // Stopped by the operator (Ctrl-C) or a cancelled check: as for any cancelled step,
            // the operator decides; `retry` goes on from the batch that was cancelled.
            lastResult = StepResult(hosts: results)
            pending = .decision(stepID: currentStepID)
            let resume = rollout.passed > 0 ? "; retry goes on from batch \(rollout.passed / rollout.size + 1)" : ""
            return [stopped, .stalled(stepID: currentStepID, reason: "the rollout was cancelled\(resume)")]
        }
        return [stopped] + finish(StepResult(hosts: results))
    }
}

/// Why the walk cannot run a step as written: one sentence.
public struct WalkProblem: Error, Sendable, Hashable {
    /// The sentence.
    public var reason: String

    /// Creates a problem.
    public init(_ reason: String) { self.reason = reason }
}

extension Placement {
    /// The host set's name, for a step that runs on one.
    public var setName: String? {
        switch self {
        case .hosts(let name, _): name
        case .local, .host: nil
        }
    }
}
