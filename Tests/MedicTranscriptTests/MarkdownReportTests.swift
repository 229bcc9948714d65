import Foundation
import MedicTestSupport
import Testing

@testable import MedicCore
@testable import MedicTranscript

@Suite("the incident report")
struct MarkdownReportTests {
    /// A realistic run: a check, a question, an approved action, a dry-run action, a note, the end.
    static let run: [TranscriptEvent] = [
        SampleEvents.start,
        .step(StepVisit(stepID: "probe", kind: .check, title: "Is the site up?", why: "", runbookID: "nginx-502")),
        .run(RunRecord(stepID: "probe", kind: .check, display: "curl -sS http://localhost/health", placement: "local", dryRun: false)),
        .output(OutputRecord(stepID: "probe", excerpt: "<html>502 Bad Gateway</html>\n```\n", bytes: 4096, lines: 80, file: "output/001-probe.log")),
        .result(
            ResultRecord(
                stepID: "probe", exitStatus: nil, httpStatus: 502, durationMilliseconds: 1520, timedOut: false, cancelled: false, failureReason: nil,
                notRun: nil, succeeded: false)),
        .branch(BranchTaken(from: "probe", to: "restart", condition: "HTTP 502", because: "nginx answers but app does not")),
        .step(StepVisit(stepID: "restart", kind: .action, title: "Restart the app", why: "", runbookID: "nginx-502")),
        .confirm(ConfirmRecord(stepID: "restart", expected: "app", reply: "app", approved: true, by: "alice@web1")),
        .run(RunRecord(stepID: "restart", kind: .action, display: "systemctl restart app", placement: "local", dryRun: false)),
        .output(OutputRecord(stepID: "restart", excerpt: "", bytes: 0, lines: 0, file: nil)),
        .result(
            ResultRecord(
                stepID: "restart", exitStatus: 0, httpStatus: nil, durationMilliseconds: 250, timedOut: false, cancelled: false, failureReason: nil,
                notRun: nil, succeeded: true)),
        .note("the app had been OOM-killed twice today"),
        .step(StepVisit(stepID: "purge", kind: .action, title: "Purge the cache", why: "", runbookID: "nginx-502")),
        .confirm(ConfirmRecord(stepID: "purge", expected: "yes", reply: "--yes", approved: true, by: "--yes")),
        .run(RunRecord(stepID: "purge", kind: .action, display: "varnishadm ban req.url '~' .", placement: "local", dryRun: true)),
        .result(
            ResultRecord(
                stepID: "purge", exitStatus: nil, httpStatus: nil, durationMilliseconds: 0, timedOut: false, cancelled: false, failureReason: nil,
                notRun: "dry run", succeeded: true)),
        .step(StepVisit(stepID: "reboot", kind: .action, title: "Reboot the host", why: "", runbookID: "nginx-502")),
        .confirm(ConfirmRecord(stepID: "reboot", expected: "yes", reply: "no", approved: false, by: "alice@web1")),
        .step(StepVisit(stepID: "fixed", kind: .conclusion, title: "Fixed", why: "", runbookID: "nginx-502")),
        .end(SessionEnd(outcome: "resolved", cause: "oom-killed", summary: "Restarted app after an OOM kill.", stepID: "fixed", exitStatus: 0)),
    ]

    func report(_ events: [TranscriptEvent]) throws -> (session: SessionDirectory, text: String) {
        let session = try SampleEvents.session()
        for event in events { try session.record(event) }
        try session.finish()
        return (session, try Files.text(session.path + "/transcript.md"))
    }

    @Test("the header says who ran what, when, how it ended, with which flags, inputs and files")
    func header() throws {
        let text = try report(Self.run).text
        for expected in [
            "# Incident transcript: nginx-502\n", "- **Runbook:** `nginx-502` version `3`", "- **Operator:** alice@web1", "- **Started:** 20",
            " UTC", "- **Outcome:** resolved, cause `oom-killed`", "- **Summary:** Restarted app after an OOM kill.",
            "- **Flags:** `--yes`, `--dry-run`",
            "- `service`: `app`", "- `api_token`: •••• (secret)", "- `runbooks/nginx-502.yaml`: SHA-256 `\(String(repeating: "ab", count: 32))`",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
        #expect(!text.contains("did not finish"))
    }

    @Test("the timeline shows each step, what ran, the result, output, branch, approvals and notes")
    func timeline() throws {
        let text = try report(Self.run).text
        for expected in [
            "### 1. CHECK: Is the site up?", "Step `probe` in runbook `nginx-502`, entered at ", "\n```\ncurl -sS http://localhost/health\n```\n",
            "Result: HTTP 502, 1.5 s, failed.", "Output (80 lines, 4096 bytes; all of it is in `output/001-probe.log`):",
            "\n````\n<html>502 Bad Gateway</html>\n```\n````\n", "Next: `restart` (HTTP 502), because nginx answers but app does not.",
            "### 2. ACTION: Restart the app", "**Confirmed by alice@web1** at ", "typing `app` as asked (`app`).", "It printed nothing.",
            "Result: exit status 0, 250 ms, succeeded.", "Note at ", "> the app had been OOM-killed twice today",
            "**Approved by --yes** at ", "Not run (dry run); it would have run (local):", "Result: not run (dry run).",
            "**Declined by alice@web1** at ", "the reply was `no`, the prompt asked for `yes`.", "### 5. CONCLUSION: Fixed",
            "### End: resolved, cause `oom-killed`", "Conclusion `fixed`, reached at ", "medic exited with status 0.",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
    }

    @Test("a journal without an end says honestly that the run did not finish, and where it stops")
    func unfinished() throws {
        let (session, _) = try report(Array(Self.run.prefix(9)))
        let read = JournalReader.read(path: session.path + "/transcript.jsonl")
        let text = MarkdownReport.render(read.entries, problems: read.problems)
        #expect(text.contains("- **Ended:** the run did not finish; the journal stops at "))
        #expect(text.contains("**The run did not finish: the journal stops at "))
        #expect(text.contains(", after starting the run of `restart`, with no result recorded (seq 9).**"))
        let torn = MarkdownReport.render(read.entries, problems: [.incompleteLastLine(line: 10)])
        #expect(torn.contains("> **Warning:** line 10 is incomplete: the run was interrupted while writing it."))
    }

    @Test("inline code and fences survive backticks in what they hold")
    func markdownPieces() {
        #expect(Markdown.code("a`b") == "`` a`b ``")
        #expect(Markdown.code("two\nlines") == "`two lines`")
        #expect(Markdown.block("x ```` y").hasPrefix("`````\n"))
        #expect(Markdown.duration(milliseconds: 125_000) == "2 min 5 s")
        #expect(Markdown.duration(milliseconds: 7_500_000) == "2 h 5 min")
    }
}
