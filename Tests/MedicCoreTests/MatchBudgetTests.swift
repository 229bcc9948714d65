import MedicCore
import MedicTestSupport
import Synchronization
import Testing

/// The time a walk's patterns get: a step's result comes with the budget its session set from
/// the step's deadline; any other event gets a budget of its own, since it may take a caller's
/// branches long after the last step's deadline.
@Suite("Budgets for matching")
struct MatchBudgetTests {
    /// Answers in process and records every budget it is given.
    final class Recording: PatternMatcher {
        let budgets = Mutex<[Int]>([])
        let inner = InProcessMatcher()
        func allow(milliseconds: Int) { budgets.withLock { $0.append(milliseconds) } }
        func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer { try inner.answer(question) }
    }

    @Test("a step's result keeps the session's budget; a decline, an answer or a skip starts a fresh one")
    func freshBudget() throws {
        let recording = Recording()
        var walk = Walk(bundle: TestSupport.bundle(try TestSupport.runbook(OptionLikeCaptureTests.runbook(#"command: [true]"#))), inputs: [:])
        walk.matcher = recording
        _ = walk.start()
        recording.allow(milliseconds: 5)
        _ = walk.handle(.finished(StepResult(exitStatus: 0, output: "level=warn\n")))
        #expect(recording.budgets.withLock { $0 } == [5])
        _ = walk.handle(.declined)
        #expect(recording.budgets.withLock { $0 } == [5, Walk.decisionMatchingMilliseconds])
    }
}
