import MedicCore

extension MarkdownReport {
    /// The timeline: a section per step entered, then each record of that step as a paragraph.
    enum Timeline {
        static func render(_ entries: [JournalEntry]) -> String {
            var out = ""
            var stepNumber = 0
            var lastHosts: HostsRecord?
            for entry in entries {
                let at = Markdown.clock(entry.time)
                let paragraph: String?
                switch entry.record {
                case .withheld(let kind, let reason):
                    paragraph = "A \(Markdown.code(kind)) record was withheld at \(at): \(reason)."
                case .event(.start), .event(.inputs): paragraph = nil
                case .event(.step(let visit)):
                    stepNumber += 1
                    paragraph = step(visit, number: stepNumber, at: at)
                case .event(.run(let record)): paragraph = run(record, at: at)
                case .event(.output(let record)): paragraph = output(record)
                case .event(.result(let record)):
                    paragraph = result(record, hosts: lastHosts?.stepID == record.stepID ? lastHosts : nil)
                    lastHosts = nil
                case .event(.hosts(let record)):
                    if record.stopped == nil { lastHosts = record }
                    paragraph = hosts(record)
                case .event(.captured(_, let values)): paragraph = captured(values)
                case .event(.branch(let taken)): paragraph = branch(taken)
                case .event(.confirm(let record)): paragraph = confirm(record, at: at)
                case .event(.answer(_, let answer, let by)):
                    paragraph = "Answered \(Markdown.code(answer))\(by.map { " by \(Markdown.oneLine($0))" } ?? "") at \(at)."
                case .event(.stalled(_, let reason)):
                    paragraph = "Stalled at \(at): \(Markdown.oneLine(reason))."
                case .event(.command(_, let text)):
                    paragraph = "The operator typed \(Markdown.code(text)) at \(at)."
                case .event(.note(let text)):
                    paragraph = "Note at \(at):\n\n" + Markdown.quote(text)
                case .event(.end(let end)): paragraph = ending(end, at: at)
                }
                if let paragraph { out += "\n" + paragraph + (paragraph.hasSuffix("\n") ? "" : "\n") }
            }
            return out
        }

        private static func step(_ visit: StepVisit, number: Int, at: String) -> String {
            let kind = visit.kind.rawValue.uppercased()
            let title = Markdown.oneLine(visit.title)
            let id = Markdown.code(visit.stepID)
            let runbook = " in runbook \(Markdown.code(visit.runbookID))"
            return "### \(number). \(kind): \(title)\n\nStep \(id)\(runbook), entered at \(at)."
        }

        private static func run(_ run: RunRecord, at: String) -> String {
            let placement = " (\(run.placement))"
            let lead =
                run.dryRun
                ? "Not run (dry run); it would have run\(placement):"
                : "What ran\(placement), started at \(at):"
            let unverified =
                run.unverified.map {
                    "\n\nUnverified: read-only on the runbook author's word, not proven by Medic (\(Markdown.oneLine($0)))."
                } ?? ""
            let overCap = run.timeoutBeyondCap.map { "\n\nIts \(Markdown.oneLine($0.sentence))." } ?? ""
            return lead + "\n\n" + Markdown.block(run.display) + unverified + overCap
        }

        private static func output(_ output: OutputRecord) -> String {
            let bytes = output.bytes
            let lines = output.lines
            if bytes == 0 { return "It printed nothing." }
            let size = "\(lines) line\(lines == 1 ? "" : "s"), \(bytes) byte\(bytes == 1 ? "" : "s")"
            let whole = output.file.map { "; all of it is in \(Markdown.code($0))" } ?? "; the whole output was not kept"
            return "Output (\(size)\(whole)):\n\n" + Markdown.block(output.excerpt)
        }

        private static func hosts(_ record: HostsRecord) -> String {
            var out =
                record.stopped.map { "The rollout stopped: \(Markdown.oneLine($0)). Not run on:" }
                ?? "Per host (\(Markdown.oneLine(record.placement))):"
            for group in HostGroup.groups(record.hosts) {
                let mark = record.stopped != nil ? "not run" : (group.succeeded ? "succeeded" : "failed")
                out += "\n\n- \(group.count), \(mark), \(Markdown.oneLine(group.status)): " + group.hosts.map(Markdown.code).joined(separator: ", ")
                if !group.output.isEmpty, record.stopped == nil { out += "\n\n" + Markdown.block(group.output) }
            }
            if record.hosts.isEmpty { out += " none." }
            return out
        }

        /// A step's result; `hosts`, the record of the run on a host set it ends (each host ran, or
        /// could not be reached there: the run as a whole is never "could not run").
        private static func result(_ result: ResultRecord, hosts: HostsRecord?) -> String {
            var parts: [String] = []
            if let notRun = result.notRun {
                parts.append("not run (\(notRun))")
            } else {
                if let hosts {
                    let failed = hosts.hosts.filter { !$0.succeeded }.count
                    if failed > 0 { parts.append("failed on \(failed) of \(hosts.hosts.count) hosts") }
                } else if let reason = result.failureReason {
                    parts.append("could not run: \(Markdown.oneLine(reason))")
                }
                if let status = result.exitStatus { parts.append("exit status \(status)") }
                if let status = result.httpStatus { parts.append(status == 0 ? "no HTTP answer" : "HTTP \(status)") }
                if result.timedOut { parts.append("timed out") }
                if result.cancelled { parts.append("cancelled by the operator") }
                parts.append(Markdown.duration(milliseconds: result.durationMilliseconds))
                parts.append(result.succeeded ? "succeeded" : "failed")
            }
            return "Result: " + parts.joined(separator: ", ") + "."
        }

        private static func captured(_ values: [CapturedValue]) -> String {
            let shown = values.map { "\(Markdown.code($0.name)) = \(Markdown.code($0.value))" }
            return "Captured: " + (shown.isEmpty ? "nothing" : shown.joined(separator: ", ")) + "."
        }

        private static func branch(_ taken: BranchTaken) -> String {
            var text = "Next: \(Markdown.code(taken.to)) (\(Markdown.oneLine(taken.condition)))"
            if let because = taken.because, !because.isEmpty { text += ", because \(Markdown.oneLine(because))" }
            return text + "."
        }

        private static func confirm(_ confirm: ConfirmRecord, at: String) -> String {
            let by = confirm.by
            let expected = Markdown.code(confirm.expected)
            if confirm.approved {
                if by == "--yes" { return "**Approved by --yes** at \(at): nobody was asked." }
                return "**Confirmed by \(by)** at \(at), typing \(Markdown.code(confirm.reply)) as asked (\(expected))."
            }
            return "**Declined by \(by)** at \(at): the reply was \(Markdown.code(confirm.reply)), the prompt asked for \(expected)."
        }

        private static func ending(_ end: SessionEnd, at: String) -> String {
            var text = "### End: \(end.outcome)\(Markdown.cause(of: end))\n\n"
            let conclusion = end.stepID.map { "Conclusion \(Markdown.code($0)), reached" } ?? "Ended"
            text += "\(conclusion) at \(at); medic exited with status \(end.exitStatus)."
            if let description = end.causeDescription { text += "\n\nThe cause, as the runbook declares it: \(Markdown.oneLine(description))" }
            if !end.summary.isEmpty { text += "\n\n" + Markdown.quote(end.summary) }
            return text
        }
    }
}
