import MedicCore

/// The prompts of a run: confirmations, questions, and the prompt after a step stalls.
extension RunSession {
    /// What an operator command led to.
    enum CommandOutcome {
        /// Something was shown; prompt again.
        case handled
        /// The walk moved; carry out these effects.
        case walk([WalkEffect])
    }

    func confirm(_ invocation: Invocation, _ written: ConfirmationRequest) -> [WalkEffect]? {
        // The walk knows the decision words; the session adds its commands: a target's name the
        // prompt would read as `quit` or `show web1` cannot approve either.
        let request = ConfirmationRequest(
            expected: written.expected, mode: written.mode, skipTo: written.skipTo, isCommand: { OperatorCommand(parsing: $0).isCommand })
        let title = walk.currentStep?.title ?? invocation.stepID
        showCommand(invocation)
        showValues(of: invocation)
        if let resumed = invocation.remote?.resumed {
            // A retried rollout: what its earlier batches covered is not run again.
            let hosts = { (list: [String]) in TerminalText.sanitize(list.joined(separator: ", ")) }
            console.show("  the rollout goes on: already done on \(hosts(resumed.done)); remaining: \(hosts(resumed.remaining))", .warning)
        }
        // A dry run never runs the action, so there is nothing to approve.
        if options.dryRun { return walk.handle(.confirmed(by: "dry run")) }
        if options.autoApprove {
            console.show("  approved by --yes", .warning)
            let confirmation = ConfirmRecord(stepID: invocation.stepID, expected: request.expected, reply: "--yes", approved: true, by: "--yes")
            guard record(.confirm(confirmation)) else { return nil }
            return walk.handle(.confirmed(by: "--yes"))
        }
        // Without a terminal nothing typed can be told from a `yes` piped in: nobody decides.
        guard console.isInteractive || options.practice else {
            return walk.handle(.needsPerson(reason: "standard input is not a terminal, and without one only --yes approves an action"))
        }
        // A line put back on screen is shown as it may be kept: a `set` value withheld.
        let shown = { (text: String) in TerminalText.sanitize(self.kept(text).text) }
        console.show("  " + request.hint(shownAs: shown), .plain)
        func decided(_ reply: String, approved: Bool, by: String) -> Bool {
            let confirmation = ConfirmRecord(stepID: invocation.stepID, expected: request.expected, reply: reply, approved: approved, by: by)
            return record(.confirm(confirmation))
        }
        interruptedOnce = false
        confirming = (invocation, request)
        defer { confirming = nil }
        while true {
            // Tab never produces the approval: only typing it, whole, approves.
            let offered = completions(answers: ["no", "skip", "abort"]).filter { $0.trimmingSpaces() != request.expected.trimmingSpaces() }
            switch readTyped(prompt: "Run it? › ", completions: offered, fresh: true) {
            case .line(let text):
                interruptedOnce = false
                switch request.decision(for: text) {
                case .approve:
                    guard decided(text, approved: true, by: options.operatorName) else { return nil }
                    return walk.handle(.confirmed(by: options.operatorName))
                case .abort:
                    guard decided("abort", approved: false, by: options.operatorName) else { return nil }
                    return walk.handle(.abort(reason: "the operator aborted at '\(title)'"))
                case .decline:
                    console.show("  not run: \(text == "skip" ? "skipped" : "declined") by \(options.operatorName)", .warning)
                    guard decided(text, approved: false, by: options.operatorName) else { return nil }
                    return walk.handle(.declined)
                case nil:
                    break
                }
                let command = OperatorCommand(parsing: text)
                switch command {
                case .word, .empty, .skip:
                    // `skip` with spaces around it parses as the command; at a confirmation
                    // only the exact word declines.
                    console.show("  " + request.whyNotADecision(text, shownAs: shown), .warning)
                    console.show("  " + request.hint(shownAs: shown), .plain)
                default:
                    remember(text, command)
                    if case .walk(let effects) = perform(command) { return effects }
                }
            case .interrupted:
                if case .walk(let effects) = interrupted() { return effects }
            case .endOfInput:
                return walk.handle(.needsPerson(reason: "input ended before anyone decided"))
            case .hangUp:
                return walk.handle(.needsPerson(reason: "the terminal went away or Medic was told to stop before anyone decided"))
            }
        }
    }

    /// The values of the variables an action's script reads, under the script, so what will
    /// run is on screen whole before anyone approves it.
    func showValues(of invocation: Invocation) {
        for (index, value) in invocation.scriptValues.enumerated() {
            let shown = value.value.isEmpty ? "is empty" : "= " + TerminalText.sanitize(value.value)
            console.show("  \(index == 0 ? "with" : "    ") $\(value.name) \(shown)", .command)
        }
    }

    func ask(_ question: QuestionRequest) -> [WalkEffect]? {
        for (number, option) in question.options.enumerated() {
            console.show("    \(number + 1)) \(option.answer) — \(TerminalText.sanitize(option.label))", .plain)
        }
        // An answer given before the run answers the question the first time it is reached only:
        // a loop back to it, or `back`, is a new decision, for a person.
        if let preset = options.answers.byStep[question.stepID], presetAnswersUsed.insert(question.stepID).inserted {
            console.show("  answered '\(TerminalText.sanitize(preset))' by --answer", .warning)
            guard record(.answer(stepID: question.stepID, answer: preset, by: "--answer")) else { return nil }
            return walk.handle(.answered(preset))
        }
        // Without a terminal a line read could be anything piped in: nobody answers (as at a confirmation).
        guard console.isInteractive || options.practice else {
            let reason =
                options.answers.byStep[question.stepID] == nil
                ? "standard input is not a terminal, and without one only --answer \(question.stepID)=ANSWER answers a question"
                : "standard input is not a terminal, and --answer answered this question the first time it was reached, not again"
            return walk.handle(.needsPerson(reason: reason))
        }
        let answers = question.options.map(\.answer)
        // A line put back on screen is shown as it may be kept: a `set` value withheld.
        let shown = { (text: String) in TerminalText.sanitize(self.kept(text).text) }
        // An answer is a decision: read fresh, so nothing typed while a step ran can give it.
        return ordinaryPrompt(
            "Answer (1-\(answers.count)) › ", completions: completions(answers: answers), fresh: true,
            unanswered: {
                let reason =
                    $0 == .hangUp ? "the terminal went away or Medic was told to stop before anyone answered" : "input ended before anyone answered"
                return self.walk.handle(.needsPerson(reason: reason))
            },
            unknown: { question.whyNotAnAnswer($0, shownAs: shown) },
            accept: { text in
                // An answer is a decision: never in the history, where ↑ could bring it back.
                guard let answer = question.option(for: text) else { return .notMine }
                guard self.record(.answer(stepID: question.stepID, answer: answer)) else { return .done(nil) }
                return .done(self.walk.handle(.answered(answer)))
            })
    }

    func stalledPrompt(reason: String) -> [WalkEffect] {
        console.show("  What now? retry, skip, back, goto STEP, or quit (help lists everything)", .dim)
        // Its commands move the walk (`skip`, `goto`, `retry`): nothing typed while the step ran
        // is read here, though the prompt keeps the history and the operator's key bindings.
        let effects = ordinaryPrompt(
            "medic › ", completions: completions(answers: []), fresh: false, discardingTypeahead: true,
            unanswered: {
                let why = $0 == .hangUp ? "the terminal went away or Medic was told to stop after: \(reason)" : "input ended after: \(reason)"
                // A stalled step waits on a person like a question; any other wait (after `set`) ends.
                let stopped = self.walk.handle(.needsPerson(reason: why))
                return stopped.isEmpty ? self.walk.handle(.abort(reason: why)) : stopped
            },
            unknown: { $0.trimmingSpaces().isEmpty ? nil : OperatorCommand.hint(for: TerminalText.sanitize(self.kept($0).text)) },
            accept: { _ in .notMine })
        return effects ?? []
    }

    /// What a prompt made of a line before the operator commands are tried.
    enum Acceptance {
        /// The line is not the prompt's own: try it as a command.
        case notMine
        /// The prompt took the line; these effects follow (nil: recording failed).
        case done([WalkEffect]?)
    }

    /// A prompt that is not a confirmation: `accept` takes the lines the prompt itself
    /// understands, commands work as at every prompt, anything else gets `unknown`'s hint (nil:
    /// prompt again without one),
    /// Ctrl-C clears the line (twice leaves), and `unanswered` says what the end of input or a
    /// hang-up (the reply given) leads to. With `fresh` (a question), what was typed before the
    /// prompt appeared is discarded and the line is read without history, as at a confirmation;
    /// with `discardingTypeahead` (the command prompt), only what was typed before is discarded.
    func ordinaryPrompt(
        _ prompt: String, completions: [String], fresh: Bool, discardingTypeahead: Bool = false, unanswered: (ConsoleReply) -> [WalkEffect],
        unknown: (String) -> String?, accept: (String) -> Acceptance
    ) -> [WalkEffect]? {
        while true {
            let reply = readTyped(prompt: prompt, completions: completions, fresh: fresh, discardingTypeahead: discardingTypeahead)
            switch reply {
            case .line(let text):
                interruptedOnce = false
                if case .done(let effects) = accept(text) { return effects }
                let command = OperatorCommand(parsing: text)
                switch command {
                case .empty, .word:
                    if let message = unknown(text) { console.show("  " + message, .warning) }
                default:
                    remember(text, command)
                    // Without a terminal a line read could be anything piped in: it may show and
                    // set things, never move the walk or end the run (as it answers no question);
                    // the run stops needing a person when input ends, so that one can resume it.
                    if command.decides, !console.isInteractive, !options.practice {
                        let shown = TerminalText.sanitize(kept(text).text)
                        console.show(
                            "  '\(shown)' is a decision, and standard input is not a terminal: only a person at one decides; nothing was done",
                            .warning)
                        continue
                    }
                    if case .walk(let effects) = perform(command) { return effects }
                }
            case .interrupted:
                if case .walk(let effects) = interrupted() { return effects }
            case .endOfInput, .hangUp: return unanswered(reply)
            }
        }
    }

    /// Ctrl-C at an ordinary prompt: the line is already cleared; twice in a row leaves.
    func interrupted() -> CommandOutcome {
        if interruptedOnce { return quit() }
        interruptedOnce = true
        console.show("  (Ctrl-C again, or quit, to leave)", .dim)
        return .handled
    }

    /// Adds a typed command to the history, unless it could carry a secret: a `set` of a secret,
    /// or a line whose value `kept` withholds (recalled, `set TOK=••••` would only set the mask).
    func remember(_ line: String, _ command: OperatorCommand) {
        if case .set(let name, _) = command, walk.currentRunbook.input(name)?.isSecret == true { return }
        let kept = kept(line)
        guard !kept.withheld else { return }
        console.remember(kept.text)
    }
}
