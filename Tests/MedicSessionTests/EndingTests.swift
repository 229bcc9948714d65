import MedicCore
import MedicSession
import MedicTestSupport
import Testing

/// The ending is composed from what the journal recorded on the path: a declined, skipped,
/// dry-run or failed action changes what it says, on the screen and in the `end` record.
@Suite("The ending of a run")
struct EndingTests {
    func run(
        _ replies: [ConsoleReply], results: [String: [StepResult]] = [:], interactive: Bool = true, dryRun: Bool = false, yes: Bool = false
    ) throws -> (end: SessionEnd, recorded: SessionEnd?, screen: String) {
        let recorder = MemoryRecorder()
        let (session, console) = try TwoFixes.session(
            replies, results: results, interactive: interactive, dryRun: dryRun, yes: yes, recorder: recorder)
        let end = session.run(start: TwoFixes.start())
        return (end, recorder.end, console.screen)
    }

    @Test("when every action ran and succeeded, the ending is the conclusion's summary, and lists them")
    func allDone() throws {
        let (end, recorded, screen) = try run([.line("yes"), .line("yes")])
        #expect(end.outcome == "resolved")
        #expect(end.summary == "The app in /srv/app answers again.")
        #expect(recorded == end)
        #expect(end.actions.map(\.fate) == [.done, .done])
        #expect(end.actions.map(\.by) == ["alice@box", "alice@box"])
        #expect(end.actions[0].sentence.hasPrefix("\"Stop the build jobs\" (stop-jobs) ran and succeeded: confirmed by alice@box at 03:12:"))
        #expect(!screen.contains("Not done"))
        #expect(end.title == "Recovered")
        #expect(end.escalateTo == nil, "a resolved incident is handed to nobody")
    }

    @Test("a declined action is named in the ending with who declined it and when, though the walk still resolves")
    func declined() throws {
        let (end, recorded, screen) = try run([.line("no"), .line("yes")])
        #expect(end.outcome == "resolved")
        let expected = try #require(
            end.summary.firstMatch(
                of:
                    #/^The app in /srv/app answers again\.\nNot done on this path:\n- "Stop the build jobs" \(stop-jobs\) was not run: declined by alice@box at 03:12:\d\d UTC\.$/#
            ), "\(end.summary)")
        #expect(!expected.output.isEmpty)
        #expect(recorded?.summary == end.summary)
        #expect(screen.contains(end.summary))
        #expect(end.actions.map(\.fate) == [.declined, .done])
    }

    @Test("a skipped action says skipped, not declined")
    func skipped() throws {
        let (end, _, screen) = try run([.line("skip"), .line("skip")])
        #expect(end.summary.contains("- \"Stop the build jobs\" (stop-jobs) was not run: skipped by alice@box at 03:12:"))
        #expect(end.summary.contains("- \"Restart the app\" (restart) was not run: skipped by alice@box at 03:12:"))
        #expect(screen.contains("Not done on this path:"))
    }

    @Test("the end of input at a confirmation is no decision: the ending says nobody approved it, never that it was declined")
    func endOfInput() throws {
        let (end, _, _) = try run([])
        let first = try #require(end.actions.first)
        #expect(first.fate == .unanswered)
        #expect(first.sentence.hasPrefix("\"Stop the build jobs\" (stop-jobs) was not run: "))
        #expect(!end.summary.contains("declined"), "\(end.summary)")
    }

    @Test("in a dry run every action is named as not run")
    func dryRun() throws {
        let (end, _, _) = try run([], interactive: false, dryRun: true)
        #expect(end.outcome == "resolved")
        #expect(
            end.summary == """
                The app in /srv/app answers again.
                Not done on this path:
                - "Stop the build jobs" (stop-jobs) was not run: dry run (--dry-run).
                - "Restart the app" (restart) was not run: dry run (--dry-run).
                """)
        #expect(end.actions.allSatisfy { $0.by == nil })
    }

    @Test("a failed action is named with its result, and who approved it")
    func failed() throws {
        let (end, _, _) = try run([], results: ["stop-jobs": [StepResult(exitStatus: 3)]], interactive: false, yes: true)
        #expect(end.summary.contains("- \"Stop the build jobs\" (stop-jobs) ran and failed (exit status 3): approved by --yes at 03:12:"))
        #expect(end.actions.map(\.fate) == [.failed, .done])
    }

    @Test("an escalation names who to hand it to, in the end record too")
    func escalation() throws {
        let (end, recorded, screen) = try run([.line("yes"), .line("yes")], results: ["restart": [StepResult(exitStatus: 1)]])
        #expect(end.outcome == "escalate")
        #expect(end.escalateTo == "the app's owners in the app-oncall channel")
        #expect(recorded?.escalateTo == end.escalateTo)
        #expect(screen.contains("Escalate to: the app's owners in the app-oncall channel"))
        #expect(end.summary.contains("\"Restart the app\" (restart) ran and failed (exit status 1)"))
    }

    @Test("without a terminal or --yes the run stops before the action, needing a person, and the ending says nobody approved it")
    func refused() throws {
        let (end, _, screen) = try run([], interactive: false)
        #expect(end.outcome == "needs-person")
        #expect(end.summary.contains("- \"Stop the build jobs\" (stop-jobs) was not run: nobody approved it."))
        #expect(screen.contains("Not done on this path:"))
    }

    @Test("the end record names the inputs the path used, in declaration order")
    func inputsUsed() throws {
        let (end, _, _) = try run([.line("yes"), .line("yes")])
        #expect(end.inputsUsed == ["dir", "restart_status"])
    }

    @Test("a resumed run's ending also tells what became of the actions before the interruption")
    func carriedOver() throws {
        var earlier = ActionAccount()
        let stop = StepVisit(stepID: "stop-jobs", kind: .action, title: "Stop the build jobs", why: "", runbookID: "two-fixes")
        earlier.observe(.step(stop), at: "2026-11-21T02:59:00.000Z")
        earlier.observe(
            .confirm(ConfirmRecord(stepID: "stop-jobs", expected: "yes", reply: "no", approved: false, by: "bob@box")), at: "2026-11-21T02:59:30.000Z"
        )
        let restart = StepVisit(stepID: "restart", kind: .action, title: "Restart the app", why: "", runbookID: "two-fixes")
        earlier.observe(.step(restart), at: "2026-11-21T02:59:40.000Z")
        let recorder = MemoryRecorder()
        let (session, _) = try TwoFixes.session([.line("yes"), .line("yes")], recorder: recorder)
        session.carryOver(earlier)
        let end = session.run(start: TwoFixes.start())
        #expect(end.actions.first?.sentence == "\"Stop the build jobs\" (stop-jobs) was not run: declined by bob@box at 02:59:30 UTC")
        #expect(end.actions.count == 3, "the visit nobody decided before the interruption is entered again, not counted twice")
        #expect(!end.summary.contains("nobody approved it"))
    }

    @Test("an action whose approval record is missing is never said to be confirmed by the operator: the account says none is recorded")
    func approvalMissing() {
        var account = ActionAccount()
        let act = StepVisit(stepID: "act", kind: .action, title: "Act", why: "", runbookID: "r")
        account.observe(.step(act), at: "2026-11-21T02:59:00.000Z")
        // The confirm record (a --yes, say) was lost or unreadable: the run and result remain.
        account.observe(.run(RunRecord(stepID: "act", kind: .action, display: "true", placement: "", dryRun: false)), at: "2026-11-21T02:59:01.000Z")
        account.observe(
            .result(
                ResultRecord(
                    stepID: "act", exitStatus: 0, httpStatus: nil, durationMilliseconds: 1, timedOut: false, cancelled: false, failureReason: nil,
                    notRun: nil, succeeded: true)), at: "2026-11-21T02:59:02.000Z")
        let sentence = account.actions.first?.sentence ?? ""
        #expect(sentence == "\"Act\" (act) ran and succeeded: no approval of it is recorded", "\(sentence)")
        #expect(!sentence.contains("confirmed by"))
    }
}
