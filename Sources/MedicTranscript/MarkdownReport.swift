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
    /// Control and bidi characters are shown escaped (`TerminalText`), never written raw.
    public static func render(_ entries: [JournalEntry], problems: [JournalProblem] = [], sessionPath: String? = nil) -> String {
        let start = first(entries) { if case .start(let start) = $0 { start } else { nil } }
        let end = first(entries.reversed()) { if case .end(let end) = $0 { end } else { nil } }
        var out = "# Incident transcript: \(start?.value.runbookID ?? "unknown runbook")\n\n"
        if !problems.isEmpty { out += problems.map { "> **Warning:** \($0)." }.joined(separator: "\n>\n") + "\n\n" }
        out += Summary(entries).render(sessionPath: sessionPath)
        out += "## Timeline\n\n" + Outline.render(entries) + "\n"
        out += "## Details\n\n"
        out += header(start: start, end: end, last: entries.last)
        let review = first(entries) { if case .inputs(let review) = $0 { review } else { nil } }
        if let start { out += inputsAndFiles(start.value, used: end?.value.inputsUsed, review: review?.value) }
        out += "### Steps\n"
        out += Timeline.render(entries)
        if end == nil { out += "\n" + unfinished(entries.last) + "\n" }
        // The report is read in terminals and pasted into tickets: what a step printed, a
        // captured value or a target's name must not clear a screen, set a clipboard (OSC 52)
        // or reorder a line (bidi controls), so every control but the line break is shown.
        return TerminalText.sanitize(out)
    }

    /// The first of `entries` whose event `pick` reads, with the time it was recorded.
    private static func first<Value>(_ entries: some Sequence<JournalEntry>, _ pick: (TranscriptEvent) -> Value?) -> (time: String, value: Value)? {
        for entry in entries {
            if let event = entry.event, let value = pick(event) { return (entry.time, value) }
        }
        return nil
    }

    private static func header(start: (time: String, value: SessionStart)?, end: (time: String, value: SessionEnd)?, last: JournalEntry?)
        -> String
    {
        var lines: [String] = []
        if let (time, start) = start {
            let version = start.runbookVersion.map { " version \(Markdown.code($0))" } ?? ""
            lines.append("**Runbook:** \(Markdown.code(start.runbookID))\(version)")
            lines.append("**Operator:** \(start.operatorName)")
            lines.append("**Started:** \(Markdown.dateTime(time))")
        } else {
            lines.append("**Started:** unknown: the journal has no start record")
        }
        if let (time, end) = end {
            var ended = "**Ended:** \(Markdown.dateTime(time))"
            if let start, let from = Clock.milliseconds(iso8601: start.time), let to = Clock.milliseconds(iso8601: time), to >= from {
                ended += " (after \(Markdown.duration(milliseconds: Int(to - from))))"
            }
            lines.append(ended)
            lines.append("**Outcome:** \(end.outcome)" + Markdown.cause(of: end))
            if !end.summary.isEmpty { lines.append("**Summary:** \(Markdown.oneLine(end.summary))") }
            lines.append("**Exit status:** \(end.exitStatus)")
        } else {
            lines.append("**Ended:** the run did not finish" + (last.map { "; the journal stops at \(Markdown.dateTime($0.time))" } ?? ""))
            lines.append("**Outcome:** none recorded")
        }
        if let (_, start) = start {
            let flags = start.flags.map(Markdown.code)
            lines.append("**Flags:** \(flags.isEmpty ? "none" : flags.joined(separator: ", "))")
            lines.append("**At a terminal:** \(start.interactive ? "yes" : "no")")
            lines.append("**Medic:** \(start.medicVersion)")
        }
        return lines.map { "- " + $0 }.joined(separator: "\n") + "\n\n"
    }

    /// The inputs (only those the path used, when the end record says which) and the runbook files.
    /// With the inputs screen's record, each input also says where its value came from and what
    /// discovery flagged.
    private static func inputsAndFiles(_ start: SessionStart, used: [String]?, review: InputReviewRecord?) -> String {
        var out = ""
        var inputs = start.inputs
        if let used {
            out += "### Inputs the path used\n\n"
            inputs = inputs.filter { used.contains($0.name) }
        } else {
            out += "### Inputs\n\n"
        }
        let unused = start.inputs.count - inputs.count
        if inputs.isEmpty { out += "None.\n" }
        for input in inputs {
            let name = Markdown.code(input.name)
            let entry = review?.entries.first { $0.name == input.name }
            let origin = entry.map { ", \(Markdown.oneLine($0.origin))" } ?? ""
            if input.secret {
                out += "- \(name): \(Masking.mask) (secret\(origin))\n"
            } else {
                out += "- \(name): \(Markdown.code(input.value))\(entry == nil ? "" : " (\(Markdown.oneLine(entry?.origin ?? "")))")\n"
            }
            for flag in entry?.flags ?? [] { out += "  - flagged: \(Markdown.oneLine(flag))\n" }
            for note in entry?.notes ?? [] { out += "  - discovery: \(Markdown.oneLine(note))\n" }
        }
        if let review { out += "\nThe inputs were accepted before step 1 by \(Markdown.code(review.acceptedBy)).\n" }
        if unused > 0 { out += "\n\(unused) other input\(unused == 1 ? " was" : "s were") given but not used on this path.\n" }
        out += "\n### Runbook files\n\n"
        if start.files.isEmpty { out += "None recorded.\n" }
        for file in start.files {
            out += "- \(Markdown.code(file.path)): SHA-256 \(Markdown.code(file.sha256))\n"
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
        let event: TranscriptEvent
        switch entry.record {
        case .withheld(let kind, _): return "a withheld \(Markdown.code(kind)) record"
        case .event(let read): event = read
        }
        let of = { (stepID: String) in " of \(Markdown.code(stepID))" }
        switch event {
        case .start: return "the start of the run"
        case .inputs: return "the inputs screen"
        case .step(let visit): return "entering step \(Markdown.code(visit.stepID))"
        case .run(let run):
            return run.dryRun ? "showing the action\(of(run.stepID)) (dry run)" : "starting the run\(of(run.stepID)), with no result recorded"
        case .output(let output): return "the output\(of(output.stepID))"
        case .result(let result): return "the result\(of(result.stepID))"
        case .hosts(let record): return "the results per host\(of(record.stepID))"
        case .captured(let stepID, _): return "values captured\(of(stepID))"
        case .branch(let branch): return "the branch to \(Markdown.code(branch.to))"
        case .confirm(let confirm): return confirm.approved ? "the approval\(of(confirm.stepID))" : "the refusal\(of(confirm.stepID))"
        case .answer(let stepID, _, _): return "the answer\(of(stepID))"
        case .stalled(let stepID, _): return "step \(Markdown.code(stepID)) stalling"
        case .command(_, let text): return "the operator's command \(Markdown.code(text))"
        case .note: return "a note"
        case .end: return "the end of the run"
        }
    }
}
