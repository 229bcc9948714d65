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

    func confirm(_ invocation: Invocation, _ request: ConfirmationRequest) -> [WalkEffect]? {
        let title = walk.currentStep?.title ?? invocation.stepID
        showCommand(invocation)
        // A dry run never runs the action, so there is nothing to approve.
        if options.dryRun { return walk.handle(.confirmed(by: "dry run")) }
        if options.autoApprove {
            console.show("  approved by --yes", .warning)
            let confirmation = ConfirmRecord(stepID: invocation.stepID, expected: request.expected, reply: "--yes", approved: true, by: "--yes")
            guard record(.confirm(confirmation)) else { return nil }
            return walk.handle(.confirmed(by: "--yes"))
        }
        guard console.isInteractive || options.practice else {
            let reason =
                "refused to run '\(title)': standard input is not a terminal, so nobody can confirm it (pass --yes to approve every action; the transcript records it)"
            let confirmation = ConfirmRecord(
                stepID: invocation.stepID, expected: request.expected, reply: "no terminal", approved: false, by: options.operatorName)
            guard record(.confirm(confirmation)) else { return nil }
            return walk.handle(.abort(reason: reason))
        }
        let what = request.mode == .typeTarget ? "Type the target's name, \(request.expected), to run it" : "Type yes to run it"
        let around = request.skipTo == nil ? " (the runbook has no way around it: skipping ends the run)" : ""
        console.show("  \(what); no or skip to skip it\(around); abort to stop the run.", .plain)
        func decline(_ reply: String, _ message: String) -> [WalkEffect]? {
            console.show("  " + message, .warning)
            let confirmation = ConfirmRecord(
                stepID: invocation.stepID, expected: request.expected, reply: reply, approved: false, by: options.operatorName)
            guard record(.confirm(confirmation)) else { return nil }
            return walk.handle(.declined)
        }
        while true {
            switch console.readLine(prompt: "Run it? › ", completions: completions(answers: ["no", "skip", "abort"]), fresh: true) {
            case .line(let text):
                if text == request.expected {
                    let confirmation = ConfirmRecord(
                        stepID: invocation.stepID, expected: request.expected, reply: text, approved: true, by: options.operatorName)
                    guard record(.confirm(confirmation)) else { return nil }
                    return walk.handle(.confirmed(by: options.operatorName))
                }
                let trimmed = text.trimmingSpaces()
                if trimmed == "abort" {
                    let confirmation = ConfirmRecord(
                        stepID: invocation.stepID, expected: request.expected, reply: "abort", approved: false, by: options.operatorName)
                    guard record(.confirm(confirmation)) else { return nil }
                    return walk.handle(.abort(reason: "the operator aborted at '\(title)'"))
                }
                if trimmed == "no" || trimmed == "skip" { return decline(trimmed, "not run") }
                let command = OperatorCommand(parsing: text)
                switch command {
                case .word, .empty:
                    let typed = text.isEmpty ? "nothing was typed" : "'\(TerminalText.sanitize(walk.masking.apply(text)))' was typed"
                    return decline(walk.masking.apply(text), "not run: only '\(request.expected)' approves it, and \(typed)")
                default:
                    remember(text, command)
                    switch perform(command) {
                    case .handled: continue
                    case .walk(let effects): return effects
                    }
                }
            case .interrupted: return decline("Ctrl-C", "not run (Ctrl-C)")
            case .endOfInput: return decline("end of input", "not run (end of input)")
            case .hangUp: return walk.handle(.abort(reason: "the terminal went away before '\(title)' was confirmed"))
            }
        }
    }

    func ask(_ question: QuestionRequest) -> [WalkEffect]? {
        for (number, option) in question.options.enumerated() {
            console.show("    \(number + 1)) \(option.answer) — \(TerminalText.sanitize(option.label))", .plain)
        }
        let answers = question.options.map(\.answer)
        return ordinaryPrompt(
            "Answer (1-\(answers.count)) › ", completions: completions(answers: answers),
            endOfInput: "input ended before '\(question.title)' was answered",
            unknown: { "'\($0)' is not an answer: type 1-\(answers.count) or one of \(answers.joined(separator: ", "))" },
            accept: { text in
                guard let answer = question.option(for: text) else { return .notMine }
                self.console.remember(text)
                guard self.record(.answer(stepID: question.stepID, answer: answer)) else { return .done(nil) }
                return .done(self.walk.handle(.answered(answer)))
            })
    }

    func stalledPrompt(reason: String) -> [WalkEffect] {
        console.show("  What now? retry, skip, back, goto STEP, or quit (help lists everything)", .dim)
        let effects = ordinaryPrompt(
            "medic › ", completions: completions(answers: []), endOfInput: "input ended after: \(reason)",
            unknown: { OperatorCommand.hint(for: $0) }, accept: { _ in .notMine })
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
    /// understands, commands work as at every prompt, anything else gets `unknown`'s hint,
    /// Ctrl-C clears the line (twice leaves) and the end of input ends the run.
    func ordinaryPrompt(
        _ prompt: String, completions: [String], endOfInput: String, unknown: (String) -> String, accept: (String) -> Acceptance
    ) -> [WalkEffect]? {
        while true {
            switch console.readLine(prompt: prompt, completions: completions, fresh: false) {
            case .line(let text):
                interruptedOnce = false
                if case .done(let effects) = accept(text) { return effects }
                let command = OperatorCommand(parsing: text)
                switch command {
                case .empty: continue
                case .word: console.show("  " + unknown(TerminalText.sanitize(text)), .warning)
                default:
                    remember(text, command)
                    if case .walk(let effects) = perform(command) { return effects }
                }
            case .interrupted:
                if case .walk(let effects) = interrupted() { return effects }
            case .endOfInput: return walk.handle(.abort(reason: endOfInput))
            case .hangUp: return walk.handle(.abort(reason: "the terminal went away"))
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

    /// Adds a typed command to the history, unless it could carry a secret.
    func remember(_ line: String, _ command: OperatorCommand) {
        if case .set(let name, _) = command, walk.currentRunbook.input(name)?.isSecret == true { return }
        console.remember(walk.masking.apply(line))
    }
}
