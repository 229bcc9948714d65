import MedicCore

/// How a run behaves, from the command line.
public struct RunOptions: Sendable {
    /// Actions are shown and recorded as not run; the walk goes on as if they had succeeded.
    public var dryRun: Bool
    /// Every action is approved without asking, and the transcript says so (`--yes`).
    public var autoApprove: Bool
    /// `user@host`, recorded as who confirmed.
    public var operatorName: String
    /// Where the session directory is, for messages pointing at output files.
    public var sessionPath: String
    /// A drill: nothing runs for real, so confirmations may come from a non-terminal input.
    public var practice = false
    /// Questions answered before the run (`--answer`): each is answered so when reached, at a
    /// terminal or not, and the transcript says so.
    public var answers = PresetAnswers()
    /// A check's script is shown whole instead of folded to its first line, and captured values
    /// as they are captured (`--verbose`).
    public var verbose = false
    /// Lines of a step's output shown live, and at the end.
    public var screenHeadLines = 20
    public var screenTailLines = 10
    /// Bytes of a step's output kept in memory, from the start and from the end.
    public var captureHeadBytes = BoundedCapture.defaultLimit
    public var captureTailBytes = BoundedCapture.defaultLimit
    /// Where confirmations of unverified checks are remembered per runbook digest; without one,
    /// every unverified check is confirmed at each run.
    public var vouches: (any VouchLedger)?
    /// Judges the configuration files a check names by an input's or a capture's value before it
    /// runs unconfirmed; without one, such a check is confirmed like an action.
    public var configurationJudge: (any ConfigurationJudge)?

    /// Creates options.
    public init(dryRun: Bool = false, autoApprove: Bool = false, operatorName: String, sessionPath: String) {
        self.dryRun = dryRun
        self.autoApprove = autoApprove
        self.operatorName = operatorName
        self.sessionPath = sessionPath
    }
}

/// Drives a `Walk` for a person: runs checks at once, puts actions to the operator, answers
/// their commands, and records everything.
///
/// The session is where the product's promises are kept: an action runs only after a fresh,
/// exact confirmation (or `--yes`, recorded); without a terminal, actions are refused; every
/// byte shown or recorded is masked; and when the journal cannot be written, the run stops.
public final class RunSession {
    var walk: Walk
    let console: any Console
    let runner: any StepRunner
    let recorder: any Recorder
    let options: RunOptions

    /// The kept output of each step run, by qualified id, for `show`.
    var outputs: [String: KeptOutput] = [:]
    /// The last step that produced output.
    var lastOutputStepID: String?
    /// Actions run since the last check that succeeded, for the warning on `quit`.
    var unverifiedActions: [String] = []
    /// Set when the journal could not be written; the run stops.
    var recordingError: String?
    /// The questions an `--answer` has answered in this session: each answers once.
    var presetAnswersUsed: Set<String> = []
    /// Whether the last thing typed at an ordinary prompt was Ctrl-C.
    var interruptedOnce = false
    /// Steps shown so far, for their numbers on screen.
    var stepsShown = 0
    /// The action whose confirmation is being asked, for `why`.
    var confirming: (Invocation, ConfirmationRequest)?
    /// What became of each action on the path, from the events recorded: the ending is composed from it.
    public private(set) var account = ActionAccount()
    /// What each step shown would run or ran, by qualified id, for `show` (a folded script).
    var commandsShown: [String: Invocation] = [:]
    /// The inputs screen shown before step 1, recorded right after the start.
    public var inputReview: InputReviewRecord?

    struct KeptOutput {
        var text: String
        var lines: Int
        var bytes: Int
        var file: String?
    }

    /// Creates a session over `walk`, not yet started.
    public init(walk: Walk, console: any Console, runner: any StepRunner, recorder: any Recorder, options: RunOptions) {
        self.walk = walk
        self.console = console
        self.runner = runner
        self.recorder = recorder
        self.options = options
    }

    /// Every step entered so far, by qualified id.
    public var path: [String] { walk.path }

    /// Takes over the account of the actions of an interrupted run this session resumes, so the
    /// ending also tells what became of those. Call before `resume`.
    public func carryOver(_ earlier: ActionAccount) {
        account = earlier.resumed
    }

    /// Runs the walk to its end and says how it ended.
    public func run(start: SessionStart) -> SessionEnd {
        run(start: start, from: nil)
    }

    /// Goes on with a walk rebuilt from an interrupted run's journal: the current step is
    /// entered afresh, so a check runs again and an action asks for a new confirmation.
    public func resume(start: SessionStart) -> SessionEnd {
        run(start: start, from: walk.handle(.retry))
    }

    private func run(start: SessionStart, from effects: [WalkEffect]?) -> SessionEnd {
        guard record(.start(start)) else { return recordingFailure() }
        if let inputReview { guard record(.inputs(inputReview)) else { return recordingFailure() } }
        var queue = effects ?? walk.start()
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            guard let more = carryOut(effect) else { return recordingFailure() }
            queue += more
            if case .ended(let ending) = effect { return finish(ending) }
            if queue.isEmpty, !walk.isEnded {
                // The walk waits on the operator without a prompt effect (e.g. after `set`).
                queue = stalledPrompt(reason: "the walk is waiting")
            }
        }
        return finish(.aborted(reason: "the walk stopped unexpectedly"))
    }

    /// Carries out one effect; returns the effects that follow, or nil when recording failed.
    func carryOut(_ effect: WalkEffect) -> [WalkEffect]? {
        switch effect {
        case .entered(let visit):
            showHeading(visit)
            return record(.step(visit)) ? [] : nil
        case .run(let invocation):
            switch askLate(invocation) {
            case .ready(let filled): return execute(filled)
            case .effects(let effects): return effects
            }
        case .confirm(let invocation, let request):
            switch askLate(invocation) {
            case .ready(let filled): return confirm(filled, request)
            case .effects(let effects): return effects
            }
        case .ask(let question):
            return ask(question)
        case .captured(let values):
            let text = values.map { "\($0.name) = \($0.value.isEmpty ? "(no match)" : $0.value)" }.joined(separator: ", ")
            // The branch's reason says what the values mean; `vars` lists them, `--verbose` shows them here.
            if options.verbose { console.show("  captured " + TerminalText.sanitize(text), .dim) }
            return record(.captured(stepID: walk.currentStepID, values: values)) ? [] : nil
        case .branched(let taken):
            showBranch(taken)
            return record(.branch(taken)) ? [] : nil
        case .stalled(let stepID, let reason):
            console.show("  " + reason, .warning)
            guard record(.stalled(stepID: stepID, reason: reason)) else { return nil }
            return stalledPrompt(reason: reason)
        case .rolloutStopped(let stepID, let reason, let notRun):
            return rolloutStopped(stepID: stepID, reason: reason, notRun: notRun) ? [] : nil
        case .handedOver(let from, let to, _):
            console.show("  ⇄ from runbook \(from) to \(to)", .dim)
            return []
        case .ended:
            return []
        }
    }

    // MARK: - Running

    func execute(_ invocation: Invocation) -> [WalkEffect]? {
        let step = walk.currentStep
        if invocation.kind == .action, options.dryRun {
            console.show("  not run (dry run); going on as if it had succeeded", .warning)
            let run = RunRecord(invocation, dryRun: true)
            let result = ResultRecord(
                stepID: invocation.stepID, exitStatus: nil, httpStatus: nil, durationMilliseconds: 0, timedOut: false, cancelled: false,
                failureReason: nil, notRun: "dry run", succeeded: true)
            guard record(.run(run)), record(.result(result)) else { return nil }
            return finished(Self.simulatedSuccess(of: invocation, step: step), of: invocation)
        }
        let onHostSet = invocation.remote?.isHostSet == true
        if invocation.kind == .check {
            if !onHostSet { showCommand(invocation) }
            if let reason = invocation.unverified {
                console.show("  unverified: read-only on the author's word, not proven by Medic: " + TerminalText.sanitize(reason), .warning)
                if let refused = confirmUnverified(invocation) { return refused }
            }
            if let refused = confirmConfigurations(invocation) { return refused }
        }
        if onHostSet { return executeOnHosts(invocation) }
        let runRecord = RunRecord(invocation, dryRun: false)
        // The "about to run" record is on disk before anything runs.
        guard record(.run(runRecord)) else { return nil }
        let store: any OutputStore
        do {
            store = try recorder.openOutput(stepID: invocation.stepID)
        } catch {
            recordingError = "\(error)"
            return nil
        }
        var masker = StreamMasker(Masking(secrets: invocation.secrets))
        var capture = BoundedCapture(headLimit: options.captureHeadBytes, tailLimit: options.captureTailBytes)
        var screen = OutputScreen(headLines: options.screenHeadLines, tailLines: options.screenTailLines)
        var storeError: String?
        let console = self.console
        func deliver(_ bytes: [UInt8]) {
            guard !bytes.isEmpty else { return }
            capture.append(bytes[...])
            if storeError == nil {
                do { try store.write(bytes[...]) } catch { storeError = "\(error)" }
            }
            for line in screen.feed(bytes) { console.show("  │ " + line, .output) }
        }
        var result = runner.run(invocation) { chunk in deliver(masker.process(chunk)) }
        deliver(masker.finish())
        let (hidden, lastLines) = screen.finish()
        if hidden > 0 { console.show("  │ … \(hidden) lines hidden, `show` for all", .dim) }
        for line in lastLines { console.show("  │ " + line, .output) }
        var file: String?
        do { file = try store.close() } catch { storeError = storeError ?? "\(error)" }
        if file?.isEmpty == true { file = nil }
        let excerpt = capture.excerpt()
        (result.output, result.keptParts) = capture.takeKept()
        if result.keptParts != nil { result.droppedBytes = capture.totalBytes - capture.headLimit - capture.tailLimit }
        let succeeded = step.map { Extraction.succeeded($0, result) } ?? (result.exitStatus == 0)
        showResult(result, succeeded: succeeded, kind: invocation.kind)
        outputs[invocation.stepID] = KeptOutput(text: result.output, lines: capture.lineCount, bytes: capture.totalBytes, file: file)
        lastOutputStepID = invocation.stepID
        if invocation.kind == .action {
            unverifiedActions.append(invocation.stepID)
        } else if succeeded {
            unverifiedActions.removeAll()
        }
        if let storeError {
            recordingError = storeError
            return nil
        }
        let outputRecord = OutputRecord(
            stepID: invocation.stepID, excerpt: excerpt, bytes: capture.totalBytes, lines: capture.lineCount, file: file)
        var resultRecord = ResultRecord(
            stepID: invocation.stepID, exitStatus: result.exitStatus, httpStatus: result.httpStatus,
            durationMilliseconds: result.durationMilliseconds, timedOut: result.timedOut, cancelled: result.cancelled,
            failureReason: result.failureReason.map(walk.masking.apply), notRun: nil, succeeded: succeeded)
        resultRecord.headers = result.headers.map {
            HTTPHeader(name: $0.name, value: Masking.isSensitiveHeader($0.name) ? Masking.mask : walk.masking.apply($0.value))
        }
        guard record(.output(outputRecord)), record(.result(resultRecord)) else { return nil }
        for note in Self.backgroundNotes(result, stepID: invocation.stepID) {
            console.show("  " + note, .warning)
            guard record(.note(walk.masking.apply(note))) else { return nil }
        }
        if result.droppedBytes > 0 {
            // Whatever the step decides next, it decides on part of what it printed: say so.
            let note = Self.partialOutputNote(stepID: invocation.stepID, capture: capture)
            console.show("  " + note, .dim)
            guard record(.note(note)) else { return nil }
        }
        return finished(result, of: invocation)
    }

    /// The notes naming what a step's program left running when it exited: in its process group
    /// (`leftovers`), then outside it (`escapees`); ended for a check, still running for an action.
    static func backgroundNotes(_ result: StepResult, stepID: String) -> [String] {
        [(result.leftovers, false), (result.escapees, true)].compactMap { processes, escaped in
            guard !processes.isEmpty else { return nil }
            let count = processes.count == 1 ? "1 process" : "\(processes.count) processes"
            let what = processes.joined(separator: ", ")
            switch (escaped, result.leftoversEnded) {
            case (false, true): return "Medic ended \(count) '\(stepID)' left running in the background: \(what)"
            case (false, false): return "'\(stepID)' left \(count) running in the background: \(what)"
            case (true, true) where result.escapeesSurvived > 0:
                let survived = result.escapeesSurvived == 1 ? "1 still ran" : "\(result.escapeesSurvived) still ran"
                return "Medic tried to end \(count) '\(stepID)' started that left its process group, and after 2 s \(survived) "
                    + "(stuck in the kernel, or forking faster than they were ended): \(what)"
            case (true, true): return "Medic ended \(count) '\(stepID)' started that left its process group: \(what)"
            case (true, false):
                return "'\(stepID)' started \(count) that left its process group and \(processes.count == 1 ? "is" : "are") still running: \(what)"
            }
        }
    }

    /// The least time a step's patterns get over its output, in milliseconds, even when the
    /// step used all of its own: a step that timed out still has its output read.
    static let leastMatchingMilliseconds = 1000

    /// Hands `result` to the walk. Its patterns are matched within what is left of the step's
    /// deadline (at least `leastMatchingMilliseconds`): a pattern that runs past it stops the
    /// walk at the step, neither a match nor a non-match.
    func finished(_ result: StepResult, of invocation: Invocation) -> [WalkEffect] {
        let left = invocation.timeout.milliseconds - Int64(result.durationMilliseconds)
        walk.matcher.allow(milliseconds: max(Self.leastMatchingMilliseconds, Int(clamping: left)))
        return walk.handle(.finished(result))
    }

    /// The journal's note that `stepID`'s conditions, captures and counts read only the kept
    /// parts of its output.
    static func partialOutputNote(stepID: String, capture: BoundedCapture) -> String {
        let dropped = capture.totalBytes - capture.headLimit - capture.tailLimit
        return "decided on partial output: '\(stepID)' printed \(capture.totalBytes) bytes; its conditions, captures and counts read only the first "
            + "\(capture.headLimit) and the last \(capture.tailLimit) bytes, each on its own (the \(dropped) bytes between were not kept in memory; "
            + "all of it is in the output file)"
    }

    /// The result an action is assumed to have in a dry run: success of its kind.
    static func simulatedSuccess(of invocation: Invocation, step: Step?) -> StepResult {
        if invocation.remote?.isHostSet == true { return ScenarioRunner.success(of: invocation) }
        switch invocation.payload {
        case .http:
            var status = 200
            if case .http(let spec) = step?.execution, let expected = spec.expect.first { status = expected }
            return StepResult(exitStatus: nil, output: "", httpStatus: status)
        case .tcp(let host, let port): return StepResult(output: "open \(host):\(port) (dry run)")
        case .log(let query): return StepResult(output: "window \(query.since) of \(query.path): 0 lines (dry run)\n")
        case .command, .script: return StepResult(exitStatus: 0)
        }
    }

    // MARK: - Ending

    /// Ends the run: the ending is composed from the account of the actions recorded on this
    /// path, so a declined, skipped, dry-run or failed action is named next to the summary.
    func finish(_ ending: WalkEnding) -> SessionEnd {
        var end: SessionEnd
        console.show("", .plain)
        switch ending {
        case .concluded(let reached):
            end = SessionEnd(
                outcome: reached.outcome.rawValue, cause: reached.cause, summary: account.compose(reached.summary), stepID: reached.stepID,
                exitStatus: ExitStatus(reached.outcome).rawValue, title: reached.title,
                escalateTo: reached.outcome == .escalate ? reached.escalation : nil, actions: account.actions,
                causeTitle: reached.causeTitle, causeDescription: reached.causeDescription)
            console.show("══ \(reached.outcome.rawValue.uppercased()) · \(reached.cause) · \(reached.title)", .conclusion(reached.outcome))
            console.show("Cause: \(TerminalText.sanitize(reached.causeTitle)) (\(reached.cause))", .plain)
            console.show(TerminalText.sanitize(reached.causeDescription), .why)
            if !end.summary.isEmpty { console.show(TerminalText.sanitize(end.summary), .plain) }
        case .aborted(let reason):
            end = SessionEnd(
                outcome: "aborted", cause: "", summary: account.compose(reason), stepID: nil, exitStatus: ExitStatus.aborted.rawValue,
                actions: account.actions)
            console.show("══ ABORTED · \(reason)", .conclusion(nil))
            let notDone = account.compose("")
            if !notDone.isEmpty { console.show(TerminalText.sanitize(notDone), .plain) }
        case .needsPerson(let stepID, let reason):
            let stopped = "stopped before \(stepID): needs a person"
            end = SessionEnd(
                outcome: SessionEnd.needsPerson, cause: "", summary: account.compose("\(stopped) (\(reason))"), stepID: stepID,
                exitStatus: ExitStatus.needsPerson.rawValue, actions: account.actions)
            let title = walk.currentStep.map { "'\(TerminalText.sanitize($0.title))' (\(stepID))" } ?? stepID
            console.show("══ STOPPED before \(title): needs a person", .conclusion(nil))
            console.show("  \(reason); nothing was decided.", .plain)
            let notDone = account.compose("")
            if !notDone.isEmpty { console.show(TerminalText.sanitize(notDone), .plain) }
            if !options.practice {
                console.show("  A person can go on from here at a terminal: medic resume \(options.sessionPath)", .plain)
            }
        }
        if let escalation = end.escalateTo { console.show("Escalate to: \(escalation)", .warning) }
        end.inputsUsed = walk.inputsUsed
        guard record(.end(end)) else { return recordingFailure() }
        return end
    }

    func recordingFailure() -> SessionEnd {
        let reason = "the transcript could not be written (\(recordingError ?? "unknown error")); stopped before anything else ran"
        console.show("══ STOPPED · " + reason, .error)
        return SessionEnd(outcome: "aborted", cause: "", summary: reason, stepID: nil, exitStatus: ExitStatus.failure.rawValue)
    }

    /// Records `event`; on failure remembers why and returns false.
    func record(_ event: TranscriptEvent) -> Bool {
        guard recordingError == nil else { return false }
        do {
            let time = try recorder.record(event)
            account.observe(event, at: time)
            return true
        } catch {
            recordingError = "\(error)"
            return false
        }
    }
}
