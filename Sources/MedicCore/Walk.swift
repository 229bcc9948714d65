/// The walk through a runbook's decision tree, as a pure state machine.
///
/// The walk does no I/O. `start()` and `handle(_:)` return effects: run this check, ask for this
/// confirmation, show this branch. A driver (the REPL, a drill, a scenario test) carries them out
/// and answers with events. The same walk therefore behaves identically against real tools, a
/// recorded incident, or a test double.
public struct Walk: Sendable {
    /// What the walk waits for.
    public enum Pending: Sendable, Hashable {
        /// Not started.
        case notStarted
        /// The result of the check or action running at `stepID`.
        case result(stepID: String)
        /// The operator's confirmation of the action at `stepID`.
        case confirmation(stepID: String)
        /// The operator's answer to the question at `stepID`.
        case answer(stepID: String)
        /// The operator's decision after a step was cancelled or failed to run.
        case decision(stepID: String)
        /// Nothing: the walk ended.
        case ended(WalkEnding)
    }

    /// One runbook on the call stack, with its variables.
    struct Frame: Sendable {
        var runbook: Runbook
        var variables: [String: String]
        /// The qualified-id prefix of this runbook's steps ("" for the root).
        var prefix: String
        /// The calling `runbook` step in the frame below.
        var callerStepID: String?
        /// Where the walk is in this runbook.
        var stepID: String
        /// The host sets steps made with `capture_hosts`, by name.
        var hostSets: [String: [String]] = [:]
        /// Every distinct match of the capture groups that host sets read (`{captured: NAME}`).
        var matches: [String: [String]] = [:]
        /// The input values that were checked against their inputs' rules (given, defaulted,
        /// asked or set by the operator), by name. A variable whose value is not the checked one
        /// (a capture took its name, or a caller passed a captured value) is treated as captured.
        var checkedInputs: [String: String] = [:]
    }

    let bundle: RunbookBundle
    var frames: [Frame]
    var snapshots: [[Frame]] = []
    /// The result the current step last produced, for the operator's `show`.
    public internal(set) var lastResult: StepResult?

    /// What the walk waits for now.
    public internal(set) var pending: Pending = .notStarted
    /// The rolling action under way, between its batches.
    var rollout: Rollout?
    /// The last rolling action that stopped before its end, for a `retry` that goes on from there.
    var stoppedRollout: Rollout?
    /// Set while a `retry` re-enters the current step: the rollout it may go on with.
    var retriedRollout: Rollout?
    /// What matches the runbook's patterns over a step's output: a session gives one that keeps
    /// to the step's deadline and answers Ctrl-C (`MedicRuntime.MatchWorker`).
    public var matcher: any PatternMatcher = InProcessMatcher()
    /// The hosts of each Ansible group the runbook names, read from the inventory before the walk.
    public var ansibleGroups: [String: [String]] = [:]
    /// Every step entered, by qualified id, in order (a retried step appears again).
    public private(set) var path: [String] = []
    /// The root runbook's inputs that the steps entered so far read.
    var usedInputNames: Set<String> = []
    /// Root inputs not given yet, asked when the first step that reads them is reached.
    public internal(set) var lateInputs: Set<String> = []
    /// The values of late inputs once asked.
    var lateValues: [String: String] = [:]
    /// The check or action the walk last asked its driver to run or confirm, and the step it
    /// comes from: an approval runs exactly this invocation, the one on screen, and a late
    /// input fills in this one, keeping where it runs.
    var ahead: (step: Step, invocation: Invocation)?

    /// The time the patterns of branches taken on an event other than a step's result get, in
    /// milliseconds.
    public static let decisionMatchingMilliseconds = 1000

    /// Creates a walk of `bundle` with the root runbook's input values, already checked.
    public init(bundle: RunbookBundle, inputs: [String: String]) {
        self.bundle = bundle
        let root = bundle.root
        var variables: [String: String] = [:]
        for input in root.inputs { variables[input.name] = inputs[input.name] ?? input.defaultValue ?? "" }
        var frame = Frame(runbook: root, variables: variables, prefix: "", callerStepID: nil, stepID: root.startID ?? "")
        frame.checkedInputs = variables
        self.frames = [frame]
    }

    /// The qualified id of the current step.
    public var currentStepID: String { qualified(frames[frames.count - 1].stepID) }

    /// The current step, as it runs now: with variants, the one the variables pick.
    public var currentStep: Step? { frames.last.flatMap { $0.runbook.step($0.stepID)?.selectingVariant($0.variables) } }

    /// The runbook the walk is in now.
    public var currentRunbook: Runbook { frames[frames.count - 1].runbook }

    /// The SHA-256 of the bytes the current runbook was parsed from; nil for a bundle not read
    /// from files.
    public var currentRunbookDigest: String? { bundle.digests[currentRunbook.path] }

    /// The variables visible at the current step, inputs and captures alike.
    public var variables: [String: String] { frames[frames.count - 1].variables }

    /// Every value a secret has held that its frame may no longer hold: the value before a `set`
    /// and the one set (`back` restores frames saved before it), and a finished call's secrets.
    /// The output of a step run before still holds them, so they stay masked for the whole run.
    var formerSecrets: [String] = []

    /// Every secret value in the walk, in every frame, and every one a secret held earlier in
    /// the run, for masking.
    public var secretValues: [String] {
        var values = frames.flatMap { frame in frame.runbook.inputs.filter(\.isSecret).compactMap { frame.variables[$0.name] } }
        values += formerSecrets.filter { !values.contains($0) }
        return values.filter { !$0.isEmpty }
    }

    /// Keeps the values of the secret inputs of `frame` in `formerSecrets`.
    private mutating func rememberSecrets(of frame: Frame, among names: [String]? = nil) {
        for input in frame.runbook.inputs where input.isSecret && names.map({ $0.contains(input.name) }) ?? true {
            if let value = frame.variables[input.name], !value.isEmpty, !formerSecrets.contains(value) { formerSecrets.append(value) }
        }
    }

    /// The masking for everything the walk shows.
    public var masking: Masking { Masking(secrets: secretValues) }

    /// Whether the walk has ended.
    public var isEnded: Bool { if case .ended = pending { true } else { false } }

    /// Enters the first step.
    public mutating func start() -> [WalkEffect] {
        guard case .notStarted = pending else { return [] }
        return enter(frames[0].stepID)
    }

    /// Handles one event from the driver and says what to do next.
    public mutating func handle(_ event: WalkEvent) -> [WalkEffect] {
        if case .ended = pending { return [] }
        // A step's result comes with the budget its session set from the step's deadline. Any
        // other event (an answer, a decline, `skip`, `goto`) may end a called runbook and take
        // its caller's branches long after that deadline: those patterns get a budget of their own.
        if case .finished = event {} else { matcher.allow(milliseconds: Self.decisionMatchingMilliseconds) }
        switch (event, pending) {
        case (.finished(let result), .result):
            if rollout != nil { return continueRollout(result) }
            return finish(result)
        case (.confirmed, .confirmation):
            // What was put to the operator, never the step rendered again from values that may
            // have changed since (`set` at the prompt puts the step to them afresh instead).
            guard let approved = ahead?.invocation else { return [] }
            pending = .result(stepID: currentStepID)
            return [.run(approved)]
        case (.declined, .confirmation), (.skip, .confirmation):
            if let rollout, rollout.done > 0 {
                return stopRollout(rollout, reason: "the operator declined batch \(rollout.batchNumber)")
            }
            return decline()
        case (.answered(let reply), .answer):
            return answer(reply)
        case (.skip, .result), (.skip, .decision), (.skip, .answer):
            return skipCurrent()
        case (.retry, _):
            guard !snapshots.isEmpty else { return [] }
            // A rollout stopped or interrupted at this step goes on after its good batches.
            let retried = rollout ?? stoppedRollout
            frames = snapshots.removeLast()
            retriedRollout = retried
            defer { retriedRollout = nil }
            return enter(frames[frames.count - 1].stepID)
        case (.back, _):
            guard snapshots.count >= 2 else {
                return [.stalled(stepID: currentStepID, reason: "this is the first step; there is nothing to go back to")]
            }
            let left = leavingRollout("the operator went back")
            snapshots.removeLast()
            frames = snapshots.removeLast()
            return left + enter(frames[frames.count - 1].stepID)
        case (.goto(let id), _):
            guard currentRunbook.step(id) != nil else {
                return [.stalled(stepID: currentStepID, reason: "there is no step '\(id)' in \(currentRunbook.id)")]
            }
            return leavingRollout("the operator went to step '\(id)'") + enter(id)
        case (.set(let name, let value), let waiting):
            rememberSecrets(of: frames[frames.count - 1], among: [name])
            frames[frames.count - 1].variables[name] = value
            rememberSecrets(of: frames[frames.count - 1], among: [name])
            if currentRunbook.input(name) != nil { frames[frames.count - 1].checkedInputs[name] = value }
            // What the operator was asked to approve may read the value: it is put to them
            // again as it runs now, so the earlier screen and target approve nothing.
            if case .confirmation = waiting { return presentAgain() }
            return []
        case (.abort(let reason), _):
            return leavingRollout(reason) + end(.aborted(reason: reason))
        case (.needsPerson(let reason), .confirmation(let stepID)), (.needsPerson(let reason), .answer(let stepID)),
            (.needsPerson(let reason), .decision(let stepID)), (.needsPerson(let reason), .result(let stepID)):
            return leavingRollout(reason) + end(.needsPerson(stepID: stepID, reason: reason))
        default:
            return []
        }
    }

    // MARK: - Entering steps

    mutating func enter(_ id: String) -> [WalkEffect] {
        frames[frames.count - 1].stepID = id
        applyLateValues()
        snapshots.append(frames)
        lastResult = nil
        rollout = nil
        guard let written = currentRunbook.step(id) else {
            return end(.aborted(reason: "the runbook names a step '\(id)' that does not exist"))
        }
        let step = written.selectingVariant(variables)
        path.append(qualified(id))
        usedInputNames.formUnion(rootInputs(from: namesRead(by: step), frame: frames.count - 1))
        let effects: [WalkEffect] = [
            .entered(StepVisit(stepID: qualified(id), kind: step.kind, title: step.title, why: step.why, runbookID: currentRunbook.id))
        ]
        return effects + present(step, written: written)
    }

    /// The action waiting for its confirmation, put to the operator again with the current
    /// values (after `set`): its variant, hosts, invocation and target worked out afresh. A
    /// rollout under way goes on with its next batch.
    mutating func presentAgain() -> [WalkEffect] {
        let frame = frames[frames.count - 1]
        guard let written = frame.runbook.step(frame.stepID) else { return [] }
        let step = written.selectingVariant(variables)
        usedInputNames.formUnion(rootInputs(from: namesRead(by: step), frame: frames.count - 1))
        if let rollout, rollout.done > 0 { return confirmNextBatch(of: step, rollout) }
        rollout = nil
        return present(step, written: written)
    }

    /// What the step entered asks for: run a check, confirm an action, ask a question,
    /// conclude, or call a runbook; `written` is the step as written, before a variant is chosen.
    private mutating func present(_ step: Step, written: Step) -> [WalkEffect] {
        let id = step.id
        var effects: [WalkEffect] = []
        ahead = nil
        let nothingToRun: String
        if let variants = written.variants {
            nothingToRun = "step '\(id)' has no variant for \(variants.input) '\(variables[variants.input] ?? "")'"
        } else {
            nothingToRun = "step '\(id)' has nothing to run"
        }
        if step.kind == .check || step.kind == .action, let reason = optionLikeCapture(in: step) {
            pending = .decision(stepID: qualified(id))
            return effects + [.stalled(stepID: qualified(id), reason: reason)]
        }
        var remote: RemoteTarget?
        if step.kind == .check || step.kind == .action {
            switch remoteTarget(for: step) {
            case .success(let target): remote = target
            case .failure(let problem):
                pending = .decision(stepID: qualified(id))
                return effects + [.stalled(stepID: qualified(id), reason: masking.apply(problem.reason))]
            }
        }
        switch step.kind {
        case .check:
            guard var invocation = invocation(for: step) else { return effects + end(.aborted(reason: nothingToRun)) }
            invocation.remote = remote
            pending = .result(stepID: qualified(id))
            ahead = (step, invocation)
            effects.append(.run(invocation))
        case .action:
            if let remote, remote.isHostSet {
                guard !remote.hosts.isEmpty else {
                    // Nothing to change anywhere: there is nothing to confirm either.
                    pending = .result(stepID: qualified(id))
                    return effects + finish(StepResult(hosts: []))
                }
                let rollout = rolloutToStart(step, hosts: remote.hosts, setName: remote.setName ?? "", retried: retriedRollout)
                return effects + confirmNextBatch(of: step, rollout)
            }
            guard var invocation = invocation(for: step) else { return effects + end(.aborted(reason: nothingToRun)) }
            invocation.remote = remote
            let expected = step.confirmation == .typeTarget ? render(step.target) : "yes"
            pending = .confirmation(stepID: qualified(id))
            ahead = (step, invocation)
            effects.append(
                .confirm(invocation, ConfirmationRequest(expected: expected, mode: step.confirmation, skipTo: step.skip.map { qualified($0.id) })))
        case .question:
            pending = .answer(stepID: qualified(id))
            effects.append(.ask(QuestionRequest(stepID: qualified(id), title: step.title, options: step.options.map { ($0.answer, $0.label) })))
        case .conclusion:
            effects += conclude(step)
        case .runbook:
            effects += call(step)
        }
        return effects
    }

    private mutating func conclude(_ step: Step) -> [WalkEffect] {
        // The validator holds every conclusion to a cause its runbook declares; a walk over a
        // runbook that skipped validation stops rather than invent a cause.
        guard let conclusion = step.conclusion, let cause = currentRunbook.cause(conclusion.cause) else {
            let named = step.conclusion.map { "cause '\($0.cause)', which runbook '\(currentRunbook.id)' does not declare" } ?? "no cause"
            return end(.aborted(reason: "the conclusion \(currentStepID) names \(named)"))
        }
        let reached = ReachedConclusion(
            stepID: currentStepID, title: step.title, outcome: conclusion.outcome, cause: cause.id, causeTitle: cause.title,
            causeDescription: cause.description, summary: masking.apply(render(conclusion.summary)), escalation: currentRunbook.escalation)
        guard frames.count > 1 else { return end(.concluded(reached)) }
        // Back to the caller, which branches on how the called runbook ended.
        let calleeMasking = masking
        let finished = frames.removeLast()
        rememberSecrets(of: finished)
        var effects: [WalkEffect] = [.handedOver(from: finished.runbook.id, to: currentRunbook.id, runbookID: finished.runbook.id)]
        guard let caller = currentStep else { return effects + end(.concluded(reached)) }
        // The declared outputs come back under their own names; nothing else does.
        var returned: [CapturedValue] = []
        for output in finished.runbook.outputs {
            let value = finished.variables[output.name] ?? ""
            if let problem = output.problem(with: value) {
                return effects
                    + end(.aborted(reason: "\(finished.runbook.id) handed back '\(output.name)' of type \(output.type.rawValue), but \(problem)"))
            }
            frames[frames.count - 1].variables[output.name] = value
            returned.append(CapturedValue(name: output.name, value: calleeMasking.apply(value)))
        }
        if !returned.isEmpty { effects.append(.captured(returned)) }
        let context = ConditionContext(
            result: nil, succeeded: conclusion.outcome == .resolved, variables: variables, outcome: conclusion.outcome, cause: conclusion.cause,
            matcher: matcher)
        effects += take(branchOf: caller, in: context)
        return effects
    }

    private mutating func call(_ step: Step) -> [WalkEffect] {
        guard let call = step.call, let callee = bundle.runbook(for: call) else {
            return end(.aborted(reason: "step '\(step.id)' calls a runbook that is not loaded"))
        }
        var values: [String: String] = [:]
        let given = Dictionary(call.with.map { ($0.name, render($0.value)) }, uniquingKeysWith: { a, _ in a })
        let secrets = currentRunbook.secretNames
        let secretGiven = Set(call.with.filter { $0.value.variables.contains(where: secrets.contains) }.map(\.name))
        for input in callee.inputs {
            // The validator refuses a secret handed to an input that is not secret (the callee's
            // steps would not keep it out of argv); a bundle built another way is refused here.
            if !input.isSecret, secretGiven.contains(input.name) || (given[input.name] == nil && secrets.contains(input.name)) {
                return end(.aborted(reason: "step '\(step.id)' would hand a secret to '\(input.name)' of \(callee.id), which is not a secret input"))
            }
            let value = given[input.name] ?? variables[input.name] ?? input.defaultValue ?? ""
            // A value handed to a called runbook is held to its input's rules like one typed at
            // the inputs screen (type, pattern, no leading '-'): the callee's checks rely on them.
            // An empty one is not given yet: a step that reads it asks for it (`lateInputsNeeded`).
            if !value.isEmpty, let problem = input.problem(with: value, matcher: matcher) {
                return end(
                    .aborted(reason: masking.apply("step '\(step.id)' hands \(callee.id) a value for '\(input.name)' that it refuses: \(problem)")))
            }
            values[input.name] = value
        }
        let callerID = currentRunbook.id
        let prefix = frames.count == 1 ? callee.id + "/" : frames[frames.count - 1].prefix + callee.id + "/"
        frames.append(Frame(runbook: callee, variables: values, prefix: prefix, callerStepID: step.id, stepID: callee.startID ?? ""))
        return [.handedOver(from: callerID, to: callee.id, runbookID: callee.id)] + enter(callee.startID ?? "")
    }

    // MARK: - Results and answers

    mutating func finish(_ result: StepResult) -> [WalkEffect] {
        guard let step = currentStep else { return [] }
        lastResult = result
        if result.cancelled {
            pending = .decision(stepID: currentStepID)
            return [.stalled(stepID: currentStepID, reason: "the step was cancelled")]
        }
        var effects: [WalkEffect] = []
        let captured: [(name: String, value: String)]
        let allMatches: [(name: String, values: [String])]
        let listed = Set(currentRunbook.hostSets.compactMap { set -> String? in if case .captured(let name) = set.source { name } else { nil } })
        do {
            captured = try Extraction.values(of: step, from: result.readableOutput, matcher: matcher)
            allMatches = try Extraction.allMatches(of: step, from: result.output, names: listed, matcher: matcher)
        } catch {
            return unfinished(error)
        }
        if !captured.isEmpty {
            for value in captured { frames[frames.count - 1].variables[value.name] = value.value }
            effects.append(.captured(captured.map { CapturedValue(name: $0.name, value: masking.apply($0.value)) }))
        }
        for (name, values) in allMatches { frames[frames.count - 1].matches[name] = values }
        let hostValues: [CapturedValue]
        do { hostValues = try captureHosts(of: step, from: result) } catch { return effects + unfinished(error) }
        if !hostValues.isEmpty { effects.append(.captured(hostValues.map { CapturedValue(name: $0.name, value: masking.apply($0.value)) })) }
        var context = ConditionContext(
            result: result, succeeded: Extraction.succeeded(step, result), variables: variables, outcome: nil, cause: nil,
            readsJSON: step.branches.contains { $0.condition?.readsJSON == true }, matcher: matcher)
        context.hostSucceeded = (result.hosts ?? []).map { Extraction.succeeded(step, $0.result) }
        return effects + take(branchOf: step, in: context)
    }

    /// The walk stops at the step when a pattern could not be matched over its output: that is
    /// neither a match nor a non-match, so no branch is taken and the operator decides.
    /// When Medic was told to stop meanwhile, the run ends there, needing a person.
    private mutating func unfinished(_ error: MatchUnfinished) -> [WalkEffect] {
        let pattern = masking.apply(error.pattern)
        if error.reason == .stopped {
            return end(
                .needsPerson(
                    stepID: currentStepID,
                    reason: "Medic was told to stop while matching '\(pattern)' over the output of '\(currentStepID)'; no branch was taken"))
        }
        pending = .decision(stepID: currentStepID)
        let subject = "matching '\(pattern)' over the output of '\(currentStepID)' \(error.reason.explanation)"
        let reason =
            if case .deadline = error.reason {
                subject + " at the step's deadline; no branch was taken: it is neither a match nor a non-match"
            } else {
                subject + "; no branch was taken"
            }
        return [.stalled(stepID: currentStepID, reason: reason)]
    }

    private mutating func take(branchOf step: Step, in context: ConditionContext) -> [WalkEffect] {
        var found: Int?
        do {
            for (index, branch) in step.branches.enumerated() where try branch.condition.map(context.holds) ?? true {
                found = index
                break
            }
        } catch {
            return unfinished(error)
        }
        guard let taken = found else {
            pending = .decision(stepID: currentStepID)
            var reason = "no branch of '\(step.id)' applies"
            if case .failure(let problem)? = context.body { reason += " (the body is not JSON, \(masking.apply(problem.description)))" }
            return [.stalled(stepID: currentStepID, reason: reason)]
        }
        let branch = step.branches[taken]
        var because = branch.because.map(render)
        if case .failure(let problem)? = context.body, step.branches[...taken].contains(where: { $0.condition?.readsJSON == true }) {
            // Conditions on JSON fields were weighed against a body that has none: say so in
            // the reason (the condition stays the branch's own, which coverage counts by).
            because = (because.map { $0 + " " } ?? "") + "(the body is not JSON, \(problem))"
        }
        let branchTaken = BranchTaken(
            from: currentStepID, to: qualified(branch.next.id), condition: branch.condition?.description ?? "otherwise",
            because: because.map(masking.apply))
        return [.branched(branchTaken)] + enter(branch.next.id)
    }

    private mutating func decline() -> [WalkEffect] {
        guard let step = currentStep else { return [] }
        guard let skip = step.skip else {
            return end(.aborted(reason: "the operator declined '\(step.title)' and the runbook offers no way around it"))
        }
        let taken = BranchTaken(from: currentStepID, to: qualified(skip.id), condition: "declined", because: "the operator declined the action")
        return [.branched(taken)] + enter(skip.id)
    }

    private mutating func skipCurrent() -> [WalkEffect] {
        guard let step = currentStep else { return [] }
        if step.kind == .action { return decline() }
        guard
            let fallback = step.branches.last(where: \.isOtherwise)
                ?? step.options.first.map({ Branch(condition: nil, next: $0.next, because: nil, location: $0.location) })
        else {
            return [.stalled(stepID: currentStepID, reason: "this step cannot be skipped")]
        }
        let taken = BranchTaken(
            from: currentStepID, to: qualified(fallback.next.id), condition: "skipped by the operator", because: "the operator skipped this step")
        return [.branched(taken)] + enter(fallback.next.id)
    }

    private mutating func answer(_ reply: String) -> [WalkEffect] {
        guard let step = currentStep, let option = step.options.first(where: { $0.answer == reply }) else {
            return [.stalled(stepID: currentStepID, reason: "'\(reply)' is not one of the answers")]
        }
        if let name = step.setsVariable { frames[frames.count - 1].variables[name] = option.answer }
        let taken = BranchTaken(from: currentStepID, to: qualified(option.next.id), condition: "answered \(option.answer)", because: option.label)
        return [.branched(taken)] + enter(option.next.id)
    }

    mutating func end(_ ending: WalkEnding) -> [WalkEffect] {
        pending = .ended(ending)
        return [.ended(ending)]
    }

    // MARK: - Filling in

    func qualified(_ id: String) -> String { frames[frames.count - 1].prefix + id }

    func render(_ template: Template?) -> String {
        guard let template else { return "" }
        let values = variables
        return template.render { values[$0] ?? "" }
    }

    /// The invocation of `step` with the current variables filled in.
    public func invocation(for step: Step) -> Invocation? {
        guard let execution = step.execution else { return nil }
        let payload: Invocation.Payload
        switch execution {
        case .command(let argv): payload = .command(argv: argv.map(render))
        case .script(let text, _): payload = .script(text)
        case .http(let spec):
            let body: String?
            switch spec.body {
            case .none: body = nil
            case .text(let template): body = render(template)
            case .json(let json): body = JSONRendering.render(json) { render($0) }
            }
            var headers = spec.headers.map { HTTPHeader(name: $0.name, value: render($0.value)) }
            if case .json = spec.body, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
            }
            let socket = render(spec.unixSocket)
            payload = .http(
                HTTPRequest(
                    method: spec.method, url: render(spec.url), headers: headers, body: body, followRedirects: spec.followRedirects,
                    unixSocket: socket.isEmpty ? nil : socket))
        case .tcp(let spec): payload = .tcp(host: render(spec.host), port: Int(render(spec.port)) ?? 0)
        case .log(let spec):
            // The validator lets `since` be a duration or a required duration input, whose value
            // is checked as one; were it anything else, the output's "window 0s" would show it.
            let since = TimeSpan(parsing: render(spec.since)) ?? TimeSpan(milliseconds: 0)
            let server = spec.server.map(render).flatMap { $0.isEmpty ? nil : $0 }
            let zone = spec.zone.map(render).flatMap { $0.isEmpty ? nil : $0 }
            payload = .log(
                LogQuery(
                    path: render(spec.file), since: since, classes: spec.classes, examples: spec.examples, captures: spec.captures, server: server,
                    zone: zone))
        }
        var environment = self.environment
        if case .command = payload {
            // Only scripts may read secrets, from their environment; a program run directly
            // gets none, so a secret cannot leak through a tool that dumps its environment.
            for input in currentRunbook.inputs where input.isSecret { environment[input.environmentName] = nil }
        }
        var invocation = Invocation(
            stepID: qualified(step.id), kind: step.kind, placement: step.placement, timeout: currentRunbook.timeout(of: step),
            payload: payload, environment: environment, secrets: secretValues)
        invocation.timeoutBeyondCap = step.timeoutBeyondCap
        if step.kind == .check {
            invocation.unverified = step.vouch?.reason
            invocation.writableFileSystem = step.writableFileSystem != nil
            let values = variables
            invocation.configurationFiles = step.configurationOperands(of: execution).map { operand in
                // A command's template reads Medic's variables (rendered as above); a script
                // reads its environment, and a name outside it is not a value Medic knows.
                if case .command = execution { return operand.resolve { values[$0] ?? "" } }
                return operand.resolve { environment[$0] }
            }
        }
        return invocation
    }

    /// The variables as a script sees them: upper-case names, durations also in seconds, URLs
    /// also in parts (`InputDefinition.derivedEnvironment`).
    public var environment: [String: String] {
        var environment: [String: String] = [:]
        for (name, value) in variables { environment[name.uppercased()] = value }
        for input in currentRunbook.inputs {
            environment.merge(input.derivedEnvironment(for: variables[input.name])) { _, derived in derived }
        }
        // The validator refuses a name such as `path`; none is exported whatever the runbook or
        // a replayed journal holds.
        return EnvironmentName.exportable(environment)
    }
}

/// Rendering a JSON template into request-body text.
enum JSONRendering {
    static func render(_ json: JSONTemplate, _ fill: (Template) -> String) -> String {
        switch json {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let t): "\"" + Masking.jsonEscaped(fill(t)) + "\""
        case .array(let items): "[" + items.map { render($0, fill) }.joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { "\"\(Masking.jsonEscaped($0.key))\":" + render($0.value, fill) }.joined(separator: ",") + "}"
        }
    }
}
