import MedicCore

/// The operator's commands, available at every prompt.
extension RunSession {
    func perform(_ command: OperatorCommand) -> CommandOutcome {
        let here = walk.currentStepID
        switch command {
        case .help:
            console.show(OperatorCommand.helpText, .plain)
        case .why:
            if let (invocation, request) = confirming, let step = walk.currentStep {
                // The teaching text is already on screen above the prompt: say what is at stake.
                let brief = ActionBrief(step: step, invocation: invocation, request: request, ranBefore: outputs[invocation.stepID] != nil)
                for line in brief.lines { console.show("  " + TerminalText.sanitize(line), .why) }
            } else {
                let why = walk.currentStep?.why ?? ""
                console.show(why.isEmpty ? "  (this step has no teaching text)" : TerminalText.sanitize(why), .why)
            }
        case .show(let stepID):
            showOutput(of: stepID)
        case .whereAmI:
            for (index, id) in walk.path.enumerated() { console.show("  \(index + 1). \(id)", index == walk.path.count - 1 ? .plain : .dim) }
        case .vars:
            let secrets = walk.secretValues
            for (name, value) in walk.variables.sorted(by: { $0.key < $1.key }) {
                let shown = secrets.contains(value) && !value.isEmpty ? Masking.mask : walk.masking.apply(value)
                console.show("  \(name) = \(TerminalText.sanitize(shown))", .plain)
            }
        case .note(let text):
            guard record(.note(walk.masking.apply(text))) else { return .walk([.ended(.aborted(reason: "the transcript could not be written"))]) }
            console.show("  noted", .dim)
        case .set(let name, let value):
            return set(name, value)
        case .back, .retry, .skip, .goto:
            return move(command, from: here)
        case .quit:
            return quit()
        case .word, .empty:
            break
        }
        return .handled
    }

    private func move(_ command: OperatorCommand, from here: String) -> CommandOutcome {
        let event: WalkEvent
        let text: String
        switch command {
        case .back: (event, text) = (.back, "back")
        case .retry: (event, text) = (.retry, "retry")
        case .skip: (event, text) = (.skip, "skip")
        case .goto(let id): (event, text) = (.goto(id), "goto \(id)")
        default: return .handled
        }
        let effects = walk.handle(event)
        if effects.isEmpty {
            console.show("  nothing to \(text) here", .warning)
            return .handled
        }
        if effects.count == 1, case .stalled(_, let reason) = effects[0] {
            console.show("  " + reason, .warning)
            return .handled
        }
        guard record(.command(stepID: here, text: text)) else { return .walk([.ended(.aborted(reason: "the transcript could not be written"))]) }
        return .walk(effects)
    }

    private func set(_ name: String, _ typed: String?) -> CommandOutcome {
        let input = walk.currentRunbook.input(name)
        guard input != nil || walk.variables[name] != nil else {
            let hint = Spelling.suggestion(for: name, among: walk.variables.keys).map { "; did you mean '\($0)'?" } ?? "; `vars` lists them"
            console.show("  there is no variable '\(name)'\(hint)", .warning)
            return .handled
        }
        var value = typed
        if input?.isSecret == true {
            guard typed == nil else {
                console.show("  '\(name)' is secret: type `set \(name)` and give the value at the prompt, so it stays out of history", .warning)
                return .handled
            }
            value = console.readSecret(prompt: "\(name) (input hidden): ")
        } else if value == nil {
            guard case .line(let line) = readTyped(prompt: "\(name) = ", completions: [], fresh: false) else { return .handled }
            value = line
        }
        guard let value else { return .handled }
        if let input, let problem = input.problem(with: value, matcher: walk.matcher) {
            console.show("  not set: \(problem)", .warning)
            return .handled
        }
        let here = walk.currentStepID
        let effects = walk.handle(.set(name: name, value: value))
        // The value it held before stays masked (the walk keeps it); the files learn the new one.
        if input?.isSecret == true, !value.isEmpty { recorder.learnSecret(value) }
        let shown = input?.isSecret == true ? Masking.mask : walk.masking.apply(value)
        guard record(.command(stepID: here, text: "set \(name)=\(shown)")) else {
            return .walk([.ended(.aborted(reason: "the transcript could not be written"))])
        }
        console.show("  \(name) = \(TerminalText.sanitize(shown))", .dim)
        // At a confirmation the walk puts the action again as it now runs: what was on screen
        // before approves nothing.
        guard effects.isEmpty else {
            console.show("  the action is shown again with the new value; the earlier screen and name approve nothing", .warning)
            return .walk(effects)
        }
        return .handled
    }

    func quit() -> CommandOutcome {
        if !unverifiedActions.isEmpty, console.isInteractive {
            console.show(
                "  \(unverifiedActions.joined(separator: ", ")) ran, and no check has succeeded since: the fix is not verified. Type yes to quit anyway.",
                .warning)
            let reply = readTyped(prompt: "Quit? › ", completions: [], fresh: true)
            if reply == .hangUp {
                // Told to stop (SIGTERM) or the terminal went away while asked: the run stops, as
                // at any other prompt; staying would leave nobody at it.
                let unverified = unverifiedActions.joined(separator: ", ")
                let why = "the terminal went away or Medic was told to stop at the quit question (\(unverified) not verified)"
                let stopped = walk.handle(.needsPerson(reason: why))
                return .walk(stopped.isEmpty ? walk.handle(.abort(reason: why)) : stopped)
            }
            guard case .line("yes") = reply else {
                console.show("  not quitting", .dim)
                interruptedOnce = false
                return .handled
            }
        }
        guard record(.command(stepID: walk.currentStepID, text: "quit")) else {
            return .walk([.ended(.aborted(reason: "the transcript could not be written"))])
        }
        return .walk(walk.handle(.abort(reason: "the operator quit")))
    }

    /// `show [STEP]`: what the step ran, whole (a folded script unfolded), then all its output.
    private func showOutput(of requested: String?) {
        let known = Set(outputs.keys).union(commandsShown.keys)
        let id: String?
        if let requested {
            id = known.first { $0 == requested } ?? known.sorted().first { $0.hasSuffix("/" + requested) }
        } else {
            id = lastOutputStepID
        }
        guard let id, known.contains(id) else {
            console.show(requested.map { "  no output from '\($0)' in this run" } ?? "  no step has printed anything yet", .warning)
            return
        }
        if let invocation = commandsShown[id] {
            console.show("  \(id) \(invocation.kind == .action ? "runs" : "ran"):", .dim)
            for line in Self.commandLines(invocation, folded: false, width: console.width) { console.show(line.text, line.style) }
        }
        guard let kept = outputs[id] else {
            console.show("  (it has not run)", .dim)
            return
        }
        console.show("  output of \(id): \(kept.lines) lines, \(kept.bytes) bytes", .dim)
        var lines = kept.text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for line in lines { console.show("  │ " + TerminalText.sanitize(line.utf8), .output) }
        if let file = kept.file { console.show("  all of it: \(options.sessionPath)/\(file)", .dim) }
    }
}
