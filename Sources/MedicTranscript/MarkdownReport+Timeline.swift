import MedicCore

extension MarkdownReport {
    /// The timeline: a section per step entered, then each record of that step as a paragraph.
    enum Timeline {
        static func render(_ entries: [JournalEntry]) -> String {
            var out = ""
            var stepNumber = 0
            for entry in entries {
                let paragraph: String?
                switch entry.event {
                case "start": paragraph = nil
                case "step":
                    stepNumber += 1
                    paragraph = step(entry, number: stepNumber)
                case "run": paragraph = run(entry)
                case "output": paragraph = output(entry)
                case "result": paragraph = result(entry)
                case "captured": paragraph = captured(entry)
                case "branch": paragraph = branch(entry)
                case "confirm": paragraph = confirm(entry)
                case "answer":
                    paragraph = "Answered \(Markdown.code(entry.string("answer") ?? "")) at \(Markdown.clock(entry.time))."
                case "stalled":
                    paragraph = "Stalled at \(Markdown.clock(entry.time)): \(Markdown.oneLine(entry.string("reason") ?? "no reason given"))."
                case "command":
                    paragraph = "The operator typed \(Markdown.code(entry.string("text") ?? "")) at \(Markdown.clock(entry.time))."
                case "note":
                    paragraph = "Note at \(Markdown.clock(entry.time)):\n\n" + Markdown.quote(entry.string("text") ?? "")
                case "end": paragraph = ending(entry)
                case "withheld":
                    paragraph =
                        "A \(Markdown.code(entry.string("withheld_event") ?? "?")) record was withheld at \(Markdown.clock(entry.time)): "
                        + "\(entry.string("reason") ?? "no reason given")."
                default:
                    paragraph = "An unknown \(Markdown.code(entry.event)) record (seq \(entry.seq)) at \(Markdown.clock(entry.time))."
                }
                if let paragraph { out += "\n" + paragraph + (paragraph.hasSuffix("\n") ? "" : "\n") }
            }
            return out
        }

        private static func step(_ entry: JournalEntry, number: Int) -> String {
            let kind = (entry.string("kind") ?? "step").uppercased()
            let title = Markdown.oneLine(entry.string("title") ?? "")
            let id = Markdown.code(entry.string("step_id") ?? "?")
            let runbook = entry.string("runbook_id").map { " in runbook \(Markdown.code($0))" } ?? ""
            return "### \(number). \(kind): \(title)\n\nStep \(id)\(runbook), entered at \(Markdown.clock(entry.time))."
        }

        private static func run(_ entry: JournalEntry) -> String {
            let placement = entry.string("placement").map { " (\($0))" } ?? ""
            let lead =
                entry.bool("dry_run")
                ? "Not run (dry run); it would have run\(placement):"
                : "What ran\(placement), started at \(Markdown.clock(entry.time)):"
            return lead + "\n\n" + Markdown.block(entry.string("display") ?? "")
        }

        private static func output(_ entry: JournalEntry) -> String {
            let bytes = entry.int("bytes") ?? 0
            let lines = entry.int("lines") ?? 0
            let file = entry.string("file")
            if bytes == 0 { return "It printed nothing." }
            let size = "\(lines) line\(lines == 1 ? "" : "s"), \(bytes) byte\(bytes == 1 ? "" : "s")"
            let whole = file.map { "; all of it is in \(Markdown.code($0))" } ?? "; the whole output was not kept"
            let excerpt = entry.string("excerpt") ?? ""
            return "Output (\(size)\(whole)):\n\n" + Markdown.block(excerpt)
        }

        private static func result(_ entry: JournalEntry) -> String {
            var parts: [String] = []
            if let notRun = entry.string("not_run") {
                parts.append("not run (\(notRun))")
            } else {
                if let reason = entry.string("failure_reason") { parts.append("could not run: \(Markdown.oneLine(reason))") }
                if let status = entry.int("exit_status") { parts.append("exit status \(status)") }
                if let status = entry.int("http_status") { parts.append(status == 0 ? "no HTTP answer" : "HTTP \(status)") }
                if entry.bool("timed_out") { parts.append("timed out") }
                if entry.bool("cancelled") { parts.append("cancelled by the operator") }
                parts.append(Markdown.duration(milliseconds: entry.int("duration_milliseconds") ?? 0))
                parts.append(entry.bool("succeeded") ? "succeeded" : "failed")
            }
            return "Result: " + parts.joined(separator: ", ") + "."
        }

        private static func captured(_ entry: JournalEntry) -> String {
            let values = entry.array("values").map { value in
                "\(Markdown.code(value.member("name") ?? "?")) = \(Markdown.code(value.member("value") ?? ""))"
            }
            return "Captured: " + (values.isEmpty ? "nothing" : values.joined(separator: ", ")) + "."
        }

        private static func branch(_ entry: JournalEntry) -> String {
            let condition = entry.string("condition").map { " (\(Markdown.oneLine($0)))" } ?? ""
            var text = "Next: \(Markdown.code(entry.string("to") ?? "?"))\(condition)"
            if let because = entry.string("because"), !because.isEmpty { text += ", because \(Markdown.oneLine(because))" }
            return text + "."
        }

        private static func confirm(_ entry: JournalEntry) -> String {
            let by = entry.string("by") ?? "unknown"
            let at = Markdown.clock(entry.time)
            let reply = entry.string("reply") ?? ""
            let expected = Markdown.code(entry.string("expected") ?? "yes")
            if entry.bool("approved") {
                if by == "--yes" { return "**Approved by --yes** at \(at): nobody was asked." }
                return "**Confirmed by \(by)** at \(at), typing \(Markdown.code(reply)) as asked (\(expected))."
            }
            return "**Declined by \(by)** at \(at): the reply was \(Markdown.code(reply)), the prompt asked for \(expected)."
        }

        private static func ending(_ entry: JournalEntry) -> String {
            let outcome = entry.string("outcome") ?? "unknown"
            let cause = entry.string("cause").flatMap { $0.isEmpty ? nil : $0 }
            var text = "### End: \(outcome)" + (cause.map { ", cause \(Markdown.code($0))" } ?? "") + "\n\n"
            let conclusion = entry.string("step_id").map { "Conclusion \(Markdown.code($0)), reached" } ?? "Ended"
            text += "\(conclusion) at \(Markdown.clock(entry.time))"
            if let status = entry.int("exit_status") { text += "; medic exited with status \(status)" }
            text += "."
            if let summary = entry.string("summary"), !summary.isEmpty { text += "\n\n" + Markdown.quote(summary) }
            return text
        }
    }
}
