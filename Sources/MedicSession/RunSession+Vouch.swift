import MedicCore

/// The first run of an unverified check (read-only on its author's word) under a runbook digest
/// waits for the operator, like an action: Medic cannot prove it changes nothing.
extension RunSession {
    /// Nil when the check may run now (confirmed before under this digest, confirmed now, or
    /// approved by `--yes`); otherwise what the walk does instead (nil inside: recording failed).
    func confirmUnverified(_ invocation: Invocation) -> [WalkEffect]?? {
        // A drill runs nothing for real, so there is nothing to vouch for.
        if options.practice { return nil }
        let stepID = walk.currentStep?.id ?? invocation.stepID
        let digest = walk.currentRunbookDigest
        if let digest, options.vouches?.isConfirmed(stepID: stepID, digest: digest) == true {
            console.show("  confirmed at an earlier run of this runbook (same digest)", .dim)
            return nil
        }
        return confirmCheck(
            invocation, what: "an unverified check", subject: "the unverified check", why: "Medic cannot prove this check changes nothing",
            onceText: " (asked once per version of the runbook)", runsText: "runs the first time only"
        ) {
            guard let digest, let vouches = options.vouches else { return }
            do {
                try vouches.remember(stepID: stepID, digest: digest)
            } catch {
                console.show("  could not remember this confirmation (\(error)); it will be asked again", .warning)
            }
        }
    }

    /// Asks the operator to run a check Medic cannot show to be read-only (`what`, named `subject`
    /// once asked about, because `why`),
    /// as for an action: `--yes` approves, without a terminal nobody can, `yes` or `no` at the
    /// fresh prompt otherwise; every decision is in the journal, and `approved` runs on a yes.
    func confirmCheck(
        _ invocation: Invocation, what: String, subject: String, why: String, onceText: String, runsText: String, approved: () -> Void
    ) -> [WalkEffect]?? {
        func approve(reply: String, by: String) -> [WalkEffect]?? {
            guard record(.confirm(ConfirmRecord(stepID: invocation.stepID, expected: "yes", reply: reply, approved: true, by: by))) else {
                return .some(nil)
            }
            approved()
            return nil
        }
        if options.autoApprove {
            console.show("  approved by --yes", .warning)
            return approve(reply: "--yes", by: "--yes")
        }
        let stalled = { (reason: String) -> [WalkEffect]?? in .some([.stalled(stepID: invocation.stepID, reason: reason)]) }
        // Without a terminal nothing typed can be told from a `yes` piped in: nobody decides.
        guard console.isInteractive else {
            return .some(
                walk.handle(
                    .needsPerson(reason: "standard input is not a terminal, and \(what) \(runsText) after a person confirms it (or with --yes)")))
        }
        console.show("  \(why). Type yes to run it\(onceText), or no", .plain)
        interruptedOnce = false
        while true {
            // Only yes and no mean anything here (commands are not read), and yes is typed whole.
            switch readTyped(prompt: "Run it? › ", completions: ["no"], fresh: true) {
            case .line(let text) where text == "yes":
                return approve(reply: text, by: options.operatorName)
            case .line(let text) where text == "no":
                console.show("  not run: declined by \(options.operatorName)", .warning)
                guard
                    record(
                        .confirm(ConfirmRecord(stepID: invocation.stepID, expected: "yes", reply: text, approved: false, by: options.operatorName)))
                else { return .some(nil) }
                return stalled("\(subject) was not run; skip, back, goto another step, or retry to be asked again")
            case .line(let text):
                console.show("  '\(TerminalText.sanitize(kept(text).text))' is not a decision: type yes to run it or no", .warning)
            case .interrupted:
                if case .walk(let effects) = interrupted() { return .some(effects) }
            case .endOfInput:
                return .some(walk.handle(.needsPerson(reason: "input ended before anyone confirmed \(subject)")))
            case .hangUp:
                return .some(walk.handle(.needsPerson(reason: "the terminal went away or Medic was told to stop before anyone confirmed")))
            }
        }
    }
}
