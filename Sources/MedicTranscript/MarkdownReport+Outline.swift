import MedicCore

extension MarkdownReport {
    /// The report's timeline: one line per step entered, with the time, what it found or what
    /// was decided, and where the walk went next; notes and the operator's commands in between.
    enum Outline {
        /// What the operator (or `--yes`) decided at an action, in a few words.
        static func decision(_ confirm: ConfirmRecord) -> String {
            if confirm.approved { return confirm.by == "--yes" ? "approved by --yes" : "confirmed by \(confirm.by)" }
            switch confirm.reply {
            case "no terminal": return "refused: no terminal to confirm it, and no --yes"
            case "abort": return "aborted by \(confirm.by)"
            case "skip": return "skipped by \(confirm.by)"
            default: return "declined by \(confirm.by) (\(Markdown.code(confirm.reply)))"
            }
        }

        static func render(_ entries: [JournalEntry]) -> String {
            var lines: [String] = []
            var current: (head: String, parts: [String])?
            var currentStepID = ""
            var lastHosts: HostsRecord?
            func flush() {
                if let line = current { lines.append(line.head + (line.parts.isEmpty ? "" : ": " + line.parts.joined(separator: "; "))) }
                current = nil
            }
            for entry in entries {
                guard let event = entry.event else { continue }
                let at = Markdown.clock(entry.time)
                switch event {
                case .step(let visit):
                    flush()
                    current = ("- \(at) \(visit.kind.label) \(Markdown.oneLine(visit.title)) (\(Markdown.code(visit.stepID)))", [])
                    currentStepID = visit.stepID
                case .hosts(let hosts) where hosts.stopped == nil:
                    lastHosts = hosts
                case .hosts(let hosts):
                    current?.parts.append("the rollout stopped: \(Markdown.oneLine(hosts.stopped ?? ""))")
                case .confirm(let confirm):
                    current?.parts.append(decision(confirm))
                case .run(let run) where run.dryRun:
                    current?.parts.append("not run (dry run)")
                case .result(let result) where result.notRun == nil:
                    let detail = ActionAccount.describe(result, hosts: lastHosts?.stepID == result.stepID ? lastHosts : nil)
                    // A rolling action's check between batches is named: it is not the step's own result.
                    let check = result.stepID == currentStepID ? "" : "check \(Markdown.code(result.stepID)) "
                    current?.parts.append(check + (detail.isEmpty ? "" : detail + ", ") + (result.succeeded ? "succeeded" : "failed"))
                    lastHosts = nil
                case .answer(_, let answer, let by):
                    current?.parts.append("answered \(Markdown.code(answer))" + (by.map { " by \(Markdown.oneLine($0))" } ?? ""))
                case .branch(let branch):
                    current?.parts.append("next \(Markdown.code(branch.to))")
                case .stalled(_, let reason):
                    current?.parts.append("stalled: \(Markdown.oneLine(reason))")
                case .command(_, let text):
                    current?.parts.append("the operator typed \(Markdown.code(text))")
                case .note(let text):
                    flush()
                    lines.append("- \(at) note: \(Markdown.oneLine(text))")
                case .end(let end):
                    flush()
                    lines.append("- \(at) END: \(end.outcome)\(Markdown.cause(of: end)), exit status \(end.exitStatus)")
                default:
                    break
                }
            }
            flush()
            return lines.isEmpty ? "No step was entered.\n" : lines.joined(separator: "\n") + "\n"
        }
    }
}
