import MedicCore

extension MarkdownReport {
    /// The report's first screen: how the incident ended and why, who to hand it to, what was
    /// done and by whom, what was not, what verified it, how long it took and where the evidence
    /// is. Everything comes from the journal's typed events, so it reads the same for a run
    /// that ended and for one that was killed (which it says).
    struct Summary {
        var start: SessionStart?
        var startTime: String?
        var end: SessionEnd?
        var endTime: String?
        var lastTime: String?
        var account = ActionAccount()
        /// The checks that ran since the last action that ran, with their titles and results.
        var checksSinceAction: [(title: String, stepID: String, result: ResultRecord, hosts: HostsRecord?)] = []
        /// The last `hosts` record of a run, for the result that follows it.
        var lastHosts: HostsRecord?
        /// Whether any action ran (not in a dry run).
        var anyActionRan = false
        var titles: [String: String] = [:]
        var kinds: [String: Step.Kind] = [:]

        init(_ entries: [JournalEntry]) {
            for entry in entries {
                lastTime = entry.time
                guard let event = entry.event else { continue }
                account.observe(event, at: entry.time)
                switch event {
                case .start(let start):
                    self.start = start
                    startTime = entry.time
                case .step(let visit):
                    titles[visit.stepID] = visit.title
                    kinds[visit.stepID] = visit.kind
                case .run(let run) where run.kind == .action && !run.dryRun:
                    anyActionRan = true
                    checksSinceAction = []
                case .run(let run) where run.kind == .check:
                    // A rolling action's check between batches runs without a step record of its own.
                    kinds[run.stepID] = .check
                case .hosts(let hosts) where hosts.stopped == nil:
                    lastHosts = hosts
                case .result(let result) where kinds[result.stepID] == .check:
                    let hosts = lastHosts?.stepID == result.stepID ? lastHosts : nil
                    checksSinceAction.append((titles[result.stepID] ?? result.stepID, result.stepID, result, hosts))
                case .end(let end):
                    self.end = end
                    endTime = entry.time
                default:
                    break
                }
            }
        }

        /// What became of each action: as the end record lists them (it carries the actions of the
        /// run a resumed one continues), else as this journal's events tell.
        var actions: [ActionRecord] {
            guard let listed = end?.actions, !listed.isEmpty else { return account.actions }
            return listed
        }

        func render(sessionPath: String?) -> String {
            var out = headline() + "\n\n"
            var told = Substring(end?.summary ?? "")
            while told.last?.isWhitespace == true { told = told.dropLast() }
            if !told.isEmpty { out += Markdown.quote(String(told)) + "\n" }
            var items: [String] = []
            // The headline names the cause and its title; here is what the runbook says it means.
            if let end, !end.cause.isEmpty, let description = end.causeDescription {
                items.append("**Cause \(Markdown.code(end.cause)):** \(Markdown.oneLine(description))")
            }
            items.append("**Escalate to:** " + escalation())
            let taken: Set<ActionRecord.Fate> = [.done, .failed, .unfinished, .partial]
            items.append("**Actions taken:**" + list(actions.filter { taken.contains($0.fate) }.map(\.sentence), none: "none"))
            // A rollout stopped part way ran on some hosts: the others are listed here.
            let notRun = actions.compactMap { taken.contains($0.fate) ? $0.notRunSentence : $0.sentence }
            items.append("**Actions not run:**" + list(notRun, none: "none"))
            items.append("**Verification:** " + verification())
            items.append("**Duration:** " + duration())
            items.append("**Session directory:** " + (sessionPath.map(Markdown.code) ?? "not known to this rendering"))
            if let start {
                let version = start.runbookVersion.map { " version \(Markdown.code($0))" } ?? ""
                let flags = start.flags.isEmpty ? "" : ", flags " + start.flags.map(Markdown.code).joined(separator: " ")
                items.append(
                    "**Runbook:** \(Markdown.code(start.runbookID))\(version), run by \(start.operatorName)"
                        + " \(start.interactive ? "at a terminal" : "without a terminal")\(flags)")
            }
            return out + items.map { "- " + $0 }.joined(separator: "\n") + "\n\n"
        }

        private func headline() -> String {
            guard let end else { return "**DID NOT FINISH**: the journal stops at \(lastTime.map(Markdown.dateTime) ?? "its start")" }
            if end.outcome == "aborted" { return "**ABORTED**" }
            var text = "**\(end.outcome.uppercased())**"
            text += Markdown.cause(of: end)
            if let title = end.title {
                text += ": \(Markdown.oneLine(title))" + (end.stepID.map { " (\(Markdown.code($0)))" } ?? "")
            }
            return text
        }

        private func escalation() -> String {
            guard let end else { return "not decided: the run did not finish" }
            if let to = end.escalateTo { return Markdown.oneLine(to) }
            switch end.outcome {
            case "escalate": return "the runbook names nobody"
            case "aborted": return "not decided: the run was aborted"
            case SessionEnd.needsPerson: return "not decided: the run stopped, needing a person"
            default: return "nobody (\(end.outcome))"
            }
        }

        /// One action per sub-item, or `none` on the same line.
        private func list(_ sentences: [String], none: String) -> String {
            guard !sentences.isEmpty else { return " " + none }
            return "\n" + sentences.map { "  - " + Markdown.oneLine($0) + "." }.joined(separator: "\n")
        }

        private func verification() -> String {
            // In a resumed run the actions may all have run before it, and every check here after them.
            let ranBefore = actions.contains { $0.fate == .done || $0.fate == .failed || $0.startedAt != nil }
            guard anyActionRan || ranBefore else { return "none: no action ran" }
            guard !checksSinceAction.isEmpty else { return "none: no check ran after the last action" }
            let lines = checksSinceAction.map { check in
                let mark = check.result.succeeded ? "passed" : "failed"
                let detail = ActionAccount.describe(check.result, hosts: check.hosts)
                return "  - \(mark): \(Markdown.oneLine(check.title)) (\(Markdown.code(check.stepID))\(detail.isEmpty ? "" : ", " + detail))"
            }
            return "the checks after the last action\n" + lines.joined(separator: "\n")
        }

        private func duration() -> String {
            guard let startTime else { return "unknown: the journal has no start record" }
            let finish = endTime ?? lastTime ?? startTime
            var text = ""
            if let from = Clock.milliseconds(iso8601: startTime), let to = Clock.milliseconds(iso8601: finish), to >= from {
                text = Markdown.duration(milliseconds: Int(to - from)) + ", "
            }
            text += "from \(Markdown.dateTime(startTime)) to \(Markdown.dateTime(finish))"
            return endTime == nil ? text + " (the last record; the run did not finish)" : text
        }
    }
}
