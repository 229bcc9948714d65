import MedicCore

/// Rebuilding a walk's position from the journal of an interrupted run, without running
/// anything: the recorded results, confirmations, answers and commands are fed to a fresh walk
/// in the order they happened, and every branch the walk takes is checked against the branch
/// the run recorded.
public enum JournalReplay {
    /// Where the replay left the walk.
    public struct Outcome: Sendable {
        /// Actions whose result was recorded: they ran to completion.
        public var completedActions: [String] = []
        /// An action that was approved but whose result was never recorded.
        public var interruptedAction: String?
        /// Whether that action started: the journal has its `run` record (written, and synced,
        /// before it starts) after its approval.
        public var interruptedActionStarted = false
        /// Why the journal could not be followed, when it could not.
        public var problem: String?
    }

    /// Feeds `events`, the journal of an interrupted run in order, to `walk` (not yet started).
    /// A run that continued an earlier one (`medic resume`) follows that run's events: at its
    /// `start` record the walk re-enters the step it stopped at, as the continuation did.
    ///
    /// `keptOutput` gives a step's output as the run kept it in memory (its first and last MiB:
    /// the text with Medic's marker, and the parts conditions read, nil when it is whole)
    /// from its output record and that record's index in `events`; it throws when that output
    /// cannot be read back, and the replay stops there, since a condition on it could branch
    /// otherwise. `hostOutputs` gives, for a step run on a host set, what each host printed as
    /// the walk saw it (`HostsRecord.outputs(inFile:)`, from the step's output file), or nil
    /// when its record says too little (a journal of an earlier Medic: each host's excerpt
    /// stands in); it throws, and the replay stops, when the file does not hold it.
    public static func replay(
        _ events: [TranscriptEvent], keptOutput: (OutputRecord, Int) throws -> (text: String, parts: [String]?),
        hostOutputs: (OutputRecord, HostsRecord, Int) throws -> [String]?, on walk: inout Walk
    ) -> Outcome {
        var outcome = Outcome()
        var outputs: [String: (record: OutputRecord, index: Int)] = [:]
        var branches: [BranchTaken] = []
        var hostRecords: [String: HostsRecord] = [:]
        // The actions whose `run` record follows their latest approval.
        var started: Set<String> = []
        func apply(_ event: WalkEvent) {
            for case .branched(let taken) in walk.handle(event) { branches.append(taken) }
        }
        _ = walk.start()
        for (index, event) in events.enumerated() {
            if walk.isEnded, event.movesTheWalk {
                outcome.problem = "the journal goes on after the walk ended (record \(index + 1))"
                return outcome
            }
            switch event {
            case .output(let output):
                outputs[output.stepID] = (output, index)
            case .hosts(let record):
                if record.stopped == nil { hostRecords[record.stepID] = record }
            case .result(let recorded):
                if recorded.notRun != nil, case .confirmation(let pending) = walk.pending, pending == recorded.stepID {
                    apply(.confirmed(by: "dry run"))
                }
                guard case .result(let pending) = walk.pending, pending == recorded.stepID, let step = walk.currentStep else {
                    outcome.problem = "the journal has a result of '\(recorded.stepID)' where the runbook is at '\(walk.currentStepID)'"
                    return outcome
                }
                var result: StepResult
                if recorded.notRun != nil {
                    // A dry run goes on as if the action had succeeded: the walk got that result.
                    guard let invocation = walk.invocation(for: step) else {
                        outcome.problem = "the journal has a result of '\(recorded.stepID)', which runs nothing"
                        return outcome
                    }
                    result = RunSession.simulatedSuccess(of: invocation, step: step)
                } else {
                    var output = ""
                    var parts: [String]?
                    let kept = outputs.removeValue(forKey: recorded.stepID)
                    if let kept {
                        do {
                            (output, parts) = try keptOutput(kept.record, kept.index)
                        } catch {
                            outcome.problem = "the output of '\(recorded.stepID)' could not be read back: \(error)"
                            return outcome
                        }
                    }
                    result = StepResult(
                        exitStatus: recorded.exitStatus, output: output, timedOut: recorded.timedOut, cancelled: recorded.cancelled,
                        httpStatus: recorded.httpStatus, headers: recorded.headers, durationMilliseconds: recorded.durationMilliseconds,
                        failureReason: recorded.failureReason)
                    result.keptParts = parts
                    if let record = hostRecords.removeValue(forKey: recorded.stepID) {
                        // Each host's output is read back whole, as the walk saw it; a journal of
                        // an earlier Medic has only its excerpt. The step's own output is all the
                        // sections, as the run kept it. A step stopped by Ctrl-C stays cancelled,
                        // as the walk saw it (it asked what now).
                        let hosts: [HostResult]
                        do {
                            hosts = try record.results(readBack: try kept.flatMap { try hostOutputs($0.record, record, $0.index) })
                        } catch {
                            outcome.problem = "the output of '\(recorded.stepID)' on its hosts could not be read back: \(error)"
                            return outcome
                        }
                        result = StepResult(output: output, cancelled: recorded.cancelled, hosts: hosts)
                    }
                }
                if step.kind == .action { outcome.completedActions.append(recorded.stepID) }
                // The run's patterns had what was left of the step's deadline; the replay gives
                // each output the step's whole timeout (at least the run's floor).
                let timeout = walk.invocation(for: step)?.timeout.milliseconds ?? 0
                walk.matcher.allow(milliseconds: max(RunSession.leastMatchingMilliseconds, Int(clamping: timeout)))
                apply(.finished(result))
            case .branch(let recorded):
                let taken = branches.isEmpty ? nil : branches.removeFirst()
                guard let taken, taken.from == recorded.from, taken.to == recorded.to else {
                    let now = taken.map { "goes to '\($0.to)'" } ?? "does not branch there"
                    outcome.problem = "at '\(recorded.from)' the run went to '\(recorded.to)', but replaying its journal \(now)"
                    return outcome
                }
            case .confirm(let confirm) where walk.isAboutToRunCheck(confirm.stepID):
                // A check read-only on its author's word (`read_only:`), confirmed before its
                // first run (RunSession+Vouch): approved, its result follows; declined, the run
                // stalled there and the commands typed next follow. Either way the walk waits
                // for that check, as it did.
                break
            case .confirm(let confirm):
                started.remove(confirm.stepID)
                guard case .confirmation(let pending) = walk.pending, pending == confirm.stepID else {
                    outcome.problem = "the journal confirms '\(confirm.stepID)' where the runbook is at '\(walk.currentStepID)'"
                    return outcome
                }
                if confirm.approved {
                    apply(.confirmed(by: confirm.reply))
                } else if confirm.reply == "abort" || confirm.reply == "no terminal" {
                    apply(.abort(reason: "aborted at '\(confirm.stepID)'"))
                } else {
                    apply(.declined)
                }
            case .answer(_, let answer, _):
                apply(.answered(answer))
            case .command(_, let text):
                switch OperatorCommand(parsing: text) {
                case .back: apply(.back)
                case .retry: apply(.retry)
                case .skip: apply(.skip)
                case .goto(let id): apply(.goto(id))
                case .set(let name, let value?) where value != Masking.mask:
                    if let problem = setProblem(name, value, walk) {
                        outcome.problem = "record \(index + 1) sets '\(name)', which the prompt would have refused: \(problem)"
                        return outcome
                    }
                    apply(.set(name: name, value: value))
                case .quit: apply(.abort(reason: "the operator quit"))
                default: break
                }
            case .start:
                if index > 0 { apply(.retry) }
            case .stalled(let stepID, _):
                // The run stopped at this step without a branch (its matching did not finish, or
                // nothing applied). A replay that branched there would go on from a step the run
                // never reached.
                if let taken = branches.first, taken.from == stepID {
                    outcome.problem = "at '\(stepID)' the run took no branch, but replaying its journal goes to '\(taken.to)'"
                    return outcome
                }
            case .run(let run):
                if run.kind == .action, !run.dryRun { started.insert(run.stepID) }
            case .inputs, .step, .captured, .note, .end:
                break
            }
        }
        if case .result(let stepID) = walk.pending, stepID == walk.currentStepID, walk.currentStep?.kind == .action {
            outcome.interruptedAction = stepID
            outcome.interruptedActionStarted = started.contains(stepID)
        }
        return outcome
    }
}

extension Walk {
    /// Whether the walk waits for the result of the check `stepID` (a step of its own, or a
    /// rolling action's check between batches): a confirmation of it is a vouch, not an action's.
    fileprivate func isAboutToRunCheck(_ stepID: String) -> Bool {
        guard case .result(let pending) = pending, pending == stepID else { return false }
        return currentRunbook.step(RunSession.localID(stepID))?.kind == .check
    }
}

extension JournalReplay {
    /// Why `set name=value` replayed from a journal would not have been accepted at the prompt
    /// (a journal edited by hand), nil when it would: the same checks as a typed value.
    fileprivate static func setProblem(_ name: String, _ value: String, _ walk: Walk) -> String? {
        let input = walk.currentRunbook.input(name)
        guard input != nil || walk.variables[name] != nil else { return "there is no variable '\(name)' at that step" }
        guard let input else { return nil }
        if input.isSecret { return "'\(name)' is secret, and a secret is never written to a journal" }
        return input.problem(with: value, matcher: walk.matcher)
    }
}

extension TranscriptEvent {
    /// Whether the event moved the walk when it was recorded (a result, a reply, a command).
    fileprivate var movesTheWalk: Bool {
        switch self {
        case .result, .confirm, .answer, .command: true
        case .start, .inputs, .step, .run, .output, .hosts, .captured, .branch, .stalled, .note, .end: false
        }
    }
}
