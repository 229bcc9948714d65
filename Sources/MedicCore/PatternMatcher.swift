/// One question about a runbook's pattern over some text: what a condition, a capture, a count
/// or a host set's `{captured: NAME}` asks of a step's output.
public struct MatchQuestion: Sendable, Hashable {
    /// What is asked.
    public enum Kind: UInt8, Sendable {
        /// The named groups of the first match in the first text that has one.
        case first = 0
        /// Whether a text matches whole, and its named groups.
        case whole = 1
        /// How many of the texts have a match (each text one line).
        case countTexts = 2
        /// Every match in every text, in order, with its named groups.
        case all = 3
    }

    /// What is asked.
    public var kind: Kind
    /// The pattern as written.
    public var pattern: String
    /// Whether `^` and `$` match at line boundaries (conditions, captures and counts), or only
    /// at the ends of the text (an input's pattern).
    public var lineAnchors: Bool
    /// The texts the pattern is matched over, each on its own.
    public var texts: [String]

    /// Creates a question.
    public init(_ kind: Kind, _ pattern: String, lineAnchors: Bool = true, in texts: [String]) {
        self.kind = kind
        self.pattern = pattern
        self.lineAnchors = lineAnchors
        self.texts = texts
    }

    /// The answer, worked out in this process with Swift's regex engine. That engine backtracks
    /// and never stops on its own: a session asks through a `PatternMatcher` that can stop it.
    public func answerHere() -> MatchAnswer {
        let written = RegexPattern(pattern, at: SourceLocation(file: "", line: 0, column: 0))
        guard let compiled = try? Regex(pattern) else { return MatchAnswer(matches: [], count: 0) }
        let regex = lineAnchors ? compiled.anchorsMatchLineEndings() : compiled
        let names = written.groupNames(of: regex)
        func groups(_ match: Regex<AnyRegexOutput>.Match) -> [String: String] {
            var values: [String: String] = [:]
            for name in names { if let text = match.output[name]?.substring { values[name] = String(text) } }
            return values
        }
        switch kind {
        case .first:
            let match = texts.lazy.compactMap { try? regex.firstMatch(in: $0) }.first
            return MatchAnswer(matches: match.map { [groups($0)] } ?? [], count: match == nil ? 0 : 1)
        case .whole:
            let match = texts.lazy.compactMap { try? regex.wholeMatch(in: $0) }.first
            return MatchAnswer(matches: match.map { [groups($0)] } ?? [], count: match == nil ? 0 : 1)
        case .countTexts:
            let count = texts.reduce(0) { total, text in total + (((try? regex.firstMatch(in: text)) ?? nil) != nil ? 1 : 0) }
            return MatchAnswer(matches: [], count: count)
        case .all:
            let matches = texts.flatMap { $0.matches(of: regex).map(groups) }
            return MatchAnswer(matches: matches, count: matches.count)
        }
    }
}

/// What a pattern matched.
public struct MatchAnswer: Sendable, Hashable {
    /// The matches, each as the values of its named groups that took part: at most one for
    /// `first` and `whole`, none for `countTexts`.
    public var matches: [[String: String]]
    /// How many matches (`countTexts`: how many texts had one).
    public var count: Int

    /// Creates an answer.
    public init(matches: [[String: String]], count: Int) {
        self.matches = matches
        self.count = count
    }
}

/// Matching stopped before it had an answer: neither a match nor a non-match.
public struct MatchUnfinished: Error, Sendable, Hashable {
    /// Why it stopped.
    public enum Reason: Sendable, Hashable {
        /// The step's deadline passed.
        case deadline(milliseconds: Int)
        /// The operator interrupted (Ctrl-C).
        case cancelled
        /// Medic was told to stop (SIGTERM, or the terminal hung up).
        case stopped
        /// The matcher itself failed (its process could not start, or died): why.
        case failed(String)

        /// What happened to the matching, as the predicate of a sentence whose subject each
        /// caller gives ("matching 'P' over the output of 'S' " + this): `did not finish within
        /// 2s, and was stopped`, `was cancelled`, `was stopped: Medic was told to stop`, `failed (why)`.
        public var explanation: String {
            switch self {
            case .deadline(let milliseconds): "did not finish within \(TimeSpan(milliseconds: Int64(milliseconds))), and was stopped"
            case .cancelled: "was cancelled"
            case .stopped: "was stopped: Medic was told to stop"
            case .failed(let why): "failed (\(why))"
            }
        }
    }

    /// Why it stopped.
    public var reason: Reason
    /// The pattern that was being matched.
    public var pattern: String

    /// Creates the error.
    public init(_ reason: Reason, pattern: String) {
        self.reason = reason
        self.pattern = pattern
    }
}

/// Matches a runbook's patterns over a step's output, within the time the step has left.
///
/// Swift's regex engine backtracks: a pattern such as `^(a+)+$` over a few dozen characters runs
/// for hours, and the engine checks neither a deadline nor cancellation. The real matcher
/// (`MedicRuntime.MatchWorker`) asks a separate process it can kill; `InProcessMatcher` answers
/// here, for `medic test`, drills and unit tests, where nothing runs for real.
public protocol PatternMatcher: AnyObject, Sendable {
    /// Starts a budget: every answer until the next call must come within `milliseconds` from
    /// now, or `answer` throws.
    func allow(milliseconds: Int)

    /// Answers `question`, or throws when the budget ran out or the operator interrupted first.
    func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer

    /// Gets ready to answer, for a caller that knows questions will come after other work: the
    /// real matcher starts its process now, so that its start-up overlaps that work. Answering
    /// never needs it.
    func prepare()
}

extension PatternMatcher {
    /// Nothing to get ready.
    public func prepare() {}
}

/// Answers in this process, without a bound: for walks in which nothing runs for real.
public final class InProcessMatcher: PatternMatcher {
    /// Creates a matcher.
    public init() {}

    /// No budget is kept: an answer here cannot be stopped.
    public func allow(milliseconds: Int) {}

    /// Answers at once.
    public func answer(_ question: MatchQuestion) throws(MatchUnfinished) -> MatchAnswer {
        question.answerHere()
    }
}
