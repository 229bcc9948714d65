import MedicCore
import Synchronization

/// A matcher that stalls on chosen patterns: a question about one of them never gets an answer
/// before its budget ends, so it throws as the real matcher does when it kills its process
/// (`reason`, the deadline of the budget it was given unless a test says otherwise); every other
/// question is answered in process. It records what it was asked, each budget, and whether it was
/// told to get ready, so a test can tell that the bounded path was taken (and when it was not).
public final class StallingMatcher: PatternMatcher {
    private struct Log {
        var questions: [MatchQuestion] = []
        var budgets: [Int] = []
        var prepared = 0
    }

    /// The patterns whose matching never finishes.
    public let stalls: Set<String>
    /// The texts they stall over (a question holding one of them); nil: every text.
    public let texts: Set<String>?
    /// Why a stalled match stops; nil: the deadline of the last budget.
    public let reason: MatchUnfinished.Reason?
    private let log = Mutex(Log())

    /// A matcher that stalls on `stalls` over `texts` (every text when nil), stopping as
    /// `reason` says (the deadline when nil).
    public init(stalling stalls: Set<String>, over texts: Set<String>? = nil, reason: MatchUnfinished.Reason? = nil) {
        self.stalls = stalls
        self.texts = texts
        self.reason = reason
    }

    /// Every question asked, in order.
    public var questions: [MatchQuestion] { log.withLock { $0.questions } }
    /// Every budget given, in order.
    public var budgets: [Int] { log.withLock { $0.budgets } }
    /// How many times it was told to get ready.
    public var prepared: Int { log.withLock { $0.prepared } }

    public func allow(milliseconds: Int) { log.withLock { $0.budgets.append(milliseconds) } }

    public func prepare() { log.withLock { $0.prepared += 1 } }

    public func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer {
        let budget = log.withLock { log in
            log.questions.append(question)
            return log.budgets.last ?? 0
        }
        guard stalls.contains(question.pattern), texts.map({ !$0.isDisjoint(with: question.texts) }) ?? true else {
            return question.answerHere()
        }
        throw MatchUnfinished(reason ?? .deadline(milliseconds: budget), pattern: question.pattern)
    }
}
