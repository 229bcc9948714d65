import MedicCore

/// The incident report (`transcript.md`): who ran which runbook, how it ended, and every step
/// with what ran, what it printed, which branch was taken and why, and who approved what.
///
/// It is rendered from the journal alone, so `medic transcript render` gives the same report
/// for a session whose run was killed before it could write one. Text is kept plain (no
/// escaping beyond code spans and fenced blocks) so the report reads well pasted raw into a
/// ticket.
public enum MarkdownReport {
    /// The report for `entries`, with a warning for each of `problems`; `sessionPath` is the
    /// session directory the journal is in, named on the first screen.
    ///
    /// It opens with one screen a reviewer who never ran Medic can act on (`Summary`), then the
    /// timeline, one line per step (`Outline`), then the details: the run, the inputs the path
    /// used, the runbook files, and each step with what ran and what it printed (`Timeline`).
    public static func render(_ entries: [JournalEntry], problems: [JournalProblem] = [], sessionPath: String? = nil) -> String {
        let start = entries.first { $0.event == "start" }
        let end = entries.last { $0.event == "end" }
        var out = "# Incident transcript: \(start?.string("runbook_id") ?? "unknown runbook")\n\n"
        if !problems.isEmpty { out += problems.map { "> **Warning:** \($0)." }.joined(separator: "\n>\n") + "\n\n" }
        out += Summary(entries).render(sessionPath: sessionPath)
        out += "## Timeline\n\n" + Outline.render(entries) + "\n"
        out += "## Details\n\n"
        out += header(start: start, end: end, last: entries.last)
        if let start { out += inputsAndFiles(start, used: Self.inputsUsed(end)) }
        out += "### Steps\n"
        out += Timeline.render(entries)
        if end == nil { out += "\n" + unfinished(entries.last) + "\n" }
        return out
    }

    private static func header(start: JournalEntry?, end: JournalEntry?, last: JournalEntry?) -> String {
        var lines: [String] = []
        if let start {
            let version = start.string("runbook_version").map { " version \(Markdown.code($0))" } ?? ""
            lines.append("**Runbook:** \(Markdown.code(start.string("runbook_id") ?? "?"))\(version)")
            lines.append("**Operator:** \(start.string("operator_name") ?? "unknown")")
            lines.append("**Started:** \(Markdown.dateTime(start.time))")
        } else {
            lines.append("**Started:** unknown: the journal has no start record")
        }
        if let end {
            var ended = "**Ended:** \(Markdown.dateTime(end.time))"
            if let start, let from = Clock.milliseconds(iso8601: start.time), let to = Clock.milliseconds(iso8601: end.time), to >= from {
                ended += " (after \(Markdown.duration(milliseconds: Int(to - from))))"
            }
            lines.append(ended)
            let outcome = end.string("outcome") ?? "unknown"
            let cause = end.string("cause").flatMap { $0.isEmpty ? nil : $0 }
            lines.append("**Outcome:** \(outcome)" + (cause.map { ", cause \(Markdown.code($0))" } ?? ""))
            if let summary = end.string("summary"), !summary.isEmpty { lines.append("**Summary:** \(Markdown.oneLine(summary))") }
            if let status = end.int("exit_status") { lines.append("**Exit status:** \(status)") }
        } else {
            lines.append("**Ended:** the run did not finish" + (last.map { "; the journal stops at \(Markdown.dateTime($0.time))" } ?? ""))
            lines.append("**Outcome:** none recorded")
        }
        if let start {
            let flags = start.array("flags").compactMap { value -> String? in
                if case .string(let flag) = value { return Markdown.code(flag) }
                return nil
            }
            lines.append("**Flags:** \(flags.isEmpty ? "none" : flags.joined(separator: ", "))")
            lines.append("**At a terminal:** \(start.bool("interactive") ? "yes" : "no")")
            if let version = start.string("medic_version") { lines.append("**Medic:** \(version)") }
        }
        return lines.map { "- " + $0 }.joined(separator: "\n") + "\n\n"
    }

    /// The names in an end record's `inputs_used`; nil without an end record, or in an older journal.
    private static func inputsUsed(_ end: JournalEntry?) -> [String]? {
        if case .end(let end)? = end?.summaryEvent { return end.inputsUsed }
        return nil
    }

    /// The inputs (those the path used, when the end record says which) and the runbook files.
    private static func inputsAndFiles(_ start: JournalEntry, used: [String]?) -> String {
        var out = ""
        var inputs = start.array("inputs")
        var unused = 0
        if let used {
            out += "### Inputs the path used\n\n"
            let all = inputs.count
            inputs = inputs.filter { used.contains($0.member("name") ?? "") }
            unused = all - inputs.count
        } else {
            out += "### Inputs\n\n"
        }
        if inputs.isEmpty { out += "None.\n" }
        for input in inputs {
            let name = Markdown.code(input.member("name") ?? "?")
            if input.flag("secret") {
                out += "- \(name): \(Masking.mask) (secret)\n"
            } else {
                out += "- \(name): \(Markdown.code(input.member("value") ?? ""))\n"
            }
        }
        if unused > 0 { out += "\n\(unused) other input\(unused == 1 ? " was" : "s were") given but not used on this path.\n" }
        let files = start.array("files")
        out += "\n### Runbook files\n\n"
        if files.isEmpty { out += "None recorded.\n" }
        for file in files {
            out += "- \(Markdown.code(file.member("path") ?? "?")): SHA-256 \(Markdown.code(file.member("sha256") ?? "?"))\n"
        }
        return out + "\n"
    }

    /// The closing marker of a journal without an `end` record.
    private static func unfinished(_ last: JournalEntry?) -> String {
        guard let last else { return "**The run did not finish: the journal is empty.**" }
        return "**The run did not finish: the journal stops at \(Markdown.dateTime(last.time)), after \(describe(last)) (seq \(last.seq)).**"
    }

    /// What a record says, in a few words, for the unfinished marker.
    static func describe(_ entry: JournalEntry) -> String {
        let step = entry.string("step_id").map { " of \(Markdown.code($0))" } ?? ""
        switch entry.event {
        case "start": return "the start of the run"
        case "step": return "entering step \(Markdown.code(entry.string("step_id") ?? "?"))"
        case "run": return entry.bool("dry_run") ? "showing the action\(step) (dry run)" : "starting the run\(step), with no result recorded"
        case "output": return "the output\(step)"
        case "result": return "the result\(step)"
        case "captured": return "values captured\(step)"
        case "branch": return "the branch to \(Markdown.code(entry.string("to") ?? "?"))"
        case "confirm": return entry.bool("approved") ? "the approval\(step)" : "the refusal\(step)"
        case "answer": return "the answer\(step)"
        case "stalled": return "step \(Markdown.code(entry.string("step_id") ?? "?")) stalling"
        case "command": return "the operator's command \(Markdown.code(entry.string("text") ?? ""))"
        case "note": return "a note"
        default: return "a \(Markdown.code(entry.event)) record"
        }
    }
}
